import { describe, expect, it } from 'vitest'
import { normalSource } from '../../__fixtures__/random.js'
import { theilSen, thin } from '../../src/stats/theil-sen.js'

const seconds = (n: number): number[] => Array.from({ length: n }, (_, i) => i)

describe('Theil–Sen slope with Sen’s interval', () => {
  it('finds the slope of a line, untouched by a few wild points', () => {
    const x = seconds(60)
    const y = x.map((t) => 1000 + 5 * t)
    y[10] = 1e9
    y[40] = -1e9
    const fit = theilSen([{ x, y }])
    expect(fit?.slope).toBe(5)
    expect(fit?.low).toBeLessThanOrEqual(5)
    expect(fit?.high).toBeGreaterThanOrEqual(5)
    expect(fit?.points).toBe(60)
  })

  it('pairs points only within a series, so a jump between rounds is no slope', () => {
    const x = seconds(30)
    const flatLow = { x, y: x.map(() => 100) }
    const flatHigh = { x, y: x.map(() => 900) }
    expect(theilSen([flatLow, flatHigh])?.slope).toBe(0)
  })

  it('covers the true slope in about 95 % of simulated series with independent normal noise', () => {
    const noise = normalSource('theil-sen-coverage')
    const x = seconds(40)
    let covered = 0
    const trials = 2000
    for (let trial = 0; trial < trials; trial++) {
      const y = x.map((t) => 50 + 0.3 * t + 2 * noise())
      const fit = theilSen([{ x, y }])
      if (fit !== undefined && fit.low <= 0.3 && 0.3 <= fit.high) covered++
    }
    // Binomial sd at 95 % over 2000 trials is 0.5 %: this fails for an interval off by a rank or two.
    expect(covered / trials).toBeGreaterThan(0.93)
    expect(covered / trials).toBeLessThan(0.97)
  })

  it('flags no slope on flat noise in about 5 % of series (the interval excludes 0 rarely)', () => {
    const noise = normalSource('theil-sen-null')
    const x = seconds(60)
    let excluded = 0
    for (let trial = 0; trial < 1000; trial++) {
      const fit = theilSen([{ x, y: x.map(() => 10 + noise()) }])
      if (fit !== undefined && (fit.low > 0 || fit.high < 0)) excluded++
    }
    expect(excluded / 1000).toBeLessThan(0.075)
  })

  it('averages long series into blocks and gives nothing for a single point', () => {
    const long = thin({ x: seconds(3600), y: seconds(3600) }, 600)
    expect(long.x).toHaveLength(600)
    expect(long.y[0]).toBeCloseTo(2.5)
    expect(theilSen([{ x: [1], y: [1] }])).toBeUndefined()
  })
})
