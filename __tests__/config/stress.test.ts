import { describe, expect, it } from 'vitest'
import { parsePlan } from '../../src/config/load.js'
import { applyOverrides } from '../../src/config/overrides.js'
import { problemsOf } from '../helpers/config-problems.js'

const head = 'baseUrl: http://127.0.0.1:3000\nscenarios:\n'

describe('profile: stress in the config', () => {
  it('builds an open-loop search from the scenario rate with the documented defaults and its SLO', () => {
    const plan = parsePlan(
      `${head}  - name: limited\n    path: /limited\n    profile: stress\n    rate: 50\n    connections: 20\n    thresholds:\n      p99: { max: 100ms }\n      p95: { max: 80ms, severity: warn }\n      rps: { min: 10 }\n`,
      'cannonade.yml',
      '/srv',
    )
    const [s] = plan.scenarios
    expect(s?.profile).toBe('stress')
    expect(s?.stress).toEqual({
      loop: 'rate',
      start: 50,
      factor: 2,
      max: 100_000,
      bisect: 3,
      follow: 0.9,
      connections: 20,
      slo: {
        latencyUs: [
          { metric: 'p95', max: 80_000 },
          { metric: 'p99', max: 100_000 },
        ],
        maxErrorRate: 0.1,
      },
    })
    // A stress entry gates its capacity, not the numbers of its step at capacity.
    expect(s?.regression).toEqual([{ metric: 'capacity', tolerance: 0.1, severity: 'fail' }])
  })

  it('steps connections for a closed-loop scenario, with the stress settings and error limit given', () => {
    const plan = parsePlan(
      `${head}  - name: c\n    path: /\n    profile: stress\n    stress: { start: 2, factor: 1.5, max: 64, step: 2s, bisect: 2 }\n    thresholds:\n      errorRate: { max: 1% }\n      regression: { capacity: 20%, p99: 30% }\n`,
      'cannonade.yml',
      '/srv',
    )
    const [s] = plan.scenarios
    expect(s?.stress).toMatchObject({
      loop: 'connections',
      start: 2,
      factor: 1.5,
      max: 64,
      stepMs: 2000,
      bisect: 2,
      slo: { maxErrorRate: 0.01 },
    })
    expect(s?.regression).toEqual([
      { metric: 'p99', tolerance: 0.3, severity: 'fail' },
      { metric: 'capacity', tolerance: 0.2, severity: 'fail' },
    ])
    expect(s?.levels).toEqual([{ connections: 10 }])
  })

  it('leaves steady scenarios (and the other profiles, measured as steady here) and their config hash as they were', () => {
    const steady = parsePlan(`${head}  - name: a\n    path: /\n`, 'cannonade.yml', '/srv')
    const explicit = parsePlan(`${head}  - name: a\n    path: /\n    profile: steady\n`, 'cannonade.yml', '/srv')
    const soak = parsePlan(`${head}  - name: a\n    path: /\n    profile: soak\n`, 'cannonade.yml', '/srv')
    expect(steady.configHash).toBe(explicit.configHash)
    expect(steady.scenarios[0]?.profile).toBe('steady')
    expect(soak.scenarios[0]?.stress).toBeUndefined()
  })

  it('applies a capacity limit or tolerance from defaults to the stress scenarios only', () => {
    const plan = parsePlan(
      `baseUrl: http://127.0.0.1:3000\ndefaults:\n  thresholds: { capacity: { min: 100 }, regression: { capacity: 5% } }\nscenarios:\n  - { name: a, path: / }\n  - { name: b, path: /, profile: stress }\n`,
      'cannonade.yml',
      '/srv',
    )
    const [steady, stress] = plan.scenarios
    expect(steady?.regression.map((t) => t.metric)).toEqual(['p50', 'p99', 'rps'])
    expect(steady?.thresholds).toEqual([])
    expect(stress?.regression).toEqual([{ metric: 'capacity', tolerance: 0.05, severity: 'fail' }])
    expect(stress?.thresholds).toEqual([{ metric: 'capacity', bound: 'min', limit: 100, severity: 'fail' }])
  })

  it('gives every bad stress setting its file:line:column, the field and what was expected', () => {
    const problems = problemsOf(
      [
        head.trimEnd(),
        '  - name: a',
        '    path: /',
        '    profile: stress',
        '    rate: 100',
        '    stress: { start: 500, factor: 1, max: 200, step: 0ms, bisect: 20, follow: 150%, steps: 3 }',
        '  - name: b',
        '    path: /',
        '    stress: { start: 1 }',
        '    thresholds: { capacity: { min: 10 }, regression: { capacity: 5% } }',
        '  - name: c',
        '    path: /',
        '    profile: stress',
        '    connections: [1, 10]',
        '  - name: d',
        '    path: /',
        '    profile: stres',
        '',
      ].join('\n'),
    )
    expect(problems).toEqual([
      'cannonade.yml:7:35: scenarios[0].stress.factor: must be a number above 1 and at most 10, got 1',
      'cannonade.yml:7:67: scenarios[0].stress.bisect: must be an integer from 0 to 10, got 20',
      'cannonade.yml:7:85: scenarios[0].stress.steps: unknown field; did you mean "step"?',
      'cannonade.yml:18:14: scenarios[3].profile: must be one of steady, stress, spike, soak, volume, got "stres"',
    ])
    const semantic = problemsOf(
      [
        head.trimEnd(),
        '  - name: a',
        '    path: /',
        '    profile: stress',
        '    rate: 100',
        '    stress: { start: 500, max: 200, step: 0ms, follow: 150% }',
        '  - name: b',
        '    path: /',
        '    stress: { start: 1 }',
        '    thresholds: { capacity: { min: 10 }, regression: { capacity: 5% } }',
        '  - name: c',
        '    path: /',
        '    profile: stress',
        '    connections: [1, 10]',
        '  - name: d',
        '    path: /',
        '    profile: stress',
        '    stress: { start: 2.5, max: 20000 }',
        '',
      ].join('\n'),
    )
    expect(semantic).toEqual([
      'cannonade.yml:7:32: scenarios[0].stress.max: max (200 req/s) must be above start (500 req/s), so there is something to search',
      'cannonade.yml:7:43: scenarios[0].stress.step: must be more than 0 and at most 60m, got "0ms"',
      'cannonade.yml:7:56: scenarios[0].stress.follow: must be a percentage above 0% and at most 100%, got "150%"',
      'cannonade.yml:10:5: scenarios[1].stress: only applies to profile: stress; add profile: stress or remove it',
      'cannonade.yml:11:19: scenarios[1].thresholds.capacity: capacity is only measured by profile: stress; add profile: stress to this scenario or remove it',
      'cannonade.yml:11:56: scenarios[1].thresholds.regression.capacity: capacity is only measured by profile: stress; add profile: stress to this scenario or remove it',
      'cannonade.yml:15:18: scenarios[2].connections: profile: stress searches the load itself: give one rate (open loop) or one connections value (closed loop), not a sweep',
      'cannonade.yml:19:22: scenarios[3].stress.start: must be a whole number of connections (this scenario is closed loop: it has no rate), got 2.5',
      'cannonade.yml:19:32: scenarios[3].stress.max: must be at most 10000 connections, got 20000',
    ])
  })

  it('--quick shortens a search to 500 ms steps and one bisection step, in one round', () => {
    const plan = parsePlan(
      `${head}  - name: a\n    path: /\n    profile: stress\n    rate: 10\n    stress: { step: 5s, bisect: 4 }\n`,
      'cannonade.yml',
      '/srv',
    )
    const quick = applyOverrides(plan, { quick: true }).scenarios[0]
    expect(quick?.rounds).toBe(1)
    expect(quick?.stress).toMatchObject({ stepMs: 500, bisect: 1 })
    expect(plan.scenarios[0]?.stress).toMatchObject({ stepMs: 5000, bisect: 4 })
  })
})
