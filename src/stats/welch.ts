/**
 * Welch's t-interval for the difference of two means with unequal, unknown variances, used where a
 * fixed-sample comparison must hold at a far stricter level than 95 %: a false regression of one
 * gated metric may cost only its share of the suite's bound (0.017–0.067 % one-sided in a 10-entry
 * suite gating rps, p50 and p99; compare/family.ts).
 *
 * Why not the percentile bootstrap there: with 5 rounds a side the bootstrap distribution of a
 * ratio of medians takes at most a few hundred distinct values, and its extreme percentiles are
 * the extremes of the data, so a 99.9 % bootstrap interval is hardly wider than a 90 % one. It
 * undercovers badly: simulated 10-entry suites of unchanged code at 5 % and 15 % round CV failed in
 * 3 % and 9 % of runs against a 1 % bound (bench/results of the simulation it replaced). The
 * t-interval widens with the t quantile at few degrees of freedom (t ≈ 6 at ν = 4, one-sided 0.03 %),
 * which is the honest price of 5 rounds.
 *
 * Method (Welch 1947, "The generalization of 'Student's' problem when several different population
 * variances are involved", Biometrika 34:28–35): with sample means x̄, ȳ, variances s², sizes n,
 *   se² = s_x²/n_x + s_y²/n_y,   ν = se⁴ / ( (s_x²/n_x)²/(n_x−1) + (s_y²/n_y)²/(n_y−1) ),
 *   interval ȳ − x̄ ± t_{ν, (1−c)/2} · se.
 * On log values it gives an interval for the ratio of geometric means. Rounds are averages of
 * thousands of requests, close to Gaussian on the log scale; an outlier round inflates s² and so
 * widens the interval, which costs power, never false alarms.
 *
 * Edge cases: fewer than 2 values a side gives the whole line; both variances 0 gives the point
 * difference (nothing varied, so nothing is uncertain as far as the data can tell).
 */
import { studentTQuantile } from './distributions.js'

/** An interval for head − base. */
export interface DifferenceInterval {
  readonly estimate: number
  readonly low: number
  readonly high: number
}

function meanAndVariance(xs: readonly number[]): { mean: number; variance: number } {
  const n = xs.length
  const mean = xs.reduce((a, b) => a + b, 0) / n
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) }
}

/**
 * The parts of Welch's statistic: mean(head) − mean(base), its squared standard error and
 * Welch–Satterthwaite degrees of freedom; undefined with fewer than 2 values a side.
 */
export function welchParts(base: readonly number[], head: readonly number[]): { estimate: number; se2: number; df: number } | undefined {
  if (base.length < 2 || head.length < 2) return undefined
  const b = meanAndVariance(base)
  const h = meanAndVariance(head)
  const vb = b.variance / base.length
  const vh = h.variance / head.length
  const se2 = vb + vh
  const df = se2 === 0 ? Infinity : se2 ** 2 / (vb ** 2 / (base.length - 1) + vh ** 2 / (head.length - 1))
  return { estimate: h.mean - b.mean, se2, df }
}

/** Welch's two-sided `confidence` interval for mean(head) − mean(base). */
export function welchDifference(base: readonly number[], head: readonly number[], confidence: number): DifferenceInterval {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be strictly between 0 and 1, got ${confidence}`)
  if (base.length < 2 || head.length < 2) {
    const estimate = base.length > 0 && head.length > 0 ? meanAndVariance(head).mean - meanAndVariance(base).mean : NaN
    return { estimate, low: -Infinity, high: Infinity }
  }
  const b = meanAndVariance(base)
  const h = meanAndVariance(head)
  const estimate = h.mean - b.mean
  const vb = b.variance / base.length
  const vh = h.variance / head.length
  const se2 = vb + vh
  if (!Number.isFinite(estimate) || !Number.isFinite(se2)) return { estimate: NaN, low: -Infinity, high: Infinity }
  if (se2 === 0) return { estimate, low: estimate, high: estimate }
  const df = se2 ** 2 / (vb ** 2 / (base.length - 1) + vh ** 2 / (head.length - 1))
  const half = studentTQuantile((1 - confidence) / 2, df) * Math.sqrt(se2)
  return { estimate, low: estimate - half, high: estimate + half }
}

/**
 * Welch's interval on log values, as a ratio head/base of geometric means. A zero or negative value
 * has no log: the whole line.
 */
export function welchRatio(base: readonly number[], head: readonly number[], confidence: number): DifferenceInterval {
  if (![...base, ...head].every((x) => x > 0 && Number.isFinite(x))) return { estimate: NaN, low: 0, high: Infinity }
  const d = welchDifference(base.map(Math.log), head.map(Math.log), confidence)
  return { estimate: Math.exp(d.estimate), low: Math.exp(d.low), high: Math.exp(d.high) }
}
