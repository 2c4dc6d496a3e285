import { describe, expect, it } from 'vitest'
import { normalSource } from '../../__fixtures__/random.js'
import { welchDifference, welchRatio } from '../../src/stats/welch.js'

describe("Welch's t-interval", () => {
  it('covers the true difference at its level with 5 rounds a side and unequal spreads (seeded)', () => {
    const next = normalSource('welch-coverage')
    const trials = 4000
    let missed = 0
    for (let t = 0; t < trials; t++) {
      const base = Array.from({ length: 5 }, () => 0.05 * next())
      const head = Array.from({ length: 5 }, () => 0.1 + 0.15 * next())
      const ci = welchDifference(base, head, 0.99)
      if (ci.low > 0.1 || ci.high < 0.1) missed++
    }
    // Welch's interval is slightly conservative at few degrees of freedom; 1 % nominal.
    expect(missed / trials).toBeLessThan(0.015)
    expect(missed / trials).toBeGreaterThan(0.002)
  })

  it('gives the whole line with one value a side and a point when nothing varied', () => {
    expect(welchDifference([1], [2, 3], 0.95)).toEqual({ estimate: 1.5, low: -Infinity, high: Infinity })
    expect(welchDifference([0, 0, 0], [0.02, 0.02], 0.95)).toEqual({ estimate: 0.02, low: 0.02, high: 0.02 })
  })

  it('reads log values as a ratio of geometric means, and refuses values without a log', () => {
    const ci = welchRatio([100, 110, 90], [200, 220, 180], 0.95)
    expect(ci.estimate).toBeCloseTo(2, 10)
    expect(ci.low).toBeLessThan(2)
    expect(ci.high).toBeGreaterThan(2)
    expect(welchRatio([0, 1], [1, 2], 0.95)).toEqual({ estimate: NaN, low: 0, high: Infinity })
  })
})
