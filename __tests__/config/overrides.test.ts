import { describe, expect, it } from 'vitest'
import { parsePlan } from '../../src/config/load.js'
import { applyOverrides, MAX_ROUNDS, parseOverrideTexts, QUICK } from '../../src/config/overrides.js'
import { getInputs } from '../../src/action/inputs.js'

const plan = parsePlan(
  [
    'baseUrl: http://127.0.0.1:3000',
    'scenarios:',
    '  - { name: a, path: / }',
    '  - { name: b, path: /, tags: [db] }',
    '  - { name: c, path: / }',
    '  - { name: d, path: /, tags: [db] }',
  ].join('\n'),
  'c.yml',
  '/srv',
)

const names = (shard: { index: number; count: number }, tags: string[] = []): string[] =>
  applyOverrides(plan, { tags, shard }).scenarios.map((s) => s.name)

describe('--shard with --tag', () => {
  it('splits the tagged scenarios over the shards, so no shard is refused for holding none', () => {
    expect(names({ index: 1, count: 2 }, ['db'])).toEqual(['b'])
    expect(names({ index: 2, count: 2 }, ['db'])).toEqual(['d'])
  })

  it('splits by position in the config without filters', () => {
    expect(names({ index: 1, count: 2 })).toEqual(['a', 'c'])
    expect(names({ index: 2, count: 2 })).toEqual(['b', 'd'])
  })

  it('still refuses a tag no scenario has', () => {
    expect(() => names({ index: 1, count: 2 }, ['gpu'])).toThrow('--tag: no scenario in c.yml has tag "gpu"')
  })
})

describe('the overrides of a run, from flags or from inputs', () => {
  const flag = (key: string): string => `--${key}`
  const problem = (run: () => unknown): string => {
    try {
      run()
      return ''
    } catch (error) {
      return error instanceof Error ? error.message : String(error)
    }
  }
  const withInputs = (inputs: Record<string, string>): string => {
    for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value
    try {
      return problem(getInputs)
    } finally {
      for (const name of Object.keys(inputs)) delete process.env[`INPUT_${name.toUpperCase()}`]
    }
  }

  it('takes rounds up to the config’s own limit, durations, a budget and a shard', () => {
    expect(MAX_ROUNDS).toBe(50)
    expect(parseOverrideTexts({ rounds: '50', duration: '2s', budget: '6m', shard: '2/3' }, flag)).toEqual({
      rounds: 50,
      durationMs: 2000,
      budgetMs: 360_000,
      shard: { index: 2, count: 3 },
    })
    expect(parseOverrideTexts({}, flag)).toEqual({})
  })

  it('refuses the same values with the same words in the CLI and the action, each naming how it was given', () => {
    const cases: [Record<string, string>, string][] = [
      [{ rounds: '51' }, 'must be an integer from 1 to 50, got "51"'],
      [{ rounds: '2.5' }, 'must be an integer from 1 to 50, got "2.5"'],
      [{ duration: '2h' }, 'must be a duration like 500ms, 5s or 1m, at most 60m, got "2h"'],
      [{ budget: '400m' }, 'must be a duration like 500ms, 5s or 1m, at most 360m, got "400m"'],
      [{ shard: '3/2' }, 'must be INDEX/COUNT with 1 <= INDEX <= COUNT, e.g. 2/4, got "3/2"'],
    ]
    for (const [texts, message] of cases) {
      const [key = ''] = Object.keys(texts)
      expect(problem(() => parseOverrideTexts(texts, flag))).toBe(`--${key}: ${message}`)
      expect(withInputs(texts)).toBe(`input '${key}': ${message}`)
    }
  })
})

describe('applying overrides', () => {
  const amounts = parsePlan(
    'baseUrl: http://127.0.0.1:1\nbudget: 2m\nscenarios:\n  - { name: a, path: /, amount: 500, rounds: 7 }\n  - { name: b, path: /, tags: [db] }\n',
    'c.yml',
    '/',
  )

  it('changes rounds, duration and budget for this run only', () => {
    const changed = applyOverrides(amounts, { rounds: 2, durationMs: 1500, budgetMs: 30_000 })
    expect(changed.scenarios.map((s) => [s.rounds, s.durationMs])).toEqual([
      [2, 1500],
      [2, 1500],
    ])
    expect(changed.budgetMs).toBe(30_000)
    expect(amounts.scenarios.map((s) => s.rounds)).toEqual([7, 5])
    expect(applyOverrides(amounts, {})).toEqual(amounts)
  })

  it('makes --quick one short round of every entry, by time even where the config counts requests, with no warm-up pass', () => {
    const quick = applyOverrides(amounts, { quick: true, rounds: 9 })
    expect(quick.warmupSuite).toBe(false)
    for (const s of quick.scenarios) {
      expect(s).toMatchObject(QUICK)
      expect(s.amount).toBeUndefined()
    }
  })

  it('keeps the named scenarios and refuses a name that is not there, listing those that are', () => {
    expect(applyOverrides(amounts, { scenarios: ['b'] }).scenarios.map((s) => s.name)).toEqual(['b'])
    expect(() => applyOverrides(amounts, { scenarios: ['c'] })).toThrow('--scenario: no scenario named "c" in c.yml; there are: "a", "b"')
  })

  it('shards after filtering, and a shard beyond the scenarios measures none', () => {
    expect(applyOverrides(amounts, { tags: ['db'], shard: { index: 1, count: 1 } }).scenarios.map((s) => s.name)).toEqual(['b'])
    expect(applyOverrides(amounts, { shard: { index: 3, count: 3 } }).scenarios).toEqual([])
  })
})
