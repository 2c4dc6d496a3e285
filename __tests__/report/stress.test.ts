import { describe, expect, it } from 'vitest'
import { compare } from '../../src/compare/compare.js'
import type { StressPlan } from '../../src/config/plan.js'
import { stepBreaks } from '../../src/load/profiles/stress.js'
import type { EntryResult, Results, StressRound } from '../../src/results/document.js'
import { summariseEntry } from '../../src/results/entry-numbers.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { renderText } from '../../src/report/text.js'
import { syntheticEntry, syntheticResults } from '../../__fixtures__/results/build.js'

/** A search that held up to `capacity` req/s, stepping 50, 100, 200, … then bisecting. */
function search(capacity: number, loads: readonly number[]): StressRound {
  const steps = loads.map((load) => {
    const held = load <= capacity
    return {
      load,
      phase: 'step' as const,
      rps: held ? load : capacity,
      sentPerSecond: load,
      p50Us: held ? 20_000 : 90_000,
      p95Us: held ? 30_000 : 150_000,
      p99Us: held ? 35_000 : 180_000,
      errorRate: 0,
      held,
      ...(held ? {} : { broke: ['p99' as const, 'follow' as const] }),
    }
  })
  return { loop: 'rate', capacity, capacityLoad: capacity, reachedMax: false, steps }
}

/** A stress entry whose rounds found these capacities. */
function stressEntry(capacities: readonly number[], loads: readonly number[]): EntryResult {
  const plain = syntheticEntry({ scenario: 'limited', rps: capacities, p50Us: capacities.map(() => 20_000) })
  const rounds = plain.rounds.map((r, i) => ({ ...r, stress: search(capacities[i] ?? 0, loads) }))
  return summariseEntry(
    { ...plain, key: 'limited @ stress', rate: 50, regression: [{ metric: 'capacity', tolerance: 0.1, severity: 'fail' }] },
    rounds,
  )
}

function results(entries: readonly EntryResult[], sha: string): Results {
  return { ...syntheticResults([], { sha }), entries }
}

describe('a stress entry in the report', () => {
  const sweep = [
    syntheticEntry({
      scenario: 'pool',
      connections: 1,
      rps: [50, 50, 50],
      p50Us: [20_000, 20_000, 20_000],
      p99Us: [21_000, 21_000, 21_000],
    }),
    syntheticEntry({
      scenario: 'pool',
      connections: 4,
      rps: [190, 195, 192],
      p50Us: [21_000, 21_000, 21_000],
      p99Us: [23_000, 23_000, 23_000],
    }),
    syntheticEntry({
      scenario: 'pool',
      connections: 8,
      rps: [192, 190, 193],
      p50Us: [41_000, 41_000, 41_000],
      p99Us: [45_000, 45_000, 45_000],
    }),
  ]
  const base = results([stressEntry([190, 188, 192], [50, 100, 200, 141, 168, 183]), ...sweep], 'base')
  const head = results([stressEntry([95, 97, 94], [50, 100, 71, 84, 92]), ...sweep], 'head')

  it('sums up the capacity over rounds with its interval and the curve', () => {
    const stress = head.entries[0]?.stress
    expect(stress).toMatchObject({ loop: 'rate', capacity: 95, low: 94, high: 97, rounds: 3, reachedMax: 0 })
    expect(stress?.coverage).toBeCloseTo(0.75)
    expect(stress?.curve.map((p) => [p.load, p.held])).toEqual([
      [50, 3],
      [71, 3],
      [84, 3],
      [92, 3],
      [100, 0],
    ])
    expect(stress?.curve.at(-1)?.broke).toEqual(['p99', 'follow'])
  })

  it('compares the capacity, gates a drop, and charts p99 against the loads both searches measured', () => {
    const comparison = compare(base, head, { baselineDescription: 'file base.json' })
    const entry = comparison.entries.find((e) => e.key === 'limited @ stress')
    expect(entry?.load).toBe('stress')
    expect(entry?.metrics.map((m) => m.metric)).toEqual(['capacity'])
    expect(entry?.metrics[0]).toMatchObject({ verdict: 'regression', gated: true })
    expect(entry?.metrics[0]?.base).toBeCloseTo(190, 0)
    expect(entry?.metrics[0]?.head).toBeCloseTo(95, 0)
    expect(comparison.outcome).toBe('fail')
    const markdown = renderMarkdown(comparison)
    expect(markdown).toContain('| limited | stress | capacity (req/s) | 190 req/s → 95.3 req/s | -49.8 % (')
    expect(markdown).toContain('x-axis "offered req/s" ["50", "100"]')
    expect(markdown).toContain('bar [35, 35]')
    expect(markdown).toContain('line [35, 180]')
    expect(markdown).toContain(
      '- limited @ stress: capacity 95.0 req/s (range 94.0–97.0 over 3 rounds, covers the median with ≥ 75 %); the SLO broke in most rounds at 100 req/s (p99, throughput below the offered rate)',
    )
    expect(markdown).toMatch(/- pool: 1 → 8 conn: 50\.0 → 192 req\/s, p99 21\.00 ms → 45\.00 ms; efficiency 48 % at 8 conn; knee at 8 conn/)
    expect(renderText(comparison)).toContain('limited @ stress: capacity 95.0 req/s')
  })

  it('shows the capacity of a stress entry measured without a baseline', () => {
    const markdown = renderMarkdown(compare(undefined, head))
    expect(markdown).toContain(
      '| limited | stress | capacity | 95.0 req/s (range 94.0–97.0 over 3 rounds, covers the median with ≥ 75 %) |',
    )
  })
})

describe('a stress step', () => {
  const stress: StressPlan = {
    loop: 'rate',
    start: 50,
    factor: 2,
    max: 1000,
    bisect: 3,
    follow: 0.9,
    connections: 10,
    slo: { latencyUs: [{ metric: 'p99', max: 100_000 }], maxErrorRate: 0.01 },
  }
  const latencyUs = { p50: 20_000, p90: 30_000, p95: 40_000, p99: 50_000, p999: 60_000, mean: 25_000, max: 70_000 }

  it('holds within the SLO and breaks on latency, errors or an offered rate not followed', () => {
    expect(stepBreaks(stress, 100, { latencyUs, errorRate: 0, rps: 99, ok: 200 })).toEqual([])
    expect(stepBreaks(stress, 100, { latencyUs: { ...latencyUs, p99: 120_000 }, errorRate: 0.05, rps: 80, ok: 200 })).toEqual([
      'p99',
      'errorRate',
      'follow',
    ])
    expect(stepBreaks({ ...stress, loop: 'connections' }, 100, { latencyUs, errorRate: 0, rps: 5, ok: 10 })).toEqual([])
    expect(stepBreaks(stress, 100, { latencyUs, errorRate: 0, rps: 0, ok: 0 })).toEqual(['errorRate', 'follow'])
  })
})
