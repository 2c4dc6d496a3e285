// Absolute thresholds (p99 < 50 ms, rps ≥ 1000, ...): checked on every run, baseline or not.
import type { AbsoluteThreshold, MetricName, Severity } from '../config/plan.js'
import { isLatencyMetric } from '../config/plan.js'
import type { EntryResult, SlopeFit } from '../results/document.js'
import { entryLatency, pooledErrorRate } from '../results/entry-numbers.js'

/** A threshold an entry did not meet. */
export interface Violation {
  readonly entry: string
  readonly metric: MetricName
  readonly severity: Severity
  readonly actual: number
  readonly threshold: AbsoluteThreshold
  /**
   * Set when the entry had no valid round: what was wrong with its rounds (the threshold is then a
   * stand-in for "nothing could be measured"). report/violation.ts words either kind.
   */
  readonly noValidRound?: readonly string[]
  /**
   * Set when the entry's requests over all its rounds failed more than `validity.maxErrorRate` (the
   * threshold is then that limit): how many of its rounds were over it on their own.
   */
  readonly failedRounds?: { readonly over: number; readonly of: number }
  /**
   * Set for a soak slope judged against the base commit measured beside it (same-job): the base's
   * slope per minute. `actual` is then head minus base: the growth the change adds.
   */
  readonly baseSlope?: number
  /**
   * For a soak slope, the judgement the violation reports ({@link judgeSlopes}): which series (RSS or a
   * Node app's heap), its interval, and its state. `probable` is always a warning, whatever the
   * threshold's severity, so a likely leak is never a silent pass and `fail-on: warn` fails on it;
   * `actual` is then the estimate.
   */
  readonly slope?: SlopeJudgement
}

/** Whether `v` is a soak slope not decided but probably far beyond its limit, rather than a broken threshold. */
export function probableSlope(v: Violation): boolean {
  return v.slope?.state === 'probable'
}

/** The entry's soak slopes whose interval reaches both sides of their limit: undecided for `fail-on: inconclusive`. */
export function openSlopes(slopes: readonly SlopeJudgement[] | undefined): SlopeJudgement[] {
  return (slopes ?? []).filter((j) => j.state === 'open')
}

/**
 * The value an absolute threshold is checked against, the same number the table shows and the
 * comparison tests: the median over the valid rounds of each round's latency percentile, rps and
 * error rate; median server CPU (% of one core); the highest peak RSS of any round.
 */
export function entryValue(entry: EntryResult, metric: MetricName): number | undefined {
  if (isLatencyMetric(metric)) return entryLatency(entry)[metric]
  switch (metric) {
    case 'rps':
      return entry.rps
    case 'errorRate':
      return pooledErrorRate(entry.rounds)
    case 'cpu':
      return entry.server?.cpuPercent
    case 'rss':
      return entry.server?.rssMaxBytes
    case 'capacity':
      return entry.stress?.capacity
    default:
      return profileValue(entry, metric)
  }
}

/** A profile metric's value (src/load/profiles/): what the entry's findings hold for it, if anything. */
function profileValue(entry: EntryResult, metric: MetricName): number | undefined {
  const found = entry.findings
  if (found?.kind === 'spike') {
    if (metric === 'recovery') return found.recoveryMs
    if (metric === 'burstP99') return found.burstP99Us
    if (metric === 'burstErrorRate') return found.burstErrorRate
  }
  if (found?.kind === 'soak') {
    if (metric === 'leak') return found.rss?.perMinute
    if (metric === 'drift') return found.p99.perMinute
  }
  return undefined
}

/** What a soak slope was fitted to: RSS, a Node app's heap after full collections, or p99. */
export type SlopeSeries = 'rss' | 'heap' | 'p99'

/** The soak slope of one series, if the entry has one. */
function soakSlope(entry: EntryResult | undefined, series: SlopeSeries): SlopeFit | undefined {
  const found = entry?.findings
  if (found?.kind !== 'soak') return undefined
  return series === 'rss' ? found.rss : series === 'heap' ? found.heap : found.p99
}

/** The series a profile metric is judged on: `leak` on RSS and, for a Node app, on its heap too. */
function slopeSeries(metric: MetricName): readonly SlopeSeries[] {
  if (metric === 'leak') return ['rss', 'heap']
  if (metric === 'drift') return ['p99']
  return []
}

/**
 * What a soak slope's 95 % interval says against its limit (`max`):
 * - `over`: the whole interval is above it, the growth beyond the limit with 97.5 % confidence: the
 *   threshold is broken. Requiring only an interval that excludes 0 (the rule before) failed 1 of 5
 *   clean 3-minute soaks of a Node JSON API whose heap wanders for longer than the judged half-window
 *   (+1.76 MB/min, CI +0.78 … +2.92, bench/soak.ts).
 * - `under`: the whole interval is at or below it: no growth beyond the limit ("no leak").
 * - `probable`: neither, but the estimate is more than {@link PROBABLE_FACTOR} times the limit.
 * - `open`: neither, the estimate within that: not decided either way.
 * An Express route keeping 1 KB a request at 100 req/s grew 7–10 MB/min in a 3-minute soak, yet the
 * V8 heap gave 43 MB back to the system once in the judged half, and the interval of a series that
 * steps instead of climbing spans gigabytes (−2.6 GB … +255 MB/min, worth 4 of its 90 points): it
 * used to read "no leak". It now reads as a probable leak, a warning; a clean route's estimate stayed
 * within ±1.4 MB/min in 16 soaks (README, *soak*).
 */
export type SlopeState = 'over' | 'under' | 'probable' | 'open'

/** A soak slope judged against a `max` threshold on it: what was judged (head minus base in same-job) and the state. */
export interface SlopeJudgement {
  readonly metric: 'leak' | 'drift'
  /** What was fitted: `leak` is judged on RSS and, when the app is Node, on its heap after full collections. */
  readonly series: SlopeSeries
  readonly state: SlopeState
  readonly threshold: AbsoluteThreshold
  /** The slope judged: the entry's, or head minus base when a base was measured beside it. */
  readonly judged: SlopeFit
  /** The base commit's slope per minute, when judged against it. */
  readonly baseSlope?: number
}

/** An undecided slope whose estimate is beyond this many times its limit warns as probable (as an undecided gated metric does at twice its tolerance). */
export const PROBABLE_FACTOR = 2

function slopeState(fit: SlopeFit, limit: number): SlopeState {
  if (fit.low > limit) return 'over'
  if (fit.high <= limit) return 'under'
  return limit > 0 && fit.perMinute > PROBABLE_FACTOR * limit ? 'probable' : 'open'
}

/**
 * The entry's soak slopes judged against their `max` thresholds ({@link SlopeState}); with `base`, the
 * base commit measured beside it (same-job), head minus base is judged ({@link slopeDifference}).
 */
export function judgeSlopes(entry: EntryResult, thresholds: readonly AbsoluteThreshold[], base?: EntryResult): SlopeJudgement[] {
  const judgements: SlopeJudgement[] = []
  for (const threshold of thresholds) {
    const metric = threshold.metric
    if ((metric !== 'leak' && metric !== 'drift') || threshold.bound !== 'max') continue
    for (const series of slopeSeries(metric)) {
      const slope = soakSlope(entry, series)
      if (slope === undefined) continue
      const baseSlope = soakSlope(base, series)
      const judged = baseSlope === undefined ? slope : slopeDifference(slope, baseSlope)
      judgements.push({
        metric,
        series,
        state: slopeState(judged, threshold.limit),
        threshold,
        judged,
        ...(baseSlope === undefined ? {} : { baseSlope: baseSlope.perMinute }),
      })
    }
  }
  return judgements
}

// Which of a threshold's judgements a violation reports: over before probable, the heap (the
// direct measure of what a Node app keeps) before RSS.
const RANK: Record<SlopeState, number> = { over: 2, probable: 1, open: 0, under: 0 }
function worstJudgement(judgements: readonly SlopeJudgement[]): SlopeJudgement | undefined {
  let worst: SlopeJudgement | undefined
  for (const j of judgements) {
    if (RANK[j.state] === 0) continue
    if (worst === undefined || RANK[j.state] > RANK[worst.state] || (RANK[j.state] === RANK[worst.state] && j.series === 'heap')) worst = j
  }
  return worst
}

/**
 * Head's slope minus base's, for a base measured beside it (same-job): the runtime's own growth and
 * a leak the base already had are in both and cancel, so a change fails for the growth it adds. The
 * two fits are independent (different processes); each side of the interval combines the two
 * half-widths on that side in quadrature.
 */
export function slopeDifference(head: SlopeFit, base: SlopeFit): SlopeFit {
  const perMinute = head.perMinute - base.perMinute
  const below = Math.hypot(head.perMinute - head.low, base.high - base.perMinute)
  const above = Math.hypot(head.high - head.perMinute, base.perMinute - base.low)
  return { perMinute, low: perMinute - below, high: perMinute + above, points: Math.min(head.points, base.points) }
}

/**
 * Checks one entry's absolute thresholds. A metric that was not measured (no app: no CPU) is skipped.
 * With `base`, the base commit measured beside it in the same job, a soak's `leak` and `drift` are
 * judged on head minus base ({@link slopeDifference}).
 */
export function checkEntry(
  entry: EntryResult,
  thresholds: readonly AbsoluteThreshold[],
  base?: EntryResult,
  slopes: readonly SlopeJudgement[] = judgeSlopes(entry, thresholds, base),
): Violation[] {
  const violations: Violation[] = []
  for (const threshold of thresholds) {
    const judged = slopes.filter((j) => j.threshold === threshold)
    if (judged.length > 0) {
      const slope = worstJudgement(judged)
      if (slope === undefined) continue
      violations.push({
        entry: entry.key,
        metric: threshold.metric,
        severity: slope.state === 'over' ? threshold.severity : 'warn',
        actual: slope.judged.perMinute,
        threshold,
        ...(slope.baseSlope === undefined ? {} : { baseSlope: slope.baseSlope }),
        slope,
      })
      continue
    }
    const actual = entryValue(entry, threshold.metric)
    if (actual === undefined) continue
    const broken = threshold.bound === 'max' ? actual > threshold.limit : actual < threshold.limit
    if (!broken) continue
    violations.push({ entry: entry.key, metric: threshold.metric, severity: threshold.severity, actual, threshold })
  }
  const failing = failingEntry(entry)
  // A configured error-rate limit that already failed the entry says the same.
  if (failing !== undefined && !violations.some((v) => v.metric === 'errorRate' && v.severity === 'fail')) violations.push(failing)
  return violations
}

/**
 * The validity limit on failed requests held to the entry as a whole: a round whose failed share is
 * over `validity.maxErrorRate` is left out of the numbers as failing, not slow, and an entry none of
 * whose rounds is valid fails (validityViolation). One with some valid rounds fails too where its
 * requests over all rounds failed more than that limit: the app failed for much of the run, and the
 * clean rounds that remain do not make it pass (a route answering 500 in bursts read 0 % errors from
 * its one clean round of five, and passed). Not for files that do not record the limit.
 */
function failingEntry(entry: EntryResult): Violation | undefined {
  const limit = entry.maxErrorRate
  if (limit === undefined || entry.validRounds === 0 || !(entry.errorRate > limit)) return undefined
  return {
    entry: entry.key,
    metric: 'errorRate',
    severity: 'fail',
    actual: entry.errorRate,
    threshold: { metric: 'errorRate', bound: 'max', limit, severity: 'fail' },
    failedRounds: { over: entry.rounds.filter((r) => r.errorRate > limit).length, of: entry.rounds.length },
  }
}

/** An entry none of whose rounds could be trusted fails: its numbers say nothing about the app. */
export function validityViolation(entry: EntryResult): Violation | undefined {
  if (entry.validRounds > 0) return undefined
  const reasons = [...new Set(entry.rounds.flatMap((r) => r.problems))]
  return {
    entry: entry.key,
    metric: 'errorRate',
    severity: 'fail',
    actual: entry.errorRate,
    threshold: { metric: 'errorRate', bound: 'max', limit: 1, severity: 'fail' },
    noValidRound: reasons,
  }
}

/**
 * Every absolute violation of a results file, using the thresholds each entry carries; with `base`
 * (the base commit measured beside it), soak slopes are judged against the base's entry of that key.
 */
export function checkResults(
  results: { readonly entries: readonly EntryResult[] },
  base?: { readonly entries: readonly EntryResult[] },
): Violation[] {
  const baseEntries = new Map((base?.entries ?? []).map((e) => [e.key, e]))
  return results.entries.flatMap((entry) => {
    const invalid = validityViolation(entry)
    return invalid === undefined ? checkEntry(entry, entry.thresholds, baseEntries.get(entry.key)) : [invalid]
  })
}
