// A stress entry and a sweep's scaling in words, for the terminal table, the text report and the
// comment. Pure: data in, text out (markdown.ts escapes, terminal.ts strips).
import { markdownTable } from 'markdown-table'
import type { ScalingSummary, StressBreak, StressSummary } from '../results/document.js'
import { formatFraction, formatLatencyUs, formatRps, grouped } from './numbers.js'

const BREAK_WORD: Record<StressBreak, string> = {
  p50: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  p999: 'p99.9',
  mean: 'mean latency',
  errorRate: 'error rate',
  follow: 'throughput below the offered rate',
}

/** What a stress step broke, in words: `p99, error rate`. */
export function breakWords(broke: readonly StressBreak[]): string {
  return broke.map((b) => BREAK_WORD[b]).join(', ')
}

function loadUnit(loop: StressSummary['loop']): string {
  return loop === 'rate' ? 'req/s' : 'conn'
}

/** A load of a stress search: `283 req/s` (offered) or `40 conn`. */
export function formatLoad(load: number, loop: StressSummary['loop']): string {
  return `${Number.isInteger(load) ? grouped(load) : formatRps(load)} ${loadUnit(loop)}`
}

/**
 * The capacity with its interval: `183 req/s (95 % interval 180–186 over 6 rounds)`, or below six
 * rounds `183 req/s (range 181–186 over 3 rounds, covers the median with ≥ 75 %)`; `≥` when every
 * round held up to the search's maximum.
 */
export function capacityText(stress: StressSummary): string {
  const atLeast = stress.reachedMax === stress.rounds && stress.rounds > 0 ? '≥ ' : ''
  const value = `${atLeast}${formatRps(stress.capacity)} req/s`
  if (stress.rounds < 2) return `${value} (1 round, no interval)`
  const span = `${formatRps(stress.low)}–${formatRps(stress.high)}`
  const coverage = Math.floor(stress.coverage * 100)
  if (coverage >= 95) return `${value} (95 % interval ${span} over ${stress.rounds} rounds)`
  return `${value} (range ${span} over ${stress.rounds} rounds, covers the median with ≥ ${coverage} %)`
}

/** The lowest load at which most rounds broke the SLO and what broke it, for a one-line summary. */
function breakPoint(stress: StressSummary): string | undefined {
  const point = stress.curve.find((p) => p.held * 2 < p.rounds)
  if (point === undefined) return undefined
  const why = point.broke === undefined ? '' : ` (${breakWords(point.broke)})`
  return `${formatLoad(point.load, stress.loop)}${why}`
}

/** One line per stress entry: `limited @ stress: capacity 183 req/s (…); the SLO broke at 200 req/s`. */
export function stressLine(key: string, stress: StressSummary): string {
  const broke = breakPoint(stress)
  const where =
    stress.reachedMax === stress.rounds
      ? 'the SLO held up to stress.max in every round: raise it to find where it breaks'
      : broke === undefined
        ? undefined
        : `the SLO broke in most rounds at ${broke}`
  return `${key}: capacity ${capacityText(stress)}${where === undefined ? '' : `; ${where}`}`
}

/**
 * The latency-vs-load curve as a table: load, of the rounds that tried it how many held, req/s, p50,
 * p99, errors, what broke the SLO; and, when loads were tried by different numbers of rounds, a line
 * saying why (a higher load "held 1 of 1" beside a lower one's "1 of 3" read as if it held better).
 */
export function curveTable(stress: StressSummary): string {
  const header = [stress.loop === 'rate' ? 'offered' : 'connections', 'held in', 'req/s', 'p50', 'p99', 'errors', 'broke']
  const rows = stress.curve.map((p) => [
    formatLoad(p.load, stress.loop),
    `${p.held} of ${p.rounds} round${p.rounds === 1 ? '' : 's'}`,
    formatRps(p.rps),
    formatLatencyUs(p.p50Us),
    formatLatencyUs(p.p99Us),
    formatFraction(p.errorRate),
    p.broke === undefined ? '' : breakWords(p.broke),
  ])
  const table = markdownTable([header, ...rows], { align: ['r', 'r', 'r', 'r', 'r', 'r', 'l'] })
  if (new Set(stress.curve.map((p) => p.rounds)).size < 2) return table
  return (
    `${table}\n"held in" counts only the rounds whose search tried that load: each round's search goes higher ` +
    'only from a load that held, so a higher load is tried by fewer rounds, and "1 of 1" there is one round, not a better result.'
  )
}

/**
 * A sweep's scaling in one line: `list users: 1 → 50 conn: 1,234 → 9,876 req/s, p99 0.410 → 6.20 ms;
 * efficiency 16 % at 50 conn; knee at 10 conn`.
 */
export function scalingLine(summary: ScalingSummary): string {
  const first = summary.points[0]
  const last = summary.points[summary.points.length - 1]
  if (first === undefined || last === undefined) return `${summary.scenario}: no levels measured`
  const span = `${first.connections} → ${last.connections} conn: ${formatRps(first.rps)} → ${formatRps(last.rps)} req/s, p99 ${formatLatencyUs(first.p99Us)} → ${formatLatencyUs(last.p99Us)}`
  const efficiency = `efficiency ${Math.round(last.efficiency * 100)} % at ${last.connections} conn`
  const knee =
    summary.kneeConnections === undefined
      ? 'no knee: p99 rose no faster than throughput'
      : `knee at ${summary.kneeConnections} conn (p99 rose faster than throughput from there)`
  return `${summary.scenario}: ${span}; ${efficiency}; ${knee}`
}
