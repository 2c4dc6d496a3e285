/**
 * Suite-level error control: the chance that *any* gated metric of an unchanged suite is called a
 * regression stays below {@link SUITE_ALPHA}, however many entries and gated metrics the suite has.
 *
 * Method: a Bonferroni split. Each of the m gated comparisons (entry × gated metric) is tested at
 * α/m, so by the union bound P(any false regression) ≤ m · α/m = α, whatever the dependence
 * between metrics (rps, p50 and p99 of one entry move together; Bonferroni needs no model of that).
 *
 * Why not the alternatives:
 * - Holm's step-down procedure is uniformly more powerful for fixed-sample p-values, but it orders
 *   final p-values; sequential tests that stop at different times have no common final moment, and
 *   an alpha split is the simple valid choice for them. Holm also gives no simultaneous intervals,
 *   and the report shows intervals.
 * - Holm or Benjamini–Hochberg on the Mann–Whitney p-values of the fixed-sample comparison would
 *   never reject with 5 rounds a side: the smallest exact two-sided p is 0.0079, above α/m for any
 *   suite with more than six gated metrics.
 * - Benjamini–Hochberg controls the false discovery rate, not the chance of failing an unchanged
 *   pull request, which is what a gate must bound.
 *
 * So: the sequential test of each gated metric uses a confidence sequence at level 1 − α/m, and
 * the fixed-sample comparison a two-sided Welch t-interval at level 1 − 2α/m (a false regression
 * needs the interval to miss on the bad side only, which has probability α/m; stats/welch.ts says
 * why a bootstrap over 5 rounds cannot be trusted that far out).
 *
 * The real rate is much lower than the bound: a regression also needs the estimate beyond the
 * tolerance, and metrics of one entry are strongly correlated (see `bench/replay.ts`).
 */
import type { RegressionTolerance } from '../config/plan.js'
import { COMPARED_METRICS } from './types.js'

/** Bound on the chance that an unchanged suite fails on any gated metric (per run, per suite). */
export const SUITE_ALPHA = 0.01

const COMPARED: ReadonlySet<string> = new Set(COMPARED_METRICS)

/**
 * The number of gated comparisons in a suite: over its entries, the tolerances on metrics that are
 * compared with the baseline. Counted from the configuration, not from what was measured, so that
 * deciding as you go and the final comparison use the same split.
 */
export function gatedCount(entries: readonly { readonly regression: readonly RegressionTolerance[] }[]): number {
  return entries.reduce((sum, entry) => sum + entry.regression.filter((t) => COMPARED.has(t.metric)).length, 0)
}

/** The error split of one suite: what each gated test may spend, for the report's footer. */
export interface ErrorBudget {
  /** Bound on the chance of any false regression in the suite. */
  readonly suiteAlpha: number
  /** Gated comparisons the bound is split over. */
  readonly tests: number
  /** What each of them may spend: suiteAlpha / tests (suiteAlpha when there are none). */
  readonly perTest: number
}

/** Splits the suite's bound over its gated comparisons (Bonferroni). */
export function errorBudget(tests: number, suiteAlpha: number = SUITE_ALPHA): ErrorBudget {
  if (!(suiteAlpha > 0 && suiteAlpha < 1)) throw new RangeError(`the suite's alpha must be strictly between 0 and 1, got ${suiteAlpha}`)
  const count = Math.max(0, Math.floor(tests))
  return { suiteAlpha, tests: count, perTest: suiteAlpha / Math.max(1, count) }
}
