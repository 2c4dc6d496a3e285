// Yuen's trimmed-mean interval: the definitions worked by hand, and its one-sided miss rate on
// Gaussian rounds at the levels a gate spends, by seeded simulation.
import { describe, expect, it } from 'vitest'
import { normalSource } from '../../__fixtures__/random.js'
import { studentTQuantile } from '../../src/stats/distributions.js'
import { welchDifference } from '../../src/stats/welch.js'
import { trimmedMean, trims, yuenDifference } from '../../src/stats/yuen.js'

describe('yuenDifference', () => {
  it('trims one value from each end of five and uses the winsorized variance (worked by hand)', () => {
    const base = [10, 11, 12, 13, 100]
    const head = [20, 21, 22, 23, 24]
    // Trimmed means: 12 and 22. Winsorized base [11, 11, 12, 13, 13]: mean 12, variance 4/4 = 1;
    // head [21, 21, 22, 23, 23]: variance 1. d = 4·1/(3·2) = 2/3 each, ν = (4/3)²/(2·(2/3)²/2) = 4.
    const i = yuenDifference(base, head, 0.95)
    const half = studentTQuantile(0.025, 4) * Math.sqrt(4 / 3)
    expect(i.estimate).toBeCloseTo(10, 12)
    expect(i.low).toBeCloseTo(10 - half, 9)
    expect(i.high).toBeCloseTo(10 + half, 9)
    expect(trimmedMean(base)).toBe(12)
    // Welch's, over the same values, is widened by the one value of 100 until it includes no change.
    expect(welchDifference(base, head, 0.95).low).toBeLessThan(0)
  })

  it('trims nothing below five values, and is the whole line without two kept values a side', () => {
    expect(trims(4, 4)).toBe(false)
    expect(trims(5, 3)).toBe(true)
    expect(yuenDifference([1], [2, 3], 0.95)).toEqual({ estimate: NaN, low: -Infinity, high: Infinity })
    expect(yuenDifference([1, 1, 1, 1, 1], [2, 2, 2, 2, 2], 0.95)).toEqual({ estimate: 1, low: 1, high: 1 })
  })

  it.each([5, 6])('misses on one side at most its level on Gaussian rounds, %i a side (seeded)', (n) => {
    const normal = normalSource(`yuen-${n}`)
    const trials = 20_000
    const alpha = 0.005
    let missed = 0
    for (let t = 0; t < trials; t++) {
      const base = Array.from({ length: n }, normal)
      const head = Array.from({ length: n }, normal)
      if (yuenDifference(base, head, 1 - 2 * alpha).low > 0) missed++
    }
    // 100 misses expected at the level; measured 0.35–0.45 % at 0.05 % … 1 % over 100,000 trials.
    expect(missed / trials).toBeLessThanOrEqual(alpha * 1.2)
    expect(missed / trials).toBeGreaterThan(alpha * 0.3)
  })
})
