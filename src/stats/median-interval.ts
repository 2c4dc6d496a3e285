// The median of a few values and a distribution-free interval for it: what the history keeps per
// run and metric, and what a stress entry's capacity is reported with over its rounds.

/** A median and its interval. */
export interface MedianInterval {
  readonly median: number
  readonly low: number
  readonly high: number
}

/** The chance that Binomial(n, ½) ≤ k. */
function binomialHalfCdf(n: number, k: number): number {
  let term = 0.5 ** n
  let sum = term
  for (let i = 1; i <= k; i++) {
    term *= (n - i + 1) / i
    sum += term
  }
  return sum
}

/** The order statistic k (1-based, from each end) the interval of {@link medianInterval} uses for n values. */
function orderIndex(n: number): number {
  const mid = Math.floor(n / 2)
  let k = 1
  while (k + 1 <= mid && binomialHalfCdf(n, k) <= 0.025) k++
  return k
}

/**
 * The median of a sample and its distribution-free interval: the order statistics x_(k) and
 * x_(n+1−k) with the largest k for which P(Binomial(n, ½) < k) ≤ 2.5 %, which cover the true
 * median with at least 95 % probability for any continuous distribution (e.g. Conover, Practical
 * Nonparametric Statistics, 3rd ed., §3.2). Below six rounds no such k exists, and the interval is
 * the range, covering with 1 − 2⁻⁽ⁿ⁻¹⁾ (94 % at five rounds).
 */
export function medianInterval(values: readonly number[]): MedianInterval | undefined {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  const n = sorted.length
  if (n === 0) return undefined
  const mid = Math.floor(n / 2)
  const median = n % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2
  const k = orderIndex(n)
  return { median, low: sorted[k - 1] ?? median, high: sorted[n - k] ?? median }
}

/**
 * The least chance that {@link medianInterval}'s interval over n values covers the true median:
 * 1 − 2·P(Binomial(n, ½) < k). 0 for a single value, 50 % for two, 75 % for three, 94 % for five.
 */
export function medianIntervalCoverage(n: number): number {
  if (n < 2) return 0
  return 1 - 2 * binomialHalfCdf(n, orderIndex(n) - 1)
}
