/**
 * A monotone drift across the rounds of one entry: the app slowing down (or speeding up) as the run
 * goes on, e.g. because a list it serves grows with every request. The rounds are then not
 * replicates of one condition, and their median describes no moment of the run.
 *
 * The test is Kendall's rank correlation between a per-round metric and the round order (Mann's
 * test for trend: H. B. Mann, "Nonparametric tests against trend", Econometrica 13, 1945; M. G.
 * Kendall, "Rank Correlation Methods", 1975). It assumes nothing about the noise's distribution,
 * ignores the size of outlier rounds, and has an exact null distribution for any number of rounds.
 * A trend is reported only when both hold:
 *
 * - the two-sided exact p-value is at most {@link TREND_ALPHA}, and
 * - the drift is large enough to matter: the Theil–Sen slope (median of pairwise slopes; P. K. Sen,
 *   JASA 63, 1968) times the span of the rounds is at least {@link MIN_TREND_CHANGE} of the median.
 *
 * False alarms: under no drift every order of the rounds is equally likely, so an entry is flagged
 * with probability at most {@link TREND_ALPHA} (the magnitude rule only lowers it). With 5 rounds the
 * only orders that reach it are the two perfectly monotone ones, 2 of 120 = 1.7 %; with 6 rounds
 * 12 of 720 = 1.7 %. One metric (p50) is tested per entry, so a suite of 10 entries with no drift
 * gets a note in about 1 run of 6 at worst, and only when the drift is also ≥ 10 %. The seeded
 * simulation in __tests__/stats/trend.test.ts checks the rate and the power.
 */
import { median } from './stats.js'

/** Fewer valid rounds than this and no order of them is rare enough to call a trend (4 rounds: 2/24 = 8 %). */
export const MIN_TREND_ROUNDS = 5
/** Two-sided significance level of the trend test. */
export const TREND_ALPHA = 0.02
/** Smallest drift over the run worth a note, relative to the median. */
export const MIN_TREND_CHANGE = 0.1

/** Kendall's S of a series against its order, and its exact two-sided p-value. */
export interface TrendTest {
  /** Σ over pairs i < j of sign(x_j − x_i): positive for a rising series, at most n(n−1)/2. */
  readonly s: number
  /** Kendall's τ = S / (n(n−1)/2). */
  readonly tau: number
  /** Two-sided p-value from the exact distribution of S without ties (conservative with ties). */
  readonly p: number
}

/**
 * Probability that a random permutation of n items has at most k inversions. The counts of
 * permutations by inversions (Mahonian numbers) follow I(n, k) = Σ_{j=0}^{min(k, n−1)} I(n−1, k−j):
 * the n-th item adds 0 to n − 1 inversions. Kept as probabilities (each step divides by n), so no
 * factorial overflows, and summed with a sliding window: O(n³) at worst, trivial for n ≤ 100.
 */
function inversionsAtMost(n: number, k: number): number {
  let dist = [1]
  for (let m = 2; m <= n; m++) {
    const size = dist.length + m - 1
    const next = new Array<number>(size).fill(0)
    let window = 0
    for (let i = 0; i < size; i++) {
      window += dist[i] ?? 0
      if (i - m >= 0) window -= dist[i - m] ?? 0
      next[i] = window / m
    }
    dist = next
  }
  let total = 0
  for (let i = 0; i <= Math.min(k, dist.length - 1); i++) total += dist[i] ?? 0
  return Math.min(1, total)
}

/**
 * Mann–Kendall test of a series against its order. Ties count 0 in S; the no-tie null distribution
 * is then wider than the true one, so the p-value errs on the side of no trend.
 *
 * @returns p = 1 for fewer than 2 values or a series with NaN.
 */
export function kendallTrend(xs: readonly number[]): TrendTest {
  const n = xs.length
  const pairs = (n * (n - 1)) / 2
  if (n < 2 || xs.some(Number.isNaN)) return { s: 0, tau: 0, p: 1 }
  let s = 0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) s += Math.sign((xs[j] ?? 0) - (xs[i] ?? 0))
  }
  // S = pairs − 2·(discordant pairs) without ties, so |S| ≥ |s| ⇔ inversions ≤ (pairs − |s|) / 2,
  // and by symmetry the two tails are equal.
  const inversions = Math.floor((pairs - Math.abs(s)) / 2)
  const p = s === 0 ? 1 : Math.min(1, 2 * inversionsAtMost(n, inversions))
  return { s, tau: s / pairs, p }
}

/** The Theil–Sen slope: the median of (x_j − x_i)/(j − i) over all pairs i < j, per round. */
export function theilSenSlope(xs: readonly number[]): number {
  const slopes: number[] = []
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) slopes.push(((xs[j] ?? 0) - (xs[i] ?? 0)) / (j - i))
  }
  return slopes.length === 0 ? 0 : median(slopes)
}

/** A drift found in a series of rounds. */
export interface Trend {
  readonly direction: 'rose' | 'fell'
  /**
   * The Theil–Sen line's values at the first and the last round, in the metric's unit: taken from the
   * same fit as the direction, so they always agree with it. The raw first and last rounds need not
   * (one slow last round in a series that fell otherwise read "fell: 13.05 ms → 17.25 ms").
   */
  readonly first: number
  readonly last: number
  /** Theil–Sen slope × (n − 1) relative to the median: the drift over the run. */
  readonly change: number
  readonly rounds: number
  readonly p: number
}

/**
 * A monotone drift in rounds given in the order they ran, or undefined when there is none worth
 * reporting (too few rounds, not significant at {@link TREND_ALPHA}, or under {@link MIN_TREND_CHANGE}).
 */
export function detectTrend(xs: readonly number[]): Trend | undefined {
  const n = xs.length
  const first = xs[0]
  const last = xs[n - 1]
  if (n < MIN_TREND_ROUNDS || first === undefined || last === undefined) return undefined
  const test = kendallTrend(xs)
  if (!(test.p <= TREND_ALPHA)) return undefined
  const centre = median(xs)
  if (!(centre > 0)) return undefined
  const slope = theilSenSlope(xs)
  const change = (slope * (n - 1)) / centre
  if (!(Math.abs(change) >= MIN_TREND_CHANGE)) return undefined
  // Kendall's S and the median pairwise slope share their sign (S > 0: more rising pairs than falling
  // ones); checked all the same, so a direction is never printed beside endpoints that contradict it.
  if (Math.sign(slope) !== Math.sign(test.s)) return undefined
  // The line through the median of x_i − slope·i (Sen's intercept), at the first and last round.
  const start = median(xs.map((x, i) => x - slope * i))
  return { direction: slope > 0 ? 'rose' : 'fell', first: start, last: start + slope * (n - 1), change, rounds: n, p: test.p }
}
