import { describe, expect, it } from 'vitest'
import { changePoints, MIN_CHANGE } from '../../src/stats/change-point.js'
import { normalSource } from '../../__fixtures__/random.js'

/** A series of `n` run medians around 1000 with log-normal run-to-run noise σ, times `step` from run `at` on. */
function series(normal: () => number, n: number, sigma: number, step = 1, at = n): number[] {
  return Array.from({ length: n }, (_, i) => 1000 * Math.exp(sigma * normal()) * (i >= at ? step : 1))
}

describe('changePoints', () => {
  it('finds a step at the run that made it, with the old level and the spread', () => {
    const values = [100, 102, 99, 101, 100, 98, 300, 301, 299]
    const found = changePoints(values, 0.01)
    expect(found).toHaveLength(1)
    expect(found[0]?.index).toBe(6)
    expect(found[0]?.before).toBeCloseTo(100, 0)
    expect(found[0]?.after).toBe(300)
    expect(found[0]?.segmentRuns).toBe(6)
    expect(found[0]?.differences).toBe(5)
  })

  it('gives no opinion before five runs of one segment, and none across a known break', () => {
    expect(changePoints([100, 101, 99, 100, 300], 0.01)).toEqual([])
    // Run 5 is on another machine: a new segment starts there, and run 6 has too little behind it.
    expect(changePoints([100, 101, 99, 100, 101, 300, 302], 0.01, [false, false, false, false, false, true, false])).toEqual([])
  })

  it('ignores moves smaller than the minimum change, however tight the spread', () => {
    const tight = [100, 100.01, 100, 100.01, 100, 100.01]
    expect(changePoints([...tight, 100 * (1 + MIN_CHANGE / 2)], 0.01)).toEqual([])
    expect(changePoints([...tight, 100 * (1 + MIN_CHANGE * 1.5)], 0.01)).toHaveLength(1)
  })

  it('flags under 2α of runs when nothing changes, at any spread (seeded simulation)', () => {
    const alpha = 0.01
    for (const sigma of [0.05, 0.3]) {
      const normal = normalSource(`change-point null ${sigma}`)
      let flagged = 0
      let newest = 0
      const trials = 4000
      for (let trial = 0; trial < trials; trial++) {
        const found = changePoints(series(normal, 30, sigma), alpha)
        flagged += found.length
        if (found.some((c) => c.index === 29)) newest++
      }
      // The first five runs only build the spread; a false alarm's echo (the run after an outlier,
      // back at the old level) is the rest above α.
      const rate = flagged / (trials * 25)
      expect(rate).toBeGreaterThan(alpha)
      expect(rate).toBeLessThan(2 * alpha)
      expect(newest / trials).toBeLessThan(2 * alpha)
    }
  })

  it('catches a 3× slowdown after five runs at σ = 0.1, and a 1.5× step after twenty (seeded simulation)', () => {
    const normal = normalSource('change-point power')
    const caught = (n: number, step: number, trials: number): number => {
      let hits = 0
      for (let trial = 0; trial < trials; trial++) {
        const found = changePoints(series(normal, n + 1, 0.1, step, n), 0.01)
        if (found.some((c) => c.index === n)) hits++
      }
      return hits / trials
    }
    expect(caught(5, 3, 1000)).toBeGreaterThan(0.9)
    expect(caught(5, 1 / 3, 1000)).toBeGreaterThan(0.9)
    expect(caught(20, 1.5, 1000)).toBeGreaterThan(0.7)
  })
})
