// The planned time of a plan: what `validate` prints, and the bound that refuses a plan no job could
// finish (a stress search of 1.0001 steps up to 1e6, a sweep of 10,000 levels with long rounds).
import { describe, expect, it } from 'vitest'
import { parsePlan } from '../../src/config/load.js'
import { applyOverrides, parseOverrideTexts } from '../../src/config/overrides.js'
import { humanDurationMs, MAX_PLANNED_MS, plannedTime, stressStepsAtMost } from '../../src/config/planned-time.js'
import type { StressPlan } from '../../src/config/plan.js'
import { nextStep, type SearchStep } from '../../src/stats/capacity-search.js'
import { InputError } from '../../src/errors.js'
import { problemsOf } from '../helpers/config-problems.js'

const head = 'baseUrl: http://127.0.0.1:3000\nscenarios:\n'

describe('planned time', () => {
  it('adds up rounds, warm-ups and the suite warm-up pass', () => {
    const plan = parsePlan(
      `${head}  - { name: a, path: /, connections: [1, 10], rounds: 3, duration: 5s, warmup: 1s }\n  - { name: b, path: /, rounds: 2, duration: 2s, warmup: 0s }\n`,
      'c.yml',
      '/srv',
    )
    // a: 2 entries × 3 rounds × 6 s + 2 × 1 s warm-up pass; b: 2 rounds × 2 s.
    expect(plannedTime(plan).ms).toBe(36_000 + 2_000 + 4_000)
  })

  it('counts the longer pass that warms an app Cannonade starts: 5 warm-ups a steady closed-loop entry', () => {
    const scenarios = `scenarios:\n  - { name: a, path: /, connections: [1, 10], rounds: 3, duration: 5s, warmup: 1s }\n  - { name: b, path: /, rate: 100, rounds: 2, duration: 2s, warmup: 1s }\n`
    const started = parsePlan(`baseUrl: http://127.0.0.1:3000\napp: { command: node s.js }\n${scenarios}`, 'c.yml', '/srv')
    // a: 2 entries × 3 rounds × 6 s + 2 × 5 slices of 1 s; b (a rate): 2 rounds × 3 s + one 1 s pass.
    expect(plannedTime(started).ms).toBe(36_000 + 10_000 + 6_000 + 1_000)
    // A server started elsewhere gets the configured pass.
    expect(plannedTime(parsePlan(`baseUrl: http://127.0.0.1:3000\n${scenarios}`, 'c.yml', '/srv')).ms).toBe(36_000 + 2_000 + 6_000 + 1_000)
  })

  it('bounds a stress search by the steps it can take at most', () => {
    const stress: StressPlan = {
      loop: 'rate',
      start: 50,
      factor: 2,
      max: 1000,
      bisect: 3,
      follow: 0.9,
      connections: 10,
      slo: { latencyUs: [], maxErrorRate: 0.01 },
    }
    // Every step holds: the geometric phase runs to max, the longest it can be.
    const steps: SearchStep[] = []
    for (
      let next = nextStep({ ...stress, integer: false }, steps);
      next !== undefined;
      next = nextStep({ ...stress, integer: false }, steps)
    ) {
      steps.push({ load: next.load, held: true })
    }
    expect(stressStepsAtMost(stress)).toBeGreaterThanOrEqual(steps.length)
    expect(stressStepsAtMost(stress)).toBe(steps.length + 1 + 3)
  })

  it('refuses a stress search no job could finish, naming the file, the scenario and the field', () => {
    const problems = problemsOf(
      `${head}  - name: search\n    path: /\n    rate: 100\n    profile: stress\n    stress: { start: 1, factor: 1.0001, max: 1000000, step: 60m }\n    thresholds: { p99: { max: 50ms } }\n`,
    )
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^cannonade\.yml:\d+:\d+: scenarios\[0\]\.stress: the suite would measure for [\d,]+ h, more than the 6 h/)
    expect(problems[0]).toContain('stress steps')
  })

  it('refuses a sweep of 10,000 levels with long rounds', () => {
    const levels = Array.from({ length: 10_000 }, (_, i) => i + 1).join(', ')
    const problems = problemsOf(`${head}  - { name: sweep, path: /, connections: [${levels}], duration: 60s, rounds: 5 }\n`)
    expect(problems[0]).toMatch(/scenarios\[0\]: the suite would measure for .*10,000 entries × 5 round\(s\)/)
  })

  it('keeps a long plan within the limit, and refuses --rounds/--duration that stretch it past', () => {
    const plan = parsePlan(`${head}  - { name: soak, path: /, duration: 60m, rounds: 5 }\n`, 'c.yml', '/srv')
    expect(plannedTime(plan).ms).toBeLessThanOrEqual(MAX_PLANNED_MS)
    const overrides = parseOverrideTexts({ rounds: '10', duration: undefined, budget: undefined, shard: undefined }, (k) => `--${k}`)
    expect(() => applyOverrides(plan, { scenarios: [], tags: [], ...overrides, quick: false })).toThrow(InputError)
    expect(() => applyOverrides(plan, { scenarios: [], tags: [], ...overrides, quick: false })).toThrow(/--rounds\/--duration: .*10 h/)
  })

  it('says long times in hours', () => {
    expect(humanDurationMs(45_000)).toBe('45 s')
    expect(humanDurationMs(750_000)).toBe('12 min 30 s')
    expect(humanDurationMs(8_000_000)).toBe('2 h 13 min')
  })
})
