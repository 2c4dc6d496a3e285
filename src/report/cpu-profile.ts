// Words for the CPU profiles of the entries that got slower (src/profile/): the functions whose CPU
// time per request grew most, for the terminal, the comment, and report.html. Pure.
import type { CpuProfileReport, EntryProfile, FunctionChange } from '../profile/index.js'
import { formatFraction, grouped } from './numbers.js'

/** Functions shown per entry in the terminal and the comment (report.html has the flame graph). */
export const TOP_FUNCTIONS = 5

/** CPU time per request: `412 µs`, `3.2 µs`, `1.24 ms`. */
export function formatCpuUs(us: number): string {
  const abs = Math.abs(us)
  if (abs >= 10_000) return `${grouped(us / 1000)} ms`
  if (abs >= 1000) return `${(us / 1000).toFixed(2)} ms`
  if (abs >= 10) return `${grouped(us)} µs`
  return `${us.toFixed(1)} µs`
}

function signed(us: number): string {
  return `${us >= 0 ? '+' : '−'}${formatCpuUs(Math.abs(us))}`
}

/** One row of the top functions: rank, function, base → head, change, share of the growth. */
export interface FunctionRow {
  readonly rank: string
  readonly label: string
  readonly values: string
  readonly change: string
  readonly share: string
}

/** The header of {@link FunctionRow}s. */
export const FUNCTION_HEADER = ['#', 'Function (self CPU per request)', 'Base → Head', 'Change', 'Share of the growth']

function row(change: FunctionChange, index: number): FunctionRow {
  const notes = [...(change.isNew ? ['new'] : []), ...(change.withinNoise ? ['within sampling noise'] : [])]
  const note = notes.length === 0 ? '' : ` (${notes.join(', ')})`
  return {
    rank: String(index + 1),
    label: change.label,
    values: `${formatCpuUs(change.baseUs)} → ${formatCpuUs(change.headUs)}`,
    change: `${signed(change.changeUs)} ±${formatCpuUs(change.noiseUs)}${note}`,
    share: change.share === undefined ? '—' : formatFraction(change.share),
  }
}

/** The top functions of an entry's diff, at most `limit`. */
export function functionRows(entry: EntryProfile, limit = TOP_FUNCTIONS): FunctionRow[] {
  return (entry.diff?.grew ?? []).slice(0, limit).map(row)
}

/** The entry's profile in one line: what grew most, or why there is no profile. */
export function profileSummary(entry: EntryProfile): string {
  const diff = entry.diff
  if (diff === undefined) return `no CPU profile: ${entry.problem ?? 'not profiled'}`
  const top = diff.grew[0]
  const total = `CPU per request ${formatCpuUs(diff.base.cpuUs)} → ${formatCpuUs(diff.head.cpuUs)}`
  const measured = entry.measuredCpu
  if (diff.changeUs <= 0 && measured !== undefined && measured.low > 0) {
    // One round a side against the pairs: the pairs measured the growth, the profiled rounds missed
    // it (their totals move with the machine's speed as any round does), so they are no evidence of
    // a slowdown elsewhere; what grew in them is still named.
    const grew = top === undefined ? '' : `; grew most: ${top.label} ${signed(top.changeUs)}`
    return `${total} in the profiled rounds, one a side, against +${formatFraction(measured.change)} over the measured pairs: too noisy to apportion the growth${grew}`
  }
  if (diff.changeUs <= 0) {
    return `${total}: the app's CPU per request did not grow, so the slowdown is elsewhere (waiting on I/O, a lock, another service)`
  }
  if (top === undefined) return total
  const share = top.share === undefined ? '' : `, ${formatFraction(top.share)} of the growth`
  return `${total}; grew most: ${top.label} ${signed(top.changeUs)}${share}`
}

/** Facts under the table: the profiled rounds, the functions new in the head, the raw files. */
export function profileFacts(report: CpuProfileReport, entry: EntryProfile): string[] {
  const facts: string[] = []
  const rounds = entry.rounds
  if (rounds !== undefined) {
    facts.push(
      `Profiled with ${report.profiler ?? 'a profiler'} in one extra round per side, not compared: base ${grouped(rounds.base.requests)} requests, head ${grouped(rounds.head.requests)} requests; ± is twice the sampling error.`,
    )
  }
  const speed = entry.diff?.speed
  if (speed !== undefined) {
    facts.push(
      `Times per request are scaled to one machine speed: the speed probe on the apps' CPUs read ${formatCpuUs(speed.baseUs)} a unit during the base's profiled round and ${formatCpuUs(speed.headUs)} during the head's, ${speed.slope === 1 ? 'at slope 1' : `at the slope the run's pairs fitted for CPU per request, ${speed.slope.toFixed(2)}`} (app.cpus).`,
    )
  }
  const appeared = (entry.diff?.appeared ?? []).slice(0, TOP_FUNCTIONS)
  if (appeared.length > 0) {
    facts.push(`New in the head: ${appeared.map((c) => `${c.label} ${formatCpuUs(c.headInclusiveUs)}/request`).join(', ')}.`)
  }
  const files = [...new Set(entry.files)]
  if (files.length > 0) {
    facts.push(`Raw profiles (.cpuprofile opens in Chrome DevTools and speedscope; .folded is collapsed stacks): ${files.join(', ')}`)
  }
  return facts
}

/** The one line said when no profile could be taken. */
export function unavailableLine(report: CpuProfileReport): string | undefined {
  return report.unavailable === undefined ? undefined : `No CPU profile of the slower entries: ${report.unavailable}.`
}
