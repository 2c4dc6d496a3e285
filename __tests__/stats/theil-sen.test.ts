import { describe, expect, it } from 'vitest'
import { normalSource } from '../../__fixtures__/random.js'
import { residualAutocorrelation, theilSen, thin, varianceInflation } from '../../src/stats/theil-sen.js'

const seconds = (n: number): number[] => Array.from({ length: n }, (_, i) => i)

/** n points of AR(1) noise e_t = φ e_{t−1} + ε_t with unit innovations, started in its stationary state. */
function ar1(n: number, phi: number, noise: () => number): number[] {
  let e = noise() / Math.sqrt(1 - phi * phi)
  return Array.from({ length: n }, (_, i) => (i === 0 ? e : (e = phi * e + noise())))
}

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

  // A memory series sampled every second is autocorrelated. Sen's plain interval covered the true
  // slope of 90-point AR(1) series in 76 % (φ = 0.5) and 53 % (φ = 0.8) of simulations, and so
  // called a flat series rising or falling about half the time at φ = 0.8.
  for (const phi of [0.5, 0.8]) {
    it(`covers the true slope in about 95 % of series with AR(1) noise, φ = ${phi} (the plain interval did not)`, () => {
      const noise = normalSource(`theil-sen-ar1-${phi}`)
      const x = seconds(90)
      let covered = 0
      const trials = 1000
      for (let trial = 0; trial < trials; trial++) {
        const e = ar1(90, phi, noise)
        const fit = theilSen([{ x, y: x.map((t, i) => 500 + 0.3 * t + (e[i] ?? 0)) }])
        if (fit !== undefined && fit.low <= 0.3 && 0.3 <= fit.high) covered++
      }
      // Binomial sd at 95 % over 1000 trials is 0.7 %.
      expect(covered / trials).toBeGreaterThan(0.93)
      expect(covered / trials).toBeLessThan(0.975)
    })
  }

  it('calls a flat series with strongly correlated noise (φ = 0.9) rising or falling in few cases', () => {
    const noise = normalSource('theil-sen-ar1-null')
    const x = seconds(90)
    let excluded = 0
    let effective = 0
    for (let trial = 0; trial < 1000; trial++) {
      const e = ar1(90, 0.9, noise)
      const fit = theilSen([{ x, y: e }])
      if (fit !== undefined && (fit.low > 0 || fit.high < 0)) excluded++
      effective += fit?.effectivePoints ?? 0
    }
    expect(excluded / 1000).toBeLessThan(0.075)
    // 90 seconds at φ = 0.9 are worth about 90 · (1 − φ)/(1 + φ) ≈ 5 independent points.
    expect(effective / 1000).toBeGreaterThan(3)
    expect(effective / 1000).toBeLessThan(12)
  })

  it('widens by the AR(1) variance inflation and never narrows for negative correlation', () => {
    expect(varianceInflation(0, 90)).toBe(1)
    // For long series n/n* tends to (1 + ρ)/(1 − ρ).
    expect(varianceInflation(0.8, 10_000)).toBeCloseTo(9, 1)
    const x = seconds(40)
    const alternating = x.map((t) => (t % 2 === 0 ? 1 : -1))
    expect(residualAutocorrelation({ x, y: alternating }, 0)).toBe(0)
    expect(residualAutocorrelation({ x, y: x.map(() => 7) }, 0)).toBe(0)
    const fit = theilSen([{ x, y: alternating.map((v, i) => v + i) }])
    expect(fit?.effectivePoints).toBe(40)
  })

  it('averages long series into blocks and gives nothing for a single point', () => {
    const long = thin({ x: seconds(3600), y: seconds(3600) }, 600)
    expect(long.x).toHaveLength(600)
    expect(long.y[0]).toBeCloseTo(2.5)
    expect(theilSen([{ x: [1], y: [1] }])).toBeUndefined()
  })
})
