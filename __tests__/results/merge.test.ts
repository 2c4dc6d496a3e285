import { describe, expect, it } from 'vitest'
import { decodeHistogram } from '../../src/results/histogram.js'
import { mergeResults } from '../../src/results/merge.js'
import { parseResults } from '../../src/results/io.js'
import { machinesNote } from '../../src/report/terminal.js'
import { syntheticResults, type SyntheticEntry } from '../../__fixtures__/results/build.js'

const users: SyntheticEntry = { scenario: 'users', rps: [1000, 1010, 990], p50Us: [200, 210, 190] }
const search: SyntheticEntry = { scenario: 'search', rps: [500, 505, 495], p50Us: [900, 910, 890] }

describe('merging results', () => {
  it('unites the entries of shards, keeping each one as measured', () => {
    const merged = mergeResults([
      { source: 'a.json', results: { ...syntheticResults([users]), shard: { index: 1, count: 2 } } },
      { source: 'b.json', results: { ...syntheticResults([search]), shard: { index: 2, count: 2 } } },
    ])
    expect(merged.entries.map((e) => e.key)).toEqual(['users @ 10 conn', 'search @ 10 conn'])
    expect(merged.shard).toBeUndefined()
    expect(merged.entries[1]?.rps).toBe(500)
  })

  it('pools the rounds of an entry measured twice, histograms merged without loss', () => {
    const merged = mergeResults([
      { source: 'a.json', results: syntheticResults([users]) },
      { source: 'b.json', results: syntheticResults([{ ...users, rps: [2000, 2000, 2000] }]) },
    ])
    const [entry] = merged.entries
    expect(entry?.rounds.map((r) => r.round)).toEqual([1, 2, 3, 4, 5, 6])
    expect(entry?.rps).toBe(1505)
    expect(decodeHistogram(entry?.histogram ?? '').totalCount).toBe(600)
  })

  it('sums a spike entry measured twice up again from all its rounds, not from the first part alone', () => {
    const merged = mergeResults([
      { source: 'a.json', results: syntheticResults([{ ...users, rps: [1000, 1000], p50Us: [200, 200], recoveryMs: [1000, 1000] }]) },
      {
        source: 'b.json',
        results: syntheticResults([{ ...users, rps: [1000, 1000, 1000], p50Us: [200, 200, 200], recoveryMs: [5000, 5000, 5000] }]),
      },
    ])
    expect(merged.entries[0]?.findings).toMatchObject({ kind: 'spike', recoveryMs: 5000 })
  })

  it('keeps every kind of machine the shards ran on, and says they differ', () => {
    const base = syntheticResults([users]).environment
    const arm = { ...base, cpuModel: 'Neoverse-N1', cores: 4 }
    const merged = mergeResults([
      { source: 'a.json', results: syntheticResults([users]) },
      { source: 'b.json', results: syntheticResults([search], { environment: { ...base, runner: { name: 'another runner' } } }) },
      { source: 'c.json', results: syntheticResults([{ ...search, scenario: 'other' }], { environment: arm }) },
    ])
    expect(merged.environment).toEqual(base)
    expect(merged.shardEnvironments).toEqual([base, arm])
    expect(machinesNote(merged)).toMatch(
      /^The shards ran on 2 different kinds of machine \(.*; Neoverse-N1, 4 cores, .*\): entries measured in different shards are not directly comparable/,
    )
    expect(() => parseResults(JSON.parse(JSON.stringify(merged)), 'merged.json')).not.toThrow()
    // Merged again (a merge of merges), nothing is lost.
    expect(
      mergeResults([
        { source: 'm.json', results: merged },
        { source: 'a.json', results: syntheticResults([users]) },
      ]).shardEnvironments,
    ).toEqual([base, arm])
  })

  it('says nothing about machines when all shards ran on one kind', () => {
    const merged = mergeResults([
      { source: 'a.json', results: syntheticResults([users]) },
      { source: 'b.json', results: syntheticResults([search]) },
    ])
    expect(merged.shardEnvironments).toBeUndefined()
    expect(machinesNote(merged)).toBeUndefined()
  })

  it('marks the merge incomplete when a shard was, and says which', () => {
    const merged = mergeResults([
      { source: 'a.json', results: syntheticResults([users]) },
      { source: 'b.json', results: { ...syntheticResults([search]), status: 'incomplete', error: 'the app exited' } },
    ])
    expect(merged.status).toBe('incomplete')
    expect(merged.error).toBe('b.json: the app exited')
  })

  it('refuses files of different suites or configs', () => {
    expect(() =>
      mergeResults([
        { source: 'a.json', results: syntheticResults([users]) },
        { source: 'b.json', results: syntheticResults([users], { suite: 'other' }) },
      ]),
    ).toThrow('b.json is suite "other" but a.json is suite "demo"')
    expect(() =>
      mergeResults([
        { source: 'a.json', results: syntheticResults([users]) },
        { source: 'b.json', results: syntheticResults([users], { configHash: 'x' }) },
      ]),
    ).toThrow(/another config/)
  })
})
