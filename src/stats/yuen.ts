/**
 * Yuen's trimmed-mean interval for the difference of two locations, the part of a fixed-sample
 * comparison that one bad round cannot widen.
 *
 * ## Why
 * Welch's interval (welch.ts) is the right one for well-behaved rounds, but its variance is a mean of
 * squares: one round 3× off the others (a neighbour's burst, a garbage collection that fell in it)
 * makes s² of five log values about 0.25 instead of 0.0025, and at the strict per-metric levels a
 * gate spends (one-sided 0.1 % or less) Welch's half-width grows to a factor of 3–4. A head three
 * times slower than a stored baseline then read *inconclusive* (issue 17). Trimming the most extreme
 * round at each end of each side, and using the winsorized variance, takes that one round out of both
 * the estimate and the scale.
 *
 * ## Method
 * Yuen (1974), "The two-sample trimmed t for unequal population variances", Biometrika 61:165–170;
 * Wilcox, Introduction to Robust Estimation and Hypothesis Testing (4th ed., 2017), §5.3. For each
 * side of n values, trim g = ⌊γ·n⌋ from each end (γ = {@link TRIM}), h = n − 2g values remain:
 *
 *   x̄_t = mean of the middle h values,
 *   s_w² = winsorized variance (the g lowest set to the (g+1)-th, the g highest to the (n−g)-th), n − 1 denominator,
 *   d = (n − 1)·s_w² / (h·(h − 1)),
 *   interval x̄_t,head − x̄_t,base ± t_{ν, (1−c)/2} · √(d_base + d_head),
 *   ν = (d_base + d_head)² / (d_base²/(h_base − 1) + d_head²/(h_head − 1)).
 *
 * With γ = 0.2, five or more rounds a side trim one from each end; fewer trim nothing and the interval
 * is Welch's. The degrees of freedom are those of the h kept values, so on clean Gaussian rounds the
 * interval is wider than Welch's: run-to-run.ts uses both, each at half the level, and keeps their
 * intersection (a valid interval by the union bound), so clean rounds lose little and an outlier round
 * costs little.
 *
 * ## Edge cases
 * - h < 2 on either side, or a non-finite value: the whole line.
 * - Both winsorized variances 0: the point difference.
 *
 * ## Checked against
 * __tests__/stats/yuen.test.ts: a worked example (Wilcox's definitions by hand) and a seeded simulation
 * of the one-sided miss rate at the levels a gate uses, on Gaussian rounds (5 and 6 a side).
 */
import { studentTQuantile } from './distributions.js'
import type { DifferenceInterval } from './welch.js'

/** The share of each side's rounds trimmed from each end (Wilcox's recommended 20 %). */
export const TRIM = 0.2

/** A trimmed mean and the squared standard error term of Yuen's statistic, with h kept values. */
interface TrimmedSide {
  readonly mean: number
  readonly d: number
  readonly kept: number
}

function trimmedSide(xs: readonly number[]): TrimmedSide | undefined {
  const n = xs.length
  const g = Math.floor(TRIM * n)
  const h = n - 2 * g
  if (h < 2) return undefined
  const sorted = [...xs].sort((a, b) => a - b)
  let sum = 0
  for (let i = g; i < n - g; i++) sum += sorted[i] ?? NaN
  const mean = sum / h
  const low = sorted[g] ?? NaN
  const high = sorted[n - g - 1] ?? NaN
  const winsorized = sorted.map((x) => Math.min(high, Math.max(low, x)))
  const wMean = winsorized.reduce((a, b) => a + b, 0) / n
  const wVariance = winsorized.reduce((a, b) => a + (b - wMean) ** 2, 0) / (n - 1)
  return { mean, d: ((n - 1) * wVariance) / (h * (h - 1)), kept: h }
}

/** The 20 % trimmed mean ({@link TRIM} from each end); NaN for an empty sample. */
export function trimmedMean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  const g = Math.floor(TRIM * xs.length)
  const kept = [...xs].sort((a, b) => a - b).slice(g, xs.length - g)
  return kept.reduce((a, b) => a + b, 0) / kept.length
}

/** Whether Yuen's interval trims anything for samples of these sizes (else it is Welch's). */
export function trims(baseCount: number, headCount: number): boolean {
  return Math.floor(TRIM * baseCount) > 0 || Math.floor(TRIM * headCount) > 0
}

/**
 * The parts of Yuen's statistic: the difference of trimmed means head − base, its squared standard
 * error and degrees of freedom; undefined when a side keeps fewer than 2 values or holds a non-finite one.
 */
export function yuenParts(base: readonly number[], head: readonly number[]): { estimate: number; se2: number; df: number } | undefined {
  if (![...base, ...head].every(Number.isFinite)) return undefined
  const b = trimmedSide(base)
  const h = trimmedSide(head)
  if (b === undefined || h === undefined) return undefined
  const se2 = b.d + h.d
  const df = se2 === 0 ? Infinity : se2 ** 2 / (b.d ** 2 / (b.kept - 1) + h.d ** 2 / (h.kept - 1))
  return { estimate: h.mean - b.mean, se2, df }
}

/**
 * Yuen's two-sided `confidence` interval for the difference of 20 % trimmed means, head − base.
 *
 * @throws RangeError when the confidence is not strictly between 0 and 1.
 */
export function yuenDifference(base: readonly number[], head: readonly number[], confidence: number): DifferenceInterval {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be strictly between 0 and 1, got ${confidence}`)
  if (![...base, ...head].every(Number.isFinite)) return { estimate: NaN, low: -Infinity, high: Infinity }
  const b = trimmedSide(base)
  const h = trimmedSide(head)
  if (b === undefined || h === undefined) return { estimate: NaN, low: -Infinity, high: Infinity }
  const estimate = h.mean - b.mean
  const se2 = b.d + h.d
  if (se2 === 0) return { estimate, low: estimate, high: estimate }
  const df = se2 ** 2 / (b.d ** 2 / (b.kept - 1) + h.d ** 2 / (h.kept - 1))
  const half = studentTQuantile((1 - confidence) / 2, df) * Math.sqrt(se2)
  return { estimate, low: estimate - half, high: estimate + half }
}
