import { describe, expect, it } from 'vitest'
import { normalSource } from '../../__fixtures__/random.js'
import {
  bootstrapRatio,
  cannotRegress,
  classify,
  coefficientOfVariation,
  madOutliers,
  mannWhitneyU,
  mean,
  median,
  minimumDetectableChange,
  quantile,
  seededRandom,
  stddev,
  type Direction,
  type Verdict,
} from '../../src/stats/stats.js'

/** `rounds` values around `level` with relative normal noise `cv`, as a load test would report. */
function rounds(normal: () => number, count: number, level: number, cv: number): number[] {
  return Array.from({ length: count }, () => level * (1 + cv * normal()))
}

/** Share of `trials` synthetic comparisons judged a regression at T = 5 %. */
function regressionRate(trueRatio: number, direction: Direction, trials: number): number {
  let regressions = 0
  for (let trial = 0; trial < trials; trial++) {
    const normal = normalSource(`synthetic:${direction}:${trueRatio}:${trial}`)
    const base = rounds(normal, 5, 1000, 0.04)
    const head = rounds(normal, 5, 1000 * trueRatio, 0.04)
    const ci = bootstrapRatio(base, head, { seed: `ci:${trial}` })
    if (classify(ci, direction, 0.05) === 'regression') regressions++
  }
  return regressions / trials
}

describe('seededRandom', () => {
  it('repeats the same sequence for the same seed and stays in [0, 1)', () => {
    const first = seededRandom('abc123:home:rps')
    const second = seededRandom('abc123:home:rps')
    const a = Array.from({ length: 1000 }, first)
    const b = Array.from({ length: 1000 }, second)
    expect(a).toEqual(b)
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...a)).toBeLessThan(1)
  })

  it('gives unrelated sequences for seeds one character apart', () => {
    const a = Array.from({ length: 20 }, seededRandom('sha:scenario:p99a'))
    const b = Array.from({ length: 20 }, seededRandom('sha:scenario:p99b'))
    const equal = a.filter((x, i) => x === b[i]).length
    expect(equal).toBe(0)
  })

  it('is roughly uniform', () => {
    const random = seededRandom('')
    const draws = Array.from({ length: 20_000 }, random)
    expect(mean(draws)).toBeCloseTo(0.5, 1)
    // A uniform variable has variance 1/12.
    expect(stddev(draws) ** 2).toBeCloseTo(1 / 12, 2)
    const lowQuarter = draws.filter((x) => x < 0.25).length / draws.length
    expect(lowQuarter).toBeGreaterThan(0.23)
    expect(lowQuarter).toBeLessThan(0.27)
  })
})

describe('median and quantile', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([7])).toBe(7)
    expect(median([5, 5, 100, 5, -100])).toBe(5)
  })

  it('does not reorder its input', () => {
    const xs = [3, 1, 2]
    median(xs)
    expect(xs).toEqual([3, 1, 2])
  })

  it('throws on an empty sample and propagates NaN', () => {
    expect(() => median([])).toThrow(RangeError)
    expect(median([1, NaN, 3])).toBeNaN()
  })

  it('interpolates linearly between order statistics (type 7, as R and NumPy)', () => {
    // h = (4 - 1) * 0.25 = 0.75 → 1 + 0.75 * (2 - 1)
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75)
    // h = 4 * 0.9 = 3.6 → 40 + 0.6 * 10
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBeCloseTo(46, 12)
    expect(quantile([10, 20, 30, 40, 50], 0)).toBe(10)
    expect(quantile([10, 20, 30, 40, 50], 1)).toBe(50)
    expect(quantile([42], 0.3)).toBe(42)
  })

  it('keeps infinite ends when they carry no weight', () => {
    expect(quantile([1, 2, Infinity], 0.5)).toBe(2)
    expect(quantile([1, 2, Infinity], 1)).toBe(Infinity)
  })

  it('rejects an empty sample and probabilities outside [0, 1]', () => {
    expect(() => quantile([], 0.5)).toThrow(RangeError)
    expect(() => quantile([1, 2], 1.5)).toThrow(RangeError)
    expect(() => quantile([1, 2], NaN)).toThrow(RangeError)
  })
})

describe('mean, stddev and coefficientOfVariation', () => {
  it('uses the sample (n - 1) standard deviation', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9]
    expect(mean(xs)).toBe(5)
    // Σ(x - 5)² = 32, so s = √(32 / 7)
    expect(stddev(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12)
  })

  it('reports no spread for fewer than two values', () => {
    expect(stddev([])).toBe(0)
    expect(stddev([3])).toBe(0)
    expect(coefficientOfVariation([3])).toBe(0)
  })

  it('expresses noise relative to the level', () => {
    // mean 100, s = √((100 + 100) / 1) = 14.142…
    expect(coefficientOfVariation([90, 110])).toBeCloseTo(Math.SQRT2 / 10, 12)
    expect(coefficientOfVariation([-90, -110])).toBeCloseTo(Math.SQRT2 / 10, 12)
    expect(coefficientOfVariation([-1, 1])).toBe(0)
    expect(coefficientOfVariation([0, 0, 0])).toBe(0)
  })

  it('throws for the mean of nothing', () => {
    expect(() => mean([])).toThrow(RangeError)
  })
})

describe('mannWhitneyU', () => {
  it('gives the exact p for complete separation of 3 vs 3 rounds', () => {
    // One of the C(6,3) = 20 equally likely arrangements has U = 0, and one has U = 9.
    const result = mannWhitneyU([1, 2, 3], [4, 5, 6])
    expect(result).toEqual({ u: 0, p: 0.1, exact: true })
    expect(mannWhitneyU([4, 5, 6], [1, 2, 3])).toEqual({ u: 9, p: 0.1, exact: true })
  })

  it('gives the exact p for complete separation of 20 vs 20 rounds', () => {
    // Two extreme arrangements out of C(40,20) = 137846528820.
    const low = Array.from({ length: 20 }, (_, i) => i)
    const high = Array.from({ length: 20 }, (_, i) => i + 20)
    const result = mannWhitneyU(low, high)
    expect(result.exact).toBe(true)
    expect(result.p / (2 / 137846528820)).toBeCloseTo(1, 9)
  })

  it('gives the exact p for complete separation of 5 vs 5 rounds', () => {
    // Two extreme arrangements out of C(10,5) = 252.
    const result = mannWhitneyU([10, 11, 12, 13, 14], [1, 2, 3, 4, 5])
    expect(result.u).toBe(25)
    expect(result.exact).toBe(true)
    expect(result.p).toBeCloseTo(2 / 252, 12)
  })

  it('matches a hand-counted distribution for interleaved samples', () => {
    // a = [1, 3, 5], b = [2, 4, 6]: pairs with a > b are (3,2), (5,2), (5,4), so U = 3.
    // For 3 vs 3, the counts of U = 0..9 are 1 1 2 3 3 3 3 2 1 1 (total 20); P(U ≤ 3) = 7/20.
    const result = mannWhitneyU([1, 3, 5], [2, 4, 6])
    expect(result.u).toBe(3)
    expect(result.p).toBeCloseTo(14 / 20, 12)
  })

  it('matches hand-counted tails for 4 vs 4 and 5 vs 5', () => {
    // The number of arrangements with U = u is the number of partitions of u into at most m parts
    // each at most n: for 4 vs 4, u = 0, 1 → 1, 1 of 70; so U = 1 gives p = 2 · 2/70.
    expect(mannWhitneyU([1, 2, 3, 5], [4, 6, 7, 8]).p).toBeCloseTo(4 / 70, 12)
    // For 5 vs 5, u = 0..3 → 1, 1, 2, 3 of 252: U = 2 → 2 · 4/252, U = 3 → 2 · 7/252.
    // These straddle the published two-sided 0.05 critical value for 5 vs 5, U ≤ 2.
    const two = mannWhitneyU([1, 2, 3, 5, 6], [4, 7, 8, 9, 10])
    const three = mannWhitneyU([1, 2, 3, 4, 8], [5, 6, 7, 9, 10])
    expect([two.u, three.u]).toEqual([2, 3])
    expect(two.p).toBeCloseTo(8 / 252, 12)
    expect(three.p).toBeCloseTo(14 / 252, 12)
  })

  it('agrees with the published critical value for 10 vs 10 (U ≤ 23 at two-sided 0.05)', () => {
    const a = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    const big = [10, 11, 12, 13, 14, 15, 16]
    // 9 + 8 + 6 values of a exceed 0.5, 1.5 and 3.5: U = 23.
    const atCritical = mannWhitneyU(a, [0.5, 1.5, 3.5, ...big])
    // 9 + 8 + 7: U = 24, one step past the critical value.
    const pastCritical = mannWhitneyU(a, [0.5, 1.5, 2.5, ...big])
    expect(atCritical.u).toBe(23)
    expect(atCritical.exact).toBe(true)
    expect(atCritical.p).toBeLessThanOrEqual(0.05)
    expect(pastCritical.u).toBe(24)
    expect(pastCritical.p).toBeGreaterThan(0.05)
  })

  it('returns p = 1 for identical constant samples', () => {
    expect(mannWhitneyU([3, 3, 3], [3, 3, 3])).toEqual({ u: 4.5, p: 1, exact: false })
    expect(mannWhitneyU([7], [7]).p).toBe(1)
  })

  it('returns p = 1 when the samples are exchangeable', () => {
    const result = mannWhitneyU([1, 4], [2, 3])
    expect(result.u).toBe(2)
    expect(result.p).toBe(1)
  })

  it('uses the normal approximation with tie and continuity corrections when there are ties', () => {
    // Pooled and sorted: 1 1 | 2 2 2 2 | 3 3 3 3 | 4 4 → mid-ranks 1.5, 4.5, 8.5, 11.5.
    // R_a = 2·1.5 + 2·4.5 + 2·8.5 = 29, U_a = 29 − 6·7/2 = 8, E[U] = 18.
    // Σ(t³ − t) = 6 + 60 + 60 + 6 = 132; Var U = 36/12 · (13 − 132/132) = 36, so σ = 6.
    // z = (|8 − 18| − 0.5) / 6 = 1.58333…, p = erfc(z/√2) = 0.1133455092195 (Python math.erfc).
    const result = mannWhitneyU([1, 1, 2, 2, 3, 3], [2, 2, 3, 3, 4, 4])
    expect(result.u).toBe(8)
    expect(result.exact).toBe(false)
    expect(result.p).toBeCloseTo(0.1133455092195, 9)
  })

  it('falls back to the normal approximation beyond 50 values per side', () => {
    const a = Array.from({ length: 51 }, (_, i) => i)
    const b = Array.from({ length: 51 }, (_, i) => i + 0.5)
    const result = mannWhitneyU(a, b)
    expect(result.exact).toBe(false)
    // Near-complete overlap: U = 51·50/2 = 1275 against E[U] = 1300.5, far from significant.
    expect(result.u).toBe(1275)
    expect(result.p).toBeGreaterThan(0.8)
  })

  it('gives nearly the same p from the exact and approximate paths for 30 vs 30', () => {
    const normal = normalSource('mw-30')
    const a = rounds(normal, 30, 100, 0.05)
    const b = rounds(normal, 30, 103, 0.05)
    const exact = mannWhitneyU(a, b)
    // One shared value forces the approximation while changing U by at most one half.
    const tied = mannWhitneyU([...a.slice(1), b[0] ?? 0], b)
    expect(exact.exact).toBe(true)
    expect(tied.exact).toBe(false)
    expect(Math.abs(exact.p - tied.p)).toBeLessThan(0.05)
  })

  it('rejects empty samples and propagates NaN', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError)
    expect(mannWhitneyU([1, NaN], [2, 3]).p).toBeNaN()
  })
})

describe('bootstrapRatio', () => {
  const base = [1000, 1012, 991, 1004, 987]
  const head = [1101, 1090, 1113, 1098, 1106]

  it('is deterministic for the same seed', () => {
    const first = bootstrapRatio(base, head, { seed: 'abc:home:p50' })
    const second = bootstrapRatio(base, head, { seed: 'abc:home:p50' })
    expect(second).toEqual(first)
    expect(first.resamples).toBe(4000)
    expect(first.confidence).toBe(0.95)
  })

  it('moves only slightly with a different seed', () => {
    const normal = normalSource('seed-sensitivity')
    const b = rounds(normal, 8, 1000, 0.04)
    const h = rounds(normal, 8, 1050, 0.04)
    const first = bootstrapRatio(b, h, { seed: 'one' })
    const second = bootstrapRatio(b, h, { seed: 'two' })
    expect(second.estimate).toBe(first.estimate)
    expect([second.low, second.high]).not.toEqual([first.low, first.high])
    expect(Math.abs(second.low - first.low)).toBeLessThan(0.01)
    expect(Math.abs(second.high - first.high)).toBeLessThan(0.01)
  })

  it('estimates the ratio of medians and brackets it', () => {
    const result = bootstrapRatio(base, head, { seed: 's' })
    // median(head) = 1101, median(base) = 1000
    expect(result.estimate).toBeCloseTo(1.101, 12)
    expect(result.low).toBeLessThanOrEqual(result.estimate)
    expect(result.high).toBeGreaterThanOrEqual(result.estimate)
  })

  it('covers a true +10 % change in synthetic data with 2 % noise', () => {
    // Ten rounds: with five, the 95 % interval is typically ±5 % wide at this noise and falls
    // inside [1.05, 1.15] for only about half of the samples one might draw.
    const normal = normalSource('synthetic-10pct')
    const b = rounds(normal, 10, 1000, 0.02)
    const h = rounds(normal, 10, 1100, 0.02)
    const result = bootstrapRatio(b, h, { seed: 'cover' })
    expect(result.estimate).toBeGreaterThan(1.07)
    expect(result.estimate).toBeLessThan(1.13)
    expect(result.low).toBeGreaterThanOrEqual(1.05)
    expect(result.high).toBeLessThanOrEqual(1.15)
    expect(result.low).toBeLessThan(1.1)
    expect(result.high).toBeGreaterThan(1.1)
  })

  it('narrows with a lower confidence level', () => {
    const wide = bootstrapRatio(base, head, { seed: 's', confidence: 0.95 })
    const narrow = bootstrapRatio(base, head, { seed: 's', confidence: 0.5 })
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low)
    expect(narrow.confidence).toBe(0.5)
  })

  it('collapses to the point when every round is identical', () => {
    const result = bootstrapRatio([10, 10, 10], [12, 12, 12], { seed: 's', resamples: 100 })
    expect(result).toEqual({ estimate: 1.2, low: 1.2, high: 1.2, resamples: 100, confidence: 0.95 })
  })

  it('reports a zero base median as a non-finite estimate with no interval', () => {
    const growth = bootstrapRatio([0, 0, 0, 1], [1, 2, 3], { seed: 's' })
    expect(growth.estimate).toBe(Infinity)
    expect(growth.low).toBeNaN()
    expect(growth.high).toBeNaN()
    expect(growth.resamples).toBe(0)
    const nothing = bootstrapRatio([0, 0, 0], [0, 0, 0], { seed: 's' })
    expect(nothing.estimate).toBeNaN()
    expect(classify(growth, 'lower-is-better', 0.05)).toBe('inconclusive')
  })

  it('gives an undefined interval when some resample divides zero by zero', () => {
    const result = bootstrapRatio([0, 0, 5, 5, 5], [0, 0, 0, 5, 5], { seed: 's' })
    expect(result.estimate).toBe(0)
    expect(result.low).toBeNaN()
    expect(result.high).toBeNaN()
  })

  it('rejects bad options and empty samples', () => {
    expect(() => bootstrapRatio(base, head, { seed: 's', resamples: 0 })).toThrow(RangeError)
    expect(() => bootstrapRatio(base, head, { seed: 's', resamples: 10.5 })).toThrow(RangeError)
    expect(() => bootstrapRatio(base, head, { seed: 's', confidence: 1 })).toThrow(RangeError)
    expect(() => bootstrapRatio([], head, { seed: 's' })).toThrow(RangeError)
  })
})

describe('madOutliers', () => {
  it('finds a single 10x round among five', () => {
    // Sorted 98 100 101 102 1000: median 101, deviations 1 1 3 899 0, MAD 1.
    // 899 / 1.4826 ≫ 3.5 while 3 / 1.4826 = 2.02 stays in.
    expect(madOutliers([100, 102, 98, 1000, 101])).toEqual([3])
  })

  it('flags nothing in ordinary noise', () => {
    expect(madOutliers([100, 102, 98, 101, 99])).toEqual([])
  })

  it('honours the threshold', () => {
    // Median 101, deviations 1 1 2 3 0, MAD 1: the 104 scores 3 / 1.4826 = 2.02, the 99 1.35.
    expect(madOutliers([100, 102, 99, 104, 101], 2)).toEqual([3])
    expect(madOutliers([100, 102, 99, 104, 101], 2.1)).toEqual([])
    expect(() => madOutliers([1, 2, 3], 0)).toThrow(RangeError)
  })

  it('falls back to the mean absolute deviation when most rounds are identical', () => {
    // MAD 0; mean absolute deviation 4/5, score 4 / (1.2533 · 0.8) = 3.99 > 3.5.
    expect(madOutliers([5, 5, 5, 5, 9])).toEqual([4])
    // With four rounds the same odd one scores 4 / (1.2533 · 1) = 3.19: not an outlier.
    expect(madOutliers([5, 5, 9, 5])).toEqual([])
    expect(madOutliers([0, 0, 0, 0, 0, 0.5])).toEqual([5])
  })

  it('flags nothing when every round agrees or there is nothing to judge', () => {
    expect(madOutliers([5, 5, 5, 5, 5])).toEqual([])
    expect(madOutliers([])).toEqual([])
    expect(madOutliers([1, NaN, 3])).toEqual([])
  })
})

describe('minimumDetectableChange', () => {
  it('follows (z0.975 + z0.80) · √(cvB²/nB + cvH²/nH) · 1.2533', () => {
    // cv = √2/10 on both sides with n = 2: √(0.02/2 + 0.02/2) = 0.141421…,
    // 2.801585 · 0.141421 · 1.253314 = 0.496568 (computed separately in Python).
    expect(minimumDetectableChange([90, 110], [90, 110])).toBeCloseTo(0.496568, 5)
  })

  it('grows with noise and shrinks with more rounds', () => {
    const normal = normalSource('mdc')
    const quiet = rounds(normal, 5, 1000, 0.02)
    // Stretching the deviations about the mean triples the CV exactly.
    const centre = mean(quiet)
    const noisy = quiet.map((x) => centre + (x - centre) * 3)
    expect(minimumDetectableChange(noisy, noisy)).toBeCloseTo(3 * minimumDetectableChange(quiet, quiet), 6)
    // Repeating the same rounds keeps the CV nearly the same but doubles n.
    const twice = [...quiet, ...quiet]
    expect(minimumDetectableChange(twice, twice)).toBeLessThan(minimumDetectableChange(quiet, quiet))
  })

  it('is about 9 % for five rounds of 4 % noise on each side', () => {
    // 2.801585 · √(2 · 0.04² / 5) · 1.253314 = 0.0888
    const fourPercent = [960, 1000, 1040, 960, 1040]
    const cv = coefficientOfVariation(fourPercent)
    const expected = 2.801585 * Math.sqrt((2 * cv * cv) / 5) * 1.253314
    expect(minimumDetectableChange(fourPercent, fourPercent)).toBeCloseTo(expected, 5)
  })

  it('is infinite with one round and zero without noise', () => {
    expect(minimumDetectableChange([1000], [1000, 1010])).toBe(Infinity)
    expect(minimumDetectableChange([1000, 1000], [1000, 1000])).toBe(0)
    expect(() => minimumDetectableChange([], [1])).toThrow(RangeError)
  })
})

describe('classify', () => {
  type Case = [estimate: number, low: number, high: number, expected: Verdict, why: string]
  const T = 0.05

  const lowerIsBetter: Case[] = [
    [1.1, 1.06, 1.14, 'regression', 'CI above 1, estimate beyond T'],
    [1.05, 1.01, 1.09, 'inconclusive', 'estimate exactly at T is not beyond it, worst end is'],
    [1.06, 0.98, 1.14, 'inconclusive', 'CI straddles no change'],
    [1.03, 1.01, 1.07, 'inconclusive', 'CI straddles T with the estimate inside it'],
    [1.03, 1.01, 1.05, 'unchanged', 'worse, but the worst end is exactly at T'],
    [1, 0.97, 1.03, 'unchanged', 'CI inside ±T'],
    [0.9, 0.86, 0.94, 'improvement', 'CI below 1, estimate beyond −T'],
    [0.95, 0.92, 0.98, 'inconclusive', 'estimate exactly at −T is not an improvement, nor unchanged: the CI reaches beyond −T'],
    [0.97, 0.8, 1.04, 'inconclusive', 'wide on the good side: not within ±T, though no regression'],
    [0.98, 0.96, 1.04, 'unchanged', 'the whole CI within ±T'],
    [0.9, 0.8, 1.01, 'inconclusive', 'probably better but not confirmed'],
  ]

  const higherIsBetter: Case[] = [
    [0.9, 0.86, 0.94, 'regression', 'a 10 % throughput drop the CI confirms'],
    [0.95, 0.91, 0.99, 'inconclusive', 'estimate exactly at T is not beyond it, worst end is'],
    [0.94, 0.88, 1.01, 'inconclusive', 'CI straddles no change'],
    [0.97, 0.95, 0.99, 'unchanged', 'worst end exactly at T'],
    [1.1, 1.06, 1.14, 'improvement', 'a confirmed 10 % throughput gain'],
    [1.05, 1.02, 1.08, 'inconclusive', 'estimate exactly at −T, CI beyond it'],
    [1.02, 0.9, 1.12, 'inconclusive', 'CI reaches a 10 % drop'],
  ]

  it.each(lowerIsBetter)('lower-is-better %s [%s, %s] → %s (%s)', (estimate, low, high, expected) => {
    expect(classify({ estimate, low, high }, 'lower-is-better', T)).toBe(expected)
  })

  it('says when no regression is plausible, however far the good side reaches', () => {
    expect(cannotRegress({ estimate: 0.9, low: 0.8, high: 1.01 }, 'lower-is-better', T)).toBe(true)
    expect(cannotRegress({ estimate: 1, low: 0.97, high: 1.06 }, 'lower-is-better', T)).toBe(false)
    expect(cannotRegress({ estimate: 1.2, low: 1.1, high: 1.3 }, 'higher-is-better', T)).toBe(true)
    expect(cannotRegress({ estimate: 1, low: 0.9, high: 1.1 }, 'higher-is-better', T)).toBe(false)
  })

  it.each(higherIsBetter)('higher-is-better %s [%s, %s] → %s (%s)', (estimate, low, high, expected) => {
    expect(classify({ estimate, low, high }, 'higher-is-better', T)).toBe(expected)
  })

  it('does not care in which order the ends are given', () => {
    expect(classify({ estimate: 1.1, low: 1.14, high: 1.06 }, 'lower-is-better', T)).toBe('regression')
    expect(classify({ estimate: 0.9, low: 0.94, high: 0.86 }, 'higher-is-better', T)).toBe('regression')
  })

  it('requires the CI to exclude no change strictly', () => {
    expect(classify({ estimate: 1.2, low: 1, high: 1.4 }, 'lower-is-better', T)).toBe('inconclusive')
  })

  it('with zero tolerance, calls any confirmed change', () => {
    expect(classify({ estimate: 1.02, low: 1.01, high: 1.03 }, 'lower-is-better', 0)).toBe('regression')
    expect(classify({ estimate: 0.98, low: 0.97, high: 0.99 }, 'lower-is-better', 0)).toBe('improvement')
    expect(classify({ estimate: 1, low: 1, high: 1 }, 'lower-is-better', 0)).toBe('unchanged')
  })

  it('is inconclusive for non-finite input', () => {
    expect(classify({ estimate: NaN, low: 1.1, high: 1.2 }, 'lower-is-better', T)).toBe('inconclusive')
    expect(classify({ estimate: 1.5, low: 1.1, high: Infinity }, 'lower-is-better', T)).toBe('inconclusive')
    expect(classify({ estimate: 1.5, low: NaN, high: NaN }, 'higher-is-better', T)).toBe('inconclusive')
    expect(classify({ estimate: 1, low: 1, high: 1 }, 'lower-is-better', NaN)).toBe('inconclusive')
  })

  it('rejects a negative tolerance', () => {
    expect(() => classify({ estimate: 1, low: 1, high: 1 }, 'lower-is-better', -0.05)).toThrow(RangeError)
  })
})

describe('false alarms and power (5 rounds, 4 % noise, T = 5 %)', () => {
  // The promise the product makes: an unchanged app rarely fails the check. With these seeds 4 of
  // 200 (lower-is-better) and 1 of 200 (higher-is-better) pairs were called regressions; over 4000
  // pairs the rate was 0.9 %. About 70 % of A-vs-A pairs are inconclusive at this noise: five
  // rounds cannot show the worst end within 5 %, which is why the product adds rounds adaptively.
  it('calls an A-vs-A comparison a regression at most 2.5 % of the time', () => {
    expect(regressionRate(1, 'lower-is-better', 200)).toBeLessThanOrEqual(0.025)
    expect(regressionRate(1, 'higher-is-better', 200)).toBeLessThanOrEqual(0.025)
  })

  it('detects a real slowdown', () => {
    // With these seeds: 78 % at +10 % latency, 100 % at +20 %, 85 % at −10 % rps, 100 % at −20 %.
    // Over 4000 pairs: 79 % at +10 %, 99.9 % at +20 %.
    expect(regressionRate(1.1, 'lower-is-better', 200)).toBeGreaterThan(0.6)
    expect(regressionRate(1.2, 'lower-is-better', 200)).toBeGreaterThan(0.95)
    expect(regressionRate(0.9, 'higher-is-better', 200)).toBeGreaterThan(0.6)
    expect(regressionRate(0.8, 'higher-is-better', 200)).toBeGreaterThan(0.95)
  })
})
