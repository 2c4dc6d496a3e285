// Publishing's two decisions, without a runner: whether the sticky comment is posted, and whether the
// step fails and with which words.
import { describe, expect, it } from 'vitest'
import { gateFails, shouldComment } from '../../src/action/gate.js'
import type { Comparison } from '../../src/compare/types.js'
import { gateFailureText } from '../../src/report/verdict.js'
import { machineMismatch, noBaseline, realistic } from '../../__fixtures__/comparisons/realistic.js'

const quiet: Comparison = {
  ...realistic,
  findings: [],
  outcome: 'pass',
  counts: { regressions: 0, improvements: 0, unchanged: 30, inconclusive: 0, violations: 0 },
}
const improvedOnly: Comparison = { ...quiet, counts: { ...quiet.counts, improvements: 1 } }

describe('whether to comment', () => {
  it('posts always under auto and always, never under never', () => {
    for (const comparison of [realistic, quiet]) {
      expect(shouldComment('auto', comparison)).toBe('post')
      expect(shouldComment('always', comparison)).toBe('post')
      expect(shouldComment('never', comparison)).toBe('skip')
    }
  })

  it('under on-change, posts what is worth reading and only corrects an old comment otherwise', () => {
    expect(shouldComment('on-change', realistic)).toBe('post')
    expect(shouldComment('on-change', noBaseline)).toBe('post')
    expect(shouldComment('on-change', improvedOnly)).toBe('post')
    expect(shouldComment('on-change', quiet)).toBe('update-only')
  })
})

describe('the gate', () => {
  it('fails at the fail-on outcome or worse, and never under never', () => {
    const outcomes = ['pass', 'warn', 'fail'] as const
    const failing = (failOn: 'fail' | 'warn' | 'never'): string[] =>
      outcomes.filter((outcome) => gateFails(failOn, { outcome, entries: [] }))
    expect(failing('fail')).toEqual(['fail'])
    expect(failing('warn')).toEqual(['warn', 'fail'])
    expect(failing('never')).toEqual([])
  })

  it('names the findings that failed it, or every warning when it fails on warnings', () => {
    expect(gateFailureText(realistic)).toBe(
      'Cannonade: performance gate failed\n- search @ 10 conn: latency p99 +24.1 % (95 % CI +18.0 % to +30.2 %)',
    )
    expect(gateFailureText(machineMismatch)).toBe(
      'Cannonade: performance warnings (fail-on: warn)\n' +
        '- search @ 10 conn: latency p99 +41.5 % (95 % CI +33.0 % to +50.2 %)\n' +
        '- list users @ 1 conn: rps 472 req/s is below the minimum 500 req/s',
    )
  })

  it('under fail-on: inconclusive, fails a passing comparison that left a gated metric undecided, and says which', () => {
    // Undecided with a regression beyond the tolerance still inside the interval.
    const undecided: Comparison = {
      ...quiet,
      entries: quiet.entries.map((e) => ({
        ...e,
        metrics: e.metrics.map((m) => (m.gated ? { ...m, verdict: 'inconclusive' as const, low: -0.4, high: 0.4 } : m)),
      })),
    }
    // Undecided, but its interval leaves no regression beyond the tolerance: as settled for the gate
    // as deciding as you go took it when it stopped measuring.
    const notWorse: Comparison = {
      ...quiet,
      entries: quiet.entries.map((e) => ({
        ...e,
        metrics: e.metrics.map((m) =>
          m.gated ? { ...m, verdict: 'inconclusive' as const, change: 0, low: -0.01, high: 0.01, clearing: { low: -0.01, high: 0.01 } } : m,
        ),
      })),
    }
    expect(gateFails('inconclusive', notWorse)).toBe(false)
    const decided: Comparison = {
      ...quiet,
      entries: quiet.entries.map((e) => ({ ...e, metrics: e.metrics.map((m) => ({ ...m, verdict: 'unchanged' as const })) })),
    }
    expect(gateFails('inconclusive', undecided)).toBe(true)
    expect(gateFails('warn', undecided)).toBe(false)
    expect(gateFails('fail', undecided)).toBe(false)
    expect(gateFails('inconclusive', decided)).toBe(false)
    expect(gateFails('inconclusive', { ...decided, outcome: 'warn' })).toBe(true)
    expect(gateFailureText(undecided)).toMatch(/^Cannonade: \d+ gated metrics? undecided \(fail-on: inconclusive\)\n- .+: \w+ inconclusive/)
  })

  it('counts a soak slope whose interval reaches both sides of its limit as undecided for fail-on: inconclusive only', () => {
    const MB = 1024 ** 2
    const [first, ...rest] = quiet.entries
    if (first === undefined) throw new Error('fixture has no entries')
    const decidedMetrics = { ...first, metrics: first.metrics.map((m) => ({ ...m, verdict: 'unchanged' as const })) }
    const withSlope = (state: 'open' | 'under'): Comparison => ({
      ...quiet,
      entries: [
        {
          ...decidedMetrics,
          slopes: [
            {
              metric: 'leak',
              series: 'rss',
              state,
              threshold: { metric: 'leak', bound: 'max', limit: MB, severity: 'fail' },
              judged: { perMinute: 0.5 * MB, low: -3 * MB, high: state === 'open' ? 4 * MB : 0.9 * MB, points: 90 },
            },
          ],
        },
        ...rest.map((e) => ({ ...e, metrics: e.metrics.map((m) => ({ ...m, verdict: 'unchanged' as const })) })),
      ],
    })
    expect(gateFails('inconclusive', withSlope('open'))).toBe(true)
    expect(gateFails('warn', withSlope('open'))).toBe(false)
    expect(gateFails('inconclusive', withSlope('under'))).toBe(false)
    expect(gateFailureText(withSlope('open'))).toBe(
      `Cannonade: 1 soak slope undecided (fail-on: inconclusive)\n- ${first.key}: leak not decided against 1.0 MB/min`,
    )
  })
})
