/**
 * Suite-level error control: the chance that *any* gated metric of an unchanged suite is called a
 * regression stays below {@link SUITE_ALPHA}, however many entries and gated metrics the suite has.
 *
 * ## The procedure: weighted Bonferroni, a primary metric per loop type
 *
 * The suite's α is split evenly over its gated entries, α_e = α / E, and each entry's share over its
 * gated metrics in proportion to a weight: the entry's *primary* metric (see {@link PRIMARY_METRIC})
 * weighs 2w/(1 − w) = 4 for w = {@link PRIMARY_WEIGHT}, every other gated metric 1. With the default
 * gates (rps, p50, p99) the primary spends w · α_e = 2/3 of the entry's share and the two others 1/6
 * each; with a fourth gated metric the primary gets 4/7; with only the primary gated, all of it; when
 * the primary is not gated, the share is split evenly. Every gated comparison m then tests at its own
 * level α_m with Σ α_m = α, and by the union bound
 *
 *   P(any false regression) ≤ Σ_m P(metric m falsely regresses) ≤ Σ_m α_m = α,
 *
 * whatever the dependence between the metrics and however each test uses its α_m. That last point
 * is what makes it fit both deciding paths: a confidence sequence (sequential.ts) at level 1 − α_m
 * is valid at every look and at any stopping time, and the fixed-sample path's Welch interval at
 * 1 − 2α_m misses on the bad side with probability α_m. Each judgement still receives one number,
 * `alarmAlpha`, for its (entry, metric).
 *
 * ## Why weights, and why these
 *
 * An even split (plain Bonferroni, what this module did before) pays for every gated metric as if it
 * were a hypothesis of its own. In closed loop, throughput and p50 are nearly reciprocal (Little's
 * law: connections = throughput × mean latency): over the recorded traces the log-ratios of a pair
 * correlate −0.68 … −0.87 between rps and p50, and −0.34 … −0.74 between rps and p99. A slowdown that
 * moves one moves the other, so an even split pays each of them a smaller level for what is largely
 * one question. The split should follow where the information is: one metric that carries
 * most of it gets most of the level, and the others keep a share for the changes only they see (a
 * slower tail, which moves p99 and hardly p50).
 *
 * - Closed loop: the primary is throughput. It is the closed loop's own measure of service
 *   capacity, and a mean over every response, so a slowdown of any part of the work moves it.
 * - Open loop: throughput is set by the offered rate and says nothing until the app falls behind;
 *   the primary is p50, which a slower handler moves at any load.
 *
 * w = 2/3 (the primary weighs 4, the two others 1 each) was chosen by `bench/family.ts`: the recorded
 * traces replayed through the real decision code and seeded Gaussian pairs, 500 trials a cell, the
 * same pairs for every split. Every split tried held the false alarms (0–0.6 % of unchanged 3-entry
 * suites against the 1 % bound), and the differences in power are small, because the level enters
 * an interval's width only through log(1/α) and because p50 is a second, partly independent chance
 * at the same slowdown. Against the even split, rps at 0.8 caught more +10 % slowdowns (same-job at
 * 15 % round CV: 84.0 against 77.8 %; fixed 5 rounds at 5 % CV: 64.0 against 54.8 %) but fewer
 * changes of the tail alone (p99 × 1.5: 92.0 against 96.6 %, and 70.0 against 84.6 %); at 2/3 it
 * kept most of that gain (82.8 %, 64.0 %) for half the loss (94.4 %, 73.2 %). p50 as the closed
 * loop's primary did worse on the replayed rounds (71.6 % and 43.8 % of the +10 %) and better on the
 * Gaussian pairs, whose p50 was set less noisy than rps; rps is the one that held up on real rounds.
 * +25 % slowdowns were caught alike by every split (within 8 points, no split best everywhere).
 *
 * ## Why not the alternatives
 *
 * - A fixed-sequence or fallback procedure (Wiens 2003) and closed testing (Marcus, Peritz & Gabriel
 *   1976), Holm among them, pass the level of a rejected hypothesis on to the others. That helps to
 *   *name* more regressions once one is found, but the gate's question is whether *any* gated
 *   metric regressed: the check fails at the first rejection, and the chance of that first rejection
 *   is exactly the chance of rejecting the intersection hypothesis, which these procedures test by
 *   the same weighted Bonferroni step. For a gate they add no power.
 * - A max-T procedure (Westfall & Young 1993) gets its gain from the joint distribution of the
 *   metrics' statistics, estimated by resampling. Five rounds a side give no reliable estimate of a
 *   3 × 3 correlation out in the 0.1 % tail, and a confidence sequence has no common final moment at
 *   which to resample; a correlation guessed in advance would make the bound depend on every app
 *   behaving like the traces.
 * - Benjamini–Hochberg controls the false discovery rate, not the chance of failing an unchanged
 *   pull request, which is what a gate must bound.
 * - Holm or BH on the Mann–Whitney p-values of the fixed-sample comparison would never reject with 5
 *   rounds a side: the smallest exact two-sided p is 0.0079, above α_m for most suites.
 *
 * ## Edge cases
 * - No gated metric at all: nothing to split; {@link suiteBudget} gives no shares and every metric is
 *   labelled at the reporting level only.
 * - A metric gated twice in one entry cannot happen (the config's `regression` is a map by metric);
 *   if it did, it would be counted once.
 * - A gated metric an entry does not measure (`cpu` without an app) keeps its share unspent: the
 *   split is made from the configuration, before anything is measured, so that deciding as you go
 *   and the final comparison use the same levels.
 *
 * ## Checked against
 * `__tests__/compare/family.test.ts`: seeded simulation of 1,500 unchanged 3-entry suites (rps, p50,
 * p99 gated, tolerance 0 so that the bound is nearly tight, the bound raised to 6 % to measure it),
 * metrics correlated like the traces or independent. Fixed 5 rounds a side: 3.7 % of suites failed
 * (both correlated and independent); paired rounds judged by the confidence sequences after every
 * pair up to 20: 0.9 % correlated, 1.7 % independent (Ville's inequality is conservative). A split
 * that over-spends (the entry's whole share given to every metric) failed 10.9 %, beyond the bound.
 * `bench/family.ts`: 0–0.6 % of unchanged 3-entry suites failed at the real 1 % bound and default
 * tolerances, replayed and simulated, for every split tried.
 */
import type { RegressionTolerance } from '../config/plan.js'
import { COMPARED_METRICS, type ComparedMetric } from './types.js'

/** Bound on the chance that an unchanged suite fails on any gated metric (per run, per suite). */
export const SUITE_ALPHA = 0.01

/** Closed loop (a number of connections) or open loop (a rate). */
export type LoopKind = 'closed' | 'open'

/** The metric that carries most of an entry's information, per loop type (see the module comment). */
export const PRIMARY_METRIC: Readonly<Record<LoopKind, ComparedMetric>> = { closed: 'rps', open: 'p50' }

/** The share of an entry's α its primary metric may spend when other metrics are gated too. */
export const PRIMARY_WEIGHT = 2 / 3

const COMPARED: ReadonlySet<string> = new Set(COMPARED_METRICS)

function isCompared(metric: string): metric is ComparedMetric {
  return COMPARED.has(metric)
}

/** What the split needs to know of an entry: its regression tolerances and whether it is open loop. */
export interface GatedEntry {
  readonly regression: readonly RegressionTolerance[]
  /** Set (req/s) for an open-loop entry. */
  readonly rate?: number | undefined
}

/** The gated metrics of an entry that are compared with a baseline, each once, in the config's order. */
function gatedMetrics(entry: GatedEntry): ComparedMetric[] {
  const metrics: ComparedMetric[] = []
  for (const t of entry.regression) if (isCompared(t.metric) && !metrics.includes(t.metric)) metrics.push(t.metric)
  return metrics
}

/**
 * The number of gated comparisons in a suite: over its entries, the tolerances on metrics that are
 * compared with the baseline. Counted from the configuration, not from what was measured, so that
 * deciding as you go and the final comparison use the same split.
 */
export function gatedCount(entries: readonly GatedEntry[]): number {
  return entries.reduce((sum, entry) => sum + gatedMetrics(entry).length, 0)
}

/** An even split of a bound: what each of `tests` comparisons may spend. */
export interface ErrorBudget {
  /** Bound on the chance of any false regression in the suite. */
  readonly suiteAlpha: number
  /** Gated comparisons the bound is split over. */
  readonly tests: number
  /** What each of them may spend: suiteAlpha / tests (suiteAlpha when there are none). */
  readonly perTest: number
}

function checkAlpha(suiteAlpha: number): void {
  if (!(suiteAlpha > 0 && suiteAlpha < 1)) throw new RangeError(`the suite's alpha must be strictly between 0 and 1, got ${suiteAlpha}`)
}

/** Splits a bound evenly over `tests` comparisons (plain Bonferroni; simulations and tests use it). */
export function errorBudget(tests: number, suiteAlpha: number = SUITE_ALPHA): ErrorBudget {
  checkAlpha(suiteAlpha)
  const count = Math.max(0, Math.floor(tests))
  return { suiteAlpha, tests: count, perTest: suiteAlpha / Math.max(1, count) }
}

/** What each gated metric of one entry may spend; a metric absent here is not gated. */
export type EntryShares = Readonly<Partial<Record<ComparedMetric, number>>>

/** The split of one suite's bound over its entries and their gated metrics. */
export interface SuiteBudget {
  /** Bound on the chance of any false regression in the suite. */
  readonly suiteAlpha: number
  /** Entries with at least one gated metric, over which the bound is split evenly. */
  readonly entries: number
  /** Gated comparisons (entry × gated metric). */
  readonly tests: number
  /** Each gated entry's share: suiteAlpha / entries (suiteAlpha when there are none). */
  readonly perEntry: number
  /** Per entry, in the order given: what each of its gated metrics may spend. */
  readonly shares: readonly EntryShares[]
}

/**
 * How an entry's share is divided: a relative weight per gated metric and loop type. A gated metric
 * the table does not name weighs 1; the weights of an entry's gated metrics are scaled to sum to 1.
 */
export interface SplitRule {
  readonly weights: Readonly<Record<LoopKind, Readonly<Partial<Record<ComparedMetric, number>>>>>
}

/** The product's rule: each loop type's primary metric gets {@link PRIMARY_WEIGHT} of an entry that gates three. */
export const DEFAULT_SPLIT: SplitRule = primarySplit(PRIMARY_METRIC, PRIMARY_WEIGHT)

/** An even split within the entry as well (plain Bonferroni over entry × metric), for comparison. */
export const EVEN_SPLIT: SplitRule = { weights: { closed: {}, open: {} } }

/**
 * A rule in which each loop type's primary metric gets `weight` of an entry with three gated metrics
 * (the default gates) and the two others share the rest: relative weight 2w/(1 − w) against 1.
 *
 * @throws RangeError when the weight is outside [0, 1).
 */
export function primarySplit(primary: Readonly<Record<LoopKind, ComparedMetric>>, weight: number): SplitRule {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`the primary metric's weight must be in [0, 1), got ${weight}`)
  const relative = weight === 0 ? 1 : (2 * weight) / (1 - weight)
  return { weights: { closed: { [primary.closed]: relative }, open: { [primary.open]: relative } } }
}

/**
 * Divides one entry's share over its gated metrics by the rule's weights (weighted Bonferroni, see the
 * module comment): the shares sum to `entryAlpha`.
 *
 * @throws RangeError when a weight is negative or not finite.
 */
export function entryShares(entry: GatedEntry, entryAlpha: number, rule: SplitRule = DEFAULT_SPLIT): EntryShares {
  const metrics = gatedMetrics(entry)
  const table = rule.weights[entry.rate === undefined ? 'closed' : 'open']
  const weights = metrics.map((m) => table[m] ?? 1)
  if (!weights.every((w) => Number.isFinite(w) && w >= 0))
    throw new RangeError(`split weights must be finite and not negative, got ${weights.join(', ')}`)
  const total = weights.reduce((a, b) => a + b, 0)
  const shares: Partial<Record<ComparedMetric, number>> = {}
  for (const [i, metric] of metrics.entries()) {
    // All weights zero: nothing says where the information is, so the even split.
    shares[metric] = total > 0 ? (entryAlpha * (weights[i] ?? 0)) / total : entryAlpha / metrics.length
  }
  return shares
}

/**
 * Splits the suite's bound over its gated entries evenly, then within each entry by
 * {@link entryShares}. Counted from the configuration, so that deciding as you go
 * (load/deciding.ts) and the final comparison (compare.ts) use the same levels.
 */
export function suiteBudget(
  entries: readonly GatedEntry[],
  suiteAlpha: number = SUITE_ALPHA,
  rule: SplitRule = DEFAULT_SPLIT,
): SuiteBudget {
  checkAlpha(suiteAlpha)
  const gated = entries.filter((e) => gatedMetrics(e).length > 0).length
  const perEntry = suiteAlpha / Math.max(1, gated)
  return {
    suiteAlpha,
    entries: gated,
    tests: gatedCount(entries),
    perEntry,
    shares: entries.map((e) => entryShares(e, perEntry, rule)),
  }
}
