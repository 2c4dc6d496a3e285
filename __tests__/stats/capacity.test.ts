import { describe, expect, it } from 'vitest'
import { nextStep, type SearchSettings, type SearchStep } from '../../src/stats/capacity-search.js'
import { medianInterval, medianIntervalCoverage } from '../../src/stats/median-interval.js'
import { scaling } from '../../src/stats/scaling.js'

/** Runs the search against a service whose SLO holds up to `breaksAbove`, returning the loads tried. */
function search(settings: SearchSettings, holds: (load: number) => boolean): SearchStep[] {
  const steps: SearchStep[] = []
  for (let next = nextStep(settings, steps); next !== undefined; next = nextStep(settings, steps)) {
    steps.push({ load: next.load, held: holds(next.load) })
    if (steps.length > 100) throw new Error('the search does not end')
  }
  return steps
}

const rate: SearchSettings = { start: 50, factor: 2, max: 20_000, bisect: 3, integer: false }

describe('the capacity search', () => {
  it('steps geometrically to the first break, then bisects at geometric midpoints', () => {
    const steps = search(rate, (load) => load <= 190)
    // Every break is measured twice before it counts.
    expect(steps.map((s) => s.load)).toEqual([50, 100, 200, 200, 141, 168, 183])
    expect(steps.map((s) => s.held)).toEqual([true, true, false, false, true, true, true])
  })

  it('measures a break once more, and a load that holds on the retry holds', () => {
    let stalled = false
    // One stall at 100 req/s, on a service that holds up to 400.
    const steps = search(rate, (load) => {
      if (load === 100 && !stalled) {
        stalled = true
        return false
      }
      return load <= 400
    })
    expect(steps.slice(0, 5).map((s) => [s.load, s.held])).toEqual([
      [50, true],
      [100, false],
      [100, true],
      [200, true],
      [400, true],
    ])
    expect(Math.max(...steps.filter((s) => s.held).map((s) => s.load))).toBeGreaterThan(360)
  })

  it('finds the break point to within factor^(1/2^bisect) for any capacity', () => {
    for (const capacity of [60, 137, 999, 4321, 15_000]) {
      const steps = search(rate, (load) => load <= capacity)
      const good = Math.max(...steps.filter((s) => s.held).map((s) => s.load))
      expect(good).toBeLessThanOrEqual(capacity)
      expect(capacity / good).toBeLessThan(2 ** (1 / 8) * 1.01)
    }
  })

  it('stops after one step when the SLO breaks at the start, and at max when it never breaks', () => {
    expect(search(rate, () => false).map((s) => s.load)).toEqual([50, 50])
    const all = search({ ...rate, max: 300 }, () => true)
    expect(all.map((s) => s.load)).toEqual([50, 100, 200, 300])
  })

  it('trusts the lowest break when noise makes a higher step hold', () => {
    const steps = search(rate, (load) => load !== 200 && load <= 400)
    // 200 broke: the bisection stays below it whatever 400 would have said.
    expect(steps.every((s) => s.load <= 200)).toBe(true)
  })

  it('steps whole connections and ends when the midpoint rounds onto a bracket', () => {
    const steps = search({ start: 1, factor: 2, max: 1000, bisect: 5, integer: true }, (c) => c <= 5)
    expect(steps.map((s) => s.load)).toEqual([1, 2, 4, 8, 8, 6, 6, 5])
    const slow = search({ start: 1, factor: 1.2, max: 4, bisect: 0, integer: true }, () => true)
    expect(slow.map((s) => s.load)).toEqual([1, 2, 3, 4])
  })
})

describe('the interval of a median over rounds', () => {
  it('is the range below six values, with the coverage that has', () => {
    expect(medianIntervalCoverage(1)).toBe(0)
    expect(medianIntervalCoverage(3)).toBeCloseTo(0.75)
    expect(medianIntervalCoverage(5)).toBeCloseTo(0.9375)
    expect(medianIntervalCoverage(9)).toBeGreaterThanOrEqual(0.95)
    expect(medianInterval([3, 1, 2])).toEqual({ median: 2, low: 1, high: 3 })
  })
})

describe('scaling with concurrency', () => {
  it('measures efficiency from the lowest level and finds the knee where p99 outgrows throughput', () => {
    // A pool of 4 workers of 20 ms each: linear to 4 connections, flat after, p99 growing with the queue.
    const result = scaling([
      { connections: 8, rps: 200, p99: 42 },
      { connections: 1, rps: 50, p99: 21 },
      { connections: 4, rps: 198, p99: 22 },
    ])
    expect(result.points.map((p) => p.connections)).toEqual([1, 4, 8])
    expect(result.points.map((p) => Number(p.efficiency.toFixed(2)))).toEqual([1, 0.99, 0.5])
    expect(result.knee).toBe(8)
  })

  it('has no knee while latency rises no faster than throughput', () => {
    expect(
      scaling([
        { connections: 1, rps: 100, p99: 10 },
        { connections: 2, rps: 190, p99: 11 },
      ]).knee,
    ).toBeUndefined()
    expect(scaling([]).points).toEqual([])
  })
})
