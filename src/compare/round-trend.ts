// A drift across an entry's rounds, noted beside the comparison.
import type { EntryResult } from '../results/document.js'
import { detectTrend, type Trend } from '../stats/trend.js'

/** A drift of one metric across an entry's rounds. */
export type EntryTrend = Trend & { readonly metric: 'p50' }

/**
 * A drift of p50 across the entry's valid rounds in the order they ran, if there is one worth a note.
 * Only p50 is tested, so an entry gets one test and the false-alarm rate of stats/trend.ts holds per entry;
 * p50 is also what a growing data set moves first, in closed and open loop alike.
 */
export function entryTrend(entry: EntryResult): EntryTrend | undefined {
  const trend = detectTrend(entry.rounds.filter((r) => r.valid).map((r) => r.latencyUs.p50))
  return trend === undefined ? undefined : { ...trend, metric: 'p50' }
}
