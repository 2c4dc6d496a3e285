import { describe, expect, it } from 'vitest'
import { normalSource } from '../../__fixtures__/random.js'
import { detectTrend, kendallTrend, MIN_TREND_ROUNDS, theilSenSlope, TREND_ALPHA } from '../../src/stats/trend.js'

/** `count` rounds around `level` with relative noise `cv`, drifting linearly by `drift` over the run. */
function series(normal: () => number, count: number, level: number, cv: number, drift: number): number[] {
  return Array.from({ length: count }, (_, i) => level * (1 + (drift * i) / (count - 1)) * (1 + cv * normal()))
}

function flaggedShare(count: number, cv: number, drift: number, trials: number): number {
  let flagged = 0
  for (let trial = 0; trial < trials; trial++) {
    if (detectTrend(series(normalSource(`trend:${count}:${cv}:${drift}:${trial}`), count, 1000, cv, drift)) !== undefined) flagged++
  }
  return flagged / trials
}

describe('kendallTrend', () => {
  it('gives the exact two-sided p of a perfectly monotone series: 2/n!', () => {
    expect(kendallTrend([1, 2, 3, 4, 5]).p).toBeCloseTo(2 / 120, 12)
    expect(kendallTrend([5, 4, 3, 2, 1])).toMatchObject({ s: -10, tau: -1 })
    expect(kendallTrend([1, 2, 3, 4, 5, 6]).p).toBeCloseTo(2 / 720, 12)
  })

  it('counts one inversion among 6 rounds as 12 of 720 orders as extreme', () => {
    expect(kendallTrend([1, 3, 2, 4, 5, 6]).p).toBeCloseTo(12 / 720, 12)
  })

  it('matches the exact distribution from enumerating every order of 7 rounds', () => {
    const perms: number[][] = []
    const permute = (rest: number[], prefix: number[]): void => {
      if (rest.length === 0) perms.push(prefix)
      rest.forEach((x, i) => {
        permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...prefix, x])
      })
    }
    permute([1, 2, 3, 4, 5, 6, 7], [])
    const sOf = (xs: readonly number[]): number => kendallTrend(xs).s
    for (const observed of [
      [2, 1, 4, 3, 6, 5, 7],
      [7, 1, 2, 3, 4, 5, 6],
      [3, 1, 2, 7, 5, 4, 6],
    ]) {
      const s = Math.abs(sOf(observed))
      const asExtreme = perms.filter((p) => Math.abs(sOf(p)) >= s).length
      expect(kendallTrend(observed).p).toBeCloseTo(asExtreme / perms.length, 12)
    }
  })

  it('says nothing about too few values, NaN, or a flat series', () => {
    expect(kendallTrend([1]).p).toBe(1)
    expect(kendallTrend([1, NaN, 3, 4, 5]).p).toBe(1)
    expect(kendallTrend([4, 4, 4, 4, 4, 4]).p).toBe(1)
  })
})

describe('theilSenSlope', () => {
  it('ignores one wild round', () => {
    expect(theilSenSlope([10, 20, 30, 400, 50])).toBe(10)
  })
})

describe('detectTrend', () => {
  it('flags the list that grew during the run: p50 from 42 to 232 ms', () => {
    const p50Us = [42_000, 81_000, 127_000, 180_000, 232_000]
    // The trend line's ends (Sen's intercept 34.5 ms, slope 48.5 ms a round), not the raw rounds'.
    expect(detectTrend(p50Us)).toMatchObject({ direction: 'rose', first: 34_500, last: 228_500, rounds: 5 })
  })

  // Read "p50 fell across rounds: 13.05 ms → 17.25 ms": the direction came from the rank test and the
  // endpoints from the raw first and last rounds, here a fast first round and a slow last one.
  it('gives endpoints that agree with the direction, however odd the first and last rounds', () => {
    const trend = detectTrend([13_050, 20_000, 19_500, 19_000, 18_500, 18_000, 17_500, 17_000, 16_500, 16_000, 15_500, 17_250])
    expect(trend).toMatchObject({ direction: 'fell', first: 20_500, last: 15_000 })
    let found = 0
    for (let trial = 0; trial < 500; trial++) {
      // Drifting series with wild end rounds: the direction and the endpoints never disagree.
      const xs = Array.from({ length: 12 }, (_, i) => 1000 + (trial % 2 === 0 ? 40 : -40) * i + ((i * 7919 + trial * 104_729) % 97))
      xs[0] = (xs[0] ?? 0) * (1 + ((trial % 5) - 2) / 2)
      xs[11] = (xs[11] ?? 0) * (1 + ((trial % 7) - 3) / 3)
      const drift = detectTrend(xs)
      if (drift === undefined) continue
      found++
      expect(drift.direction === 'rose').toBe(drift.last > drift.first)
    }
    expect(found).toBeGreaterThan(250)
  })

  it('flags a falling series as fell, and ignores a monotone drift too small to matter', () => {
    expect(detectTrend([2000, 1800, 1600, 1400, 1200])?.direction).toBe('fell')
    expect(detectTrend([1000, 1010, 1020, 1030, 1040])).toBeUndefined()
  })

  it(`needs at least ${MIN_TREND_ROUNDS} rounds`, () => {
    expect(detectTrend([1000, 2000, 3000, 4000])).toBeUndefined()
  })

  // Seeded simulation of the false-alarm rate: with no drift every order is equally likely, so at
  // most TREND_ALPHA of entries may be flagged; even with 30 % noise (the magnitude rule is then no
  // help) it stays within that plus three standard errors.
  it.each([5, 6, 8, 12, 20])('flags at most 2 percent of %i-round series without drift', (count) => {
    const trials = 20_000
    const margin = 3 * Math.sqrt((TREND_ALPHA * (1 - TREND_ALPHA)) / trials)
    expect(flaggedShare(count, 0.3, 0, trials)).toBeLessThanOrEqual(TREND_ALPHA + margin)
    // With the usual few % of noise, a chance order is seldom also a 10 % drift (measured 0.3–0.6 %).
    expect(flaggedShare(count, 0.04, 0, trials)).toBeLessThan(0.01)
  })

  it('detects a 50 % drift over 5 rounds in 4 % noise most of the time, and 25 % over 10 rounds 9 times in 10', () => {
    // 5 rounds must be in perfect order to be significant, so a noisy step between two can hide it.
    expect(flaggedShare(5, 0.04, 0.5, 2000)).toBeGreaterThan(0.8)
    expect(flaggedShare(10, 0.04, 0.25, 2000)).toBeGreaterThan(0.9)
  })
})
