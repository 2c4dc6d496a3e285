import { describe, expect, it } from 'vitest'
import { parsePlan } from '../../src/config/load.js'
import { applyOverrides } from '../../src/config/overrides.js'

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
