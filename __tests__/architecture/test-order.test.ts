// The order test files start in (__tests__/helpers/test-order.ts): by group, longest first, files
// without a recorded duration first, ties as vitest gave them.
import { describe, expect, it } from 'vitest'
import { longestFirst, readDurations } from '../helpers/test-order.js'

describe('the order test files start in', () => {
  it('keeps groups apart and starts the longest first, files never timed before all others', () => {
    const files = [
      { group: 1, path: 'load-a' },
      { group: 0, path: 'unit-short' },
      { group: 0, path: 'process-long' },
      { group: 0, path: 'new' },
      { group: 1, path: 'load-b' },
      { group: 0, path: 'unit-mid' },
    ]
    const durations = { 'load-a': 3, 'load-b': 40, 'unit-short': 0.5, 'process-long': 80, 'unit-mid': 20 }
    expect(longestFirst(files, durations).map((f) => f.path)).toEqual(['new', 'process-long', 'unit-mid', 'unit-short', 'load-b', 'load-a'])
  })

  it('leaves files of equal or unknown duration in the order given', () => {
    const files = ['c', 'a', 'b', 'd'].map((path) => ({ group: 0, path }))
    expect(longestFirst(files, { c: 1, a: 1, b: 1 }).map((f) => f.path)).toEqual(['d', 'c', 'a', 'b'])
    expect(longestFirst(files, {}).map((f) => f.path)).toEqual(['c', 'a', 'b', 'd'])
  })

  it('reads the committed durations, and none when the file is missing', () => {
    const durations = readDurations('__tests__/durations.json')
    expect(durations['__tests__/e2e/action.test.ts']).toBeGreaterThan(durations['__tests__/stats/yuen.test.ts'] ?? Infinity)
    expect(readDurations('__tests__/no-such-durations.json')).toEqual({})
  })
})
