// One number per metric for an entry, the same one the comparison tests: the median over its valid
// rounds of each round's value. The table, the comment, the absolute thresholds and the chart all
// read it from here, so a p99 never shows as one number in one place and another elsewhere.
import type { LatencyMetric } from '../config/plan.js'
import type { LatencySummary } from '../load/histogram.js'
import type { EntryResult, RoundResult } from '../results/format.js'
import { median } from './stats.js'
import { detectTrend, type Trend } from './trend.js'

/** The rounds an entry's numbers come from: the valid ones, or all of them when none is valid. */
function usedRounds(rounds: readonly RoundResult[]): readonly RoundResult[] {
  const valid = rounds.filter((r) => r.valid)
  return valid.length > 0 ? valid : rounds
}

/**
 * Each latency metric as the median over the rounds of the round's own percentile (not a percentile
 * of the merged histogram, which weights rounds by their request counts and is not what is compared).
 *
 * @returns undefined for no rounds.
 */
export function medianLatency(rounds: readonly RoundResult[]): LatencySummary | undefined {
  const used = usedRounds(rounds)
  if (used.length === 0) return undefined
  const at = (metric: LatencyMetric): number => median(used.map((r) => r.latencyUs[metric]))
  // `max` promises that no response was slower: the slowest of all rounds, not a typical round's slowest.
  const max = Math.max(...used.map((r) => r.latencyUs.max))
  return { p50: at('p50'), p90: at('p90'), p95: at('p95'), p99: at('p99'), p999: at('p999'), mean: at('mean'), max }
}

/**
 * The error rate as the failed share of all requests of the rounds. An error-rate limit is a promise
 * about requests, not rounds: a median over rounds would let two bad rounds out of five pass unseen.
 * The comparison with a baseline still tests the rounds' own rates (the unit of replication).
 */
export function pooledErrorRate(rounds: readonly RoundResult[]): number {
  const used = usedRounds(rounds)
  const requests = used.reduce((sum, r) => sum + r.requests, 0)
  if (requests === 0) return used.length === 0 ? 0 : median(used.map((r) => r.errorRate))
  return used.reduce((sum, r) => sum + r.errorRate * r.requests, 0) / requests
}

/**
 * An entry's latencies as compared, recomputed from its rounds so that results files written before
 * the summary was a median (when it came from the merged histogram) agree too.
 */
export function entryLatency(entry: EntryResult): LatencySummary {
  return medianLatency(entry.rounds) ?? entry.latencyUs
}

/** A drift of one metric across an entry's rounds. */
export type EntryTrend = Trend & { readonly metric: 'p50' }

/**
 * A drift of p50 across the entry's valid rounds in the order they ran, if there is one worth a note.
 * Only p50 is tested, so an entry gets one test and the false-alarm rate of trend.ts holds per entry;
 * p50 is also what a growing data set moves first, in closed and open loop alike.
 */
export function entryTrend(entry: EntryResult): EntryTrend | undefined {
  const trend = detectTrend(entry.rounds.filter((r) => r.valid).map((r) => r.latencyUs.p50))
  return trend === undefined ? undefined : { ...trend, metric: 'p50' }
}
