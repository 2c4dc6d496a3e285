/**
 * A robust straight-line slope with a confidence interval, for a quantity followed over time (server
 * memory over a soak, p99 over a soak).
 *
 * Estimate: the Theil–Sen slope, the median of the slopes (y_j − y_i)/(x_j − x_i) over all pairs of
 * points (H. Theil, 1950; P. K. Sen, "Estimates of the regression coefficient based on Kendall's
 * tau", JASA 63, 1968). Up to 29 % of the points may be wild (a GC pause, a page cache flush) without
 * moving it, unlike least squares.
 *
 * Interval: Sen's distribution-free interval from Kendall's S. With N pairwise slopes sorted and
 * C = z_{α/2} · √Var(S), the bounds are the slopes of rank (N − C)/2 and (N + C)/2 + 1 (Hollander &
 * Wolfe, "Nonparametric Statistical Methods", 3rd ed., §9.4). Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)]
 * / 18, the second term correcting for ties in y (RSS moves in whole pages and often stands still).
 *
 * Several series (rounds) can be fitted together: pairs are formed only within a series, so the time
 * between rounds (spent on other entries) plays no part; S and its variance are sums over the series
 * (Sen 1968, §5, the "stratified" estimator).
 *
 * Serial correlation: Sen's interval assumes independent residuals, and memory sampled every second
 * is not (it stays high once it rose; a GC sawtooth spans several seconds). Positively correlated
 * residuals make S vary more than Var(S) says, so the plain interval is too narrow: on AR(1) noise
 * with φ = 0.8 it covered the true slope in only 48 % of series of 90 points (simulated, below). The
 * variance of S is therefore multiplied by n/n*, the effective-sample-size correction of the
 * Mann–Kendall test (Hamed & Rao, "A modified Mann-Kendall trend test for autocorrelated data",
 * J. Hydrology 204, 1998; Yue & Wang, Water Resources Management 18, 2004):
 *
 *   n/n* = 1 + 2 Σ_{k=1}^{n−1} (1 − k/n) ρ^k
 *
 * with ρ the lag-1 autocorrelation of the residuals about the fitted line, taken as AR(1). ρ is
 * estimated from the residuals and bias-corrected for the estimated level (Kendall 1954: E ρ̂ ≈
 * ρ − (1 + 4ρ)/n, solved for ρ), then clamped to [0, {@link MAX_RHO}]: negative correlation is never
 * allowed to narrow the interval, and a random walk still gets an (extremely wide) finite one. The
 * normal quantile is replaced by Student's t with n* − 2 degrees of freedom, because few effective
 * points also make the variance estimate itself uncertain. Series of fewer than
 * {@link MIN_SERIAL_POINTS} points get no correction (their ρ̂ says nothing).
 *
 * Long series are averaged into blocks of at most {@link MAX_POINTS} points, which also bounds the
 * N = n(n−1)/2 slopes to sort. Coverage is checked by seeded simulations in
 * __tests__/stats/theil-sen.test.ts (95 % nominal):
 *
 * | noise (series of n points)        | covers the true slope | flat series excluding 0 |
 * | --------------------------------- | --------------------- | ----------------------- |
 * | independent normal, n = 40 / 60   | 96.8 % (2,000)        | 3.8 % (1,000)           |
 * | AR(1) φ = 0.5, n = 90             | 96.0 % (plain: 75.7 %)| —                       |
 * | AR(1) φ = 0.8, n = 90             | 95.0 % (plain: 48.2 %)| —                       |
 * | AR(1) φ = 0.9, n = 90, flat       | —                     | 6.0 % (plain: 65.6 %)   |
 *
 * Slightly conservative on independent noise: the price of never narrowing. An unbiased sweep over
 * φ ∈ {0, 0.3, 0.5, 0.8, 0.9, 0.95} at n = 90 gave 94–96 %; at n = 40, φ ≥ 0.9, 92 % (ρ̂ of so
 * few points still underestimates).
 */

import { studentTQuantile } from './distributions.js'

/** More points than this per series are averaged into this many blocks. */
export const MAX_POINTS = 600

/** Series shorter than this get Sen's plain interval: a lag-1 autocorrelation of fewer points is noise. */
export const MIN_SERIAL_POINTS = 10

/** The largest lag-1 autocorrelation used: a random walk (ρ → 1) would give an infinite variance. */
export const MAX_RHO = 0.98

// Two-sided 95 %: the tail of Student's t on each side.
const TAIL_95 = 0.025

/** One series to fit: x (e.g. seconds) strictly increasing, y the values. */
export interface Series {
  readonly x: readonly number[]
  readonly y: readonly number[]
}

/** A slope with its 95 % interval, in y per unit of x. */
export interface SlopeEstimate {
  readonly slope: number
  readonly low: number
  readonly high: number
  /** Points fitted over all series, after block averaging. */
  readonly points: number
  /** Independent points they are worth, n* summed over the series (≤ points). */
  readonly effectivePoints: number
}

/** Averages a series into at most `max` consecutive blocks of (nearly) equal length. */
export function thin(series: Series, max: number = MAX_POINTS): Series {
  const n = Math.min(series.x.length, series.y.length)
  if (n <= max) return { x: series.x.slice(0, n), y: series.y.slice(0, n) }
  const x: number[] = []
  const y: number[] = []
  for (let b = 0; b < max; b++) {
    const from = Math.floor((b * n) / max)
    const to = Math.floor(((b + 1) * n) / max)
    let sx = 0
    let sy = 0
    for (let i = from; i < to; i++) {
      sx += series.x[i] ?? 0
      sy += series.y[i] ?? 0
    }
    x.push(sx / (to - from))
    y.push(sy / (to - from))
  }
  return { x, y }
}

function tieCorrection(ys: readonly number[]): number {
  const counts = new Map<number, number>()
  for (const y of ys) counts.set(y, (counts.get(y) ?? 0) + 1)
  let total = 0
  for (const t of counts.values()) if (t > 1) total += t * (t - 1) * (2 * t + 5)
  return total
}

/**
 * The lag-1 autocorrelation of the residuals of `series` about a line of slope `slope`, corrected for
 * the bias of a sample autocorrelation about an estimated level and clamped to [0, MAX_RHO].
 */
export function residualAutocorrelation(series: Series, slope: number): number {
  const n = Math.min(series.x.length, series.y.length)
  if (n < MIN_SERIAL_POINTS) return 0
  const residuals = Array.from({ length: n }, (_, i) => (series.y[i] ?? 0) - slope * (series.x[i] ?? 0))
  const level = residuals.reduce((a, b) => a + b, 0) / n
  let lagged = 0
  let squares = 0
  for (let i = 0; i < n; i++) {
    const d = (residuals[i] ?? 0) - level
    squares += d * d
    if (i + 1 < n) lagged += d * ((residuals[i + 1] ?? 0) - level)
  }
  // A series standing perfectly still (RSS in whole pages) has no noise to correlate.
  if (squares === 0) return 0
  const raw = lagged / squares
  // Kendall's bias E ρ̂ ≈ ρ − (1 + 4ρ)/n, solved for ρ.
  const corrected = (n * raw + 1) / (n - 4)
  return Math.min(MAX_RHO, Math.max(0, corrected))
}

/** n/n* for n points of AR(1) noise with lag-1 autocorrelation rho (Yue & Wang 2004, eq. 8). */
export function varianceInflation(rho: number, n: number): number {
  let sum = 0
  let power = 1
  for (let k = 1; k < n; k++) {
    power *= rho
    if (power < 1e-12) break
    sum += (1 - k / n) * power
  }
  return 1 + 2 * sum
}

/**
 * The Theil–Sen slope of one or more series with Sen's 95 % interval, widened for the serial
 * correlation of each series' residuals (see the file's comment). `plain` gives Sen's interval as
 * it was before that correction, for benchmarks that show the difference (bench/soak.ts).
 *
 * @returns undefined when no pair of points has distinct x (fewer than 2 points in every series).
 */
export function theilSen(groups: readonly Series[], options: { readonly plain?: boolean } = {}): SlopeEstimate | undefined {
  const slopes: number[] = []
  const fitted: { series: Series; varianceS: number }[] = []
  for (const group of groups) {
    const series = thin(group)
    const { x, y } = series
    const n = x.length
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = (x[j] ?? 0) - (x[i] ?? 0)
        if (dx !== 0) slopes.push(((y[j] ?? 0) - (y[i] ?? 0)) / dx)
      }
    }
    fitted.push({ series, varianceS: (n * (n - 1) * (2 * n + 5) - tieCorrection(y)) / 18 })
  }
  const count = slopes.length
  if (count === 0) return undefined
  const sorted = Float64Array.from(slopes).sort()
  const at = (index: number): number => sorted[Math.min(count - 1, Math.max(0, index))] ?? 0
  const middle = count / 2
  const slope = count % 2 === 1 ? at(Math.floor(middle)) : (at(middle - 1) + at(middle)) / 2
  let varianceS = 0
  let points = 0
  let effectivePoints = 0
  for (const { series, varianceS: v } of fitted) {
    const n = series.x.length
    const inflation = options.plain === true ? 1 : varianceInflation(residualAutocorrelation(series, slope), n)
    varianceS += Math.max(0, v) * inflation
    points += n
    effectivePoints += n / inflation
  }
  const df = options.plain === true ? Infinity : Math.max(1, effectivePoints - 2 * fitted.length)
  const c = studentTQuantile(TAIL_95, df) * Math.sqrt(varianceS)
  // 1-based ranks (N − C)/2 and (N + C)/2 + 1, rounded to the nearest rank, as 0-based indices.
  const low = at(Math.round((count - c) / 2) - 1)
  const high = at(Math.round((count + c) / 2))
  return { slope, low: Math.min(low, slope), high: Math.max(high, slope), points, effectivePoints }
}
