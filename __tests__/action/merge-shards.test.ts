// Which shard artifacts `mode: merge` merges: all of 1..N, or none with the missing ones named.
import { describe, expect, it } from 'vitest'
import { shardsToMerge } from '../../src/action/merge-mode.js'
import { EnvironmentError, InputError } from '../../src/errors.js'

const PREFIX = 'cannonade-e2e-shard-'
const artifacts = (...names: string[]): { id: number; name: string; size: number }[] =>
  names.map((name, i) => ({ id: i + 1, name, size: 100 }))

describe('the shards a merge takes', () => {
  it('takes every shard from 1 to N, in order, and ignores other artifacts', () => {
    const shards = shardsToMerge(artifacts(`${PREFIX}2-of-2`, 'cannonade-e2e', `${PREFIX}1-of-2`, `${PREFIX}notes`), PREFIX)
    expect(shards.map((s) => [s.name, s.index, s.count])).toEqual([
      [`${PREFIX}1-of-2`, 1, 2],
      [`${PREFIX}2-of-2`, 2, 2],
    ])
  })

  it('fails naming the shards that are missing, rather than showing their entries as removed', () => {
    const merge = (): unknown => shardsToMerge(artifacts(`${PREFIX}1-of-3`), PREFIX)
    expect(merge).toThrow(EnvironmentError)
    expect(merge).toThrow(`mode merge: 2 of 3 shards missing: no artifact ${PREFIX}2-of-3, ${PREFIX}3-of-3 in this run.`)
  })

  it('fails when the shards disagree on their number', () => {
    expect(() => shardsToMerge(artifacts(`${PREFIX}1-of-2`, `${PREFIX}2-of-3`), PREFIX)).toThrow(
      /disagree on how many shards there are \(of-2, of-3\)/,
    )
  })

  it('says to run the shards first when there are none', () => {
    expect(() => shardsToMerge(artifacts('cannonade-e2e'), PREFIX)).toThrow(InputError)
  })
})
