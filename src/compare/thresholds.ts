// Absolute thresholds (p99 < 50 ms, rps ≥ 1000, ...): checked on every run, baseline or not.
import type { AbsoluteThreshold, MetricName, Severity } from '../config/plan.js'
import { isLatencyMetric } from '../config/plan.js'
import type { EntryResult } from '../results/format.js'
import { entryLatency, pooledErrorRate } from '../results/summary.js'

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

/**
 * A growth slope breaks its limit only when its interval also excludes no growth at all: noise on a
 * short soak can tilt the estimate past a small limit while the data are as flat as they are rising.
 */
function slopeConfident(entry: EntryResult, metric: MetricName): boolean {
  const found = entry.findings
  if (found?.kind !== 'soak') return true
  if (metric === 'leak') return (found.rss?.low ?? 0) > 0
  if (metric === 'drift') return found.p99.low > 0
  return true
}

/** Checks one entry's absolute thresholds. A metric that was not measured (no app: no CPU) is skipped. */
export function checkEntry(entry: EntryResult, thresholds: readonly AbsoluteThreshold[]): Violation[] {
  const violations: Violation[] = []
  for (const threshold of thresholds) {
    const actual = entryValue(entry, threshold.metric)
    if (actual === undefined) continue
    const broken =
      threshold.bound === 'max' ? actual > threshold.limit && slopeConfident(entry, threshold.metric) : actual < threshold.limit
    if (!broken) continue
    violations.push({ entry: entry.key, metric: threshold.metric, severity: threshold.severity, actual, threshold })
  }
  return violations
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

/** Every absolute violation of a results file, using the thresholds each entry carries. */
export function checkResults(results: { readonly entries: readonly EntryResult[] }): Violation[] {
  return results.entries.flatMap((entry) => {
    const invalid = validityViolation(entry)
    return invalid === undefined ? checkEntry(entry, entry.thresholds) : [invalid]
  })
}
