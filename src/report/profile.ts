// What the load profiles found, in words: one row per finding (leak 3.1 MB/min, recovery +2.0 s,
// 12.5 MB/s at 64KB), shared by the comment, the job summary and the terminal.
import type { Severity } from '../config/plan.js'
import { probableSlope, type SlopeJudgement, type Violation } from '../compare/thresholds.js'
import type { Comparison } from '../compare/types.js'
import type { ProfileSummary, SlopeFit } from '../results/document.js'
import { formatBytes, formatFraction, formatLatencyUs, formatSeconds } from './numbers.js'

/** One entry's findings, with the baseline's when there is one and the thresholds it broke. */
export interface ProfileItem {
  readonly scenario: string
  readonly load: string
  readonly findings?: ProfileSummary
  readonly base?: ProfileSummary
  readonly violations: readonly Violation[]
  /** The soak slopes judged against their limits (compare/thresholds.ts judgeSlopes), for the row's words. */
  readonly slopes?: readonly SlopeJudgement[]
}

/** One row of the profile table, every cell in words. */
export interface ProfileRow {
  readonly scenario: string
  readonly load: string
  /** `leak`, `spike recovery`, `burst`, `p99 drift`, `volume`. */
  readonly finding: string
  /** The value with its interval or context. */
  readonly value: string
  /** The baseline's value and the change, or empty. */
  readonly baseline: string
  /** Set when a threshold on the finding was broken. */
  readonly severity?: Severity
}

function signedSeconds(ms: number): string {
  return `${ms > 0 ? '+' : ms < 0 ? '−' : '±'}${formatSeconds(Math.abs(ms))}`
}

function slopeText(fit: SlopeFit, unit: (value: number) => string): string {
  const sign = (value: number): string => (value < 0 ? `−${unit(-value)}` : `+${unit(value)}`)
  // Memory is judged on the later half of the window (results/profile-summary.ts): say so.
  const from = fit.fromSecond === undefined ? '' : ` from second ${fit.fromSecond}`
  return `${sign(fit.perMinute)}/min${from} (95 % CI ${sign(fit.low)} … ${sign(fit.high)})`
}

function worst(violations: readonly Violation[], metrics: readonly string[]): Severity | undefined {
  const hit = violations.filter((v) => metrics.includes(v.metric))
  if (hit.length === 0) return undefined
  return hit.some((v) => v.severity === 'fail') ? 'fail' : 'warn'
}

/**
 * The memory row's name: `leak` only when the whole interval is above the limit, `no leak` only when
 * it is all at or below it; between the two it says so (a row that said "no leak" beside an interval
 * reaching to +255 MB/min read as a clean bill of health).
 */
function leakWords(judged: SlopeJudgement | undefined, broken: boolean, of: 'RSS' | 'JS heap' = 'RSS'): string {
  const leak = of === 'RSS' ? 'leak' : 'JS heap leak'
  switch (judged?.state) {
    case undefined:
      return broken ? leak : `${of} growth`
    case 'over':
      return leak
    case 'under':
      return `${of} growth (no leak)`
    case 'probable':
      return `probable ${leak}, not decided`
    case 'open':
      return `${of} growth (not decided)`
  }
}

function rowsOf(item: ProfileItem): ProfileRow[] {
  const found = item.findings
  if (found === undefined) return []
  const at = { scenario: item.scenario, load: item.load }
  const flagged = (metrics: readonly string[]): { severity?: Severity } => {
    const severity = worst(item.violations, metrics)
    return severity === undefined ? {} : { severity }
  }
  // The leak threshold's one violation is marked on the row of the series it came from.
  const flaggedLeak = (series: 'rss' | 'heap'): { severity?: Severity } => {
    const severity = worst(
      item.violations.filter((v) => (v.slope?.series ?? 'rss') === series),
      ['leak'],
    )
    return severity === undefined ? {} : { severity }
  }
  if (found.kind === 'spike') {
    const base = item.base?.kind === 'spike' ? item.base : undefined
    // A round whose p99 never came back counts the time it watched as its recovery, a lower bound:
    // "3.0 s until p99 was back" beside "never recovered" contradicted itself.
    const value =
      found.unrecovered === 0
        ? `${formatSeconds(found.recoveryMs)} until p99 was back near ${formatLatencyUs(found.beforeP99Us)}`
        : `p99 not back near ${formatLatencyUs(found.beforeP99Us)} by the end of the window in ${found.unrecovered} round(s): ` +
          `recovery ≥ ${formatSeconds(found.recoveryMs)}`
    return [
      {
        ...at,
        finding: 'spike recovery',
        value,
        baseline: base === undefined ? '' : `${formatSeconds(base.recoveryMs)} (${signedSeconds(found.recoveryMs - base.recoveryMs)})`,
        ...flagged(['recovery']),
      },
      {
        ...at,
        finding: 'burst',
        value: `p99 ${formatLatencyUs(found.burstP99Us)}, ${formatFraction(found.burstErrorRate)} errors`,
        baseline: base === undefined ? '' : `p99 ${formatLatencyUs(base.burstP99Us)}, ${formatFraction(base.burstErrorRate)} errors`,
        ...flagged(['burstP99', 'burstErrorRate']),
      },
    ]
  }
  if (found.kind === 'soak') {
    const base = item.base?.kind === 'soak' ? item.base : undefined
    const rows: ProfileRow[] = []
    if (found.rss !== undefined) {
      rows.push({
        ...at,
        finding: leakWords(
          item.slopes?.find((j) => j.metric === 'leak' && j.series === 'rss'),
          item.violations.some((v) => v.metric === 'leak' && !probableSlope(v) && v.slope?.series !== 'heap'),
        ),
        value: `RSS ${slopeText(found.rss, formatBytes)}`,
        baseline: base?.rss === undefined ? '' : `${slopeText(base.rss, formatBytes)}`,
        ...flaggedLeak('rss'),
      })
    }
    if (found.heap !== undefined) {
      // A Node app's heap after each full collection: what it keeps, without the memory V8 gives back.
      rows.push({
        ...at,
        finding: leakWords(
          item.slopes?.find((j) => j.metric === 'leak' && j.series === 'heap'),
          item.violations.some((v) => v.metric === 'leak' && !probableSlope(v) && v.slope?.series === 'heap'),
          'JS heap',
        ),
        value: `heap after full GC ${slopeText(found.heap, formatBytes)}`,
        baseline: base?.heap === undefined ? '' : `${slopeText(base.heap, formatBytes)}`,
        ...flaggedLeak('heap'),
      })
    }
    rows.push({
      ...at,
      finding: item.slopes?.some((j) => j.metric === 'drift' && j.state === 'probable') === true ? 'probable p99 drift' : 'p99 drift',
      value: slopeText(found.p99, formatLatencyUs),
      baseline: base === undefined ? '' : slopeText(base.p99, formatLatencyUs),
      ...flagged(['drift']),
    })
    return rows
  }
  const base = item.base?.kind === 'volume' ? item.base : undefined
  const rate = (s: { sentBytesPerSec: number; receivedBytesPerSec: number }): string =>
    `${formatBytes(s.sentBytesPerSec)}/s sent, ${formatBytes(s.receivedBytesPerSec)}/s received`
  return [{ ...at, finding: 'volume', value: rate(found), baseline: base === undefined ? '' : rate(base) }]
}

/** The rows for every entry with profile findings, in suite order. */
export function profileRows(items: readonly ProfileItem[]): ProfileRow[] {
  return items.flatMap(rowsOf)
}

/** The profile items of a comparison's entries. */
export function comparisonProfileItems(comparison: Comparison): ProfileItem[] {
  return comparison.entries.map((e) => ({
    scenario: e.scenario,
    load: e.load,
    ...(e.findings === undefined ? {} : { findings: e.findings }),
    ...(e.baseFindings === undefined ? {} : { base: e.baseFindings }),
    violations: e.violations,
    ...(e.slopes === undefined ? {} : { slopes: e.slopes }),
  }))
}

/** The header of the profile table. */
export const PROFILE_HEADER = ['scenario', 'load', 'profile finding', 'current', 'baseline'] as const
