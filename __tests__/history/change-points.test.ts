import { describe, expect, it } from 'vitest'
import { extendHistory } from '../../src/history/build.js'
import { changePointsAtNewest } from '../../src/history/change-points.js'
import type { History } from '../../src/history/document.js'
import { changePointSentence, changePointsMarkdown, commitRange } from '../../src/report/change-points.js'
import { ENVIRONMENT, syntheticResults, type SyntheticEntry } from '../../__fixtures__/results/build.js'

// Run-to-run noise of a few per cent, the same for every run count, so the tests decide on the step.
const NOISE = [1, 1.03, 0.98, 1.01, 0.97, 1.02, 0.99, 1.04]

const entries = (run: number, slowdown: number): SyntheticEntry[] => {
  const n = NOISE[run % NOISE.length] ?? 1
  return [
    { scenario: 'cpu work', rps: Array(3).fill((1000 * n) / slowdown), p50Us: Array(3).fill(2000 * n * slowdown) },
    { scenario: 'list users', rps: Array(3).fill(5000 * n), p50Us: Array(3).fill(400 * n) },
  ]
}

/** Pushes with the given slowdowns (1 = none), run ids 101, 102, … and commits 1111…, 2222…. */
function pushes(slowdowns: readonly number[], runners: readonly string[] = []): History {
  let history: History | undefined
  slowdowns.forEach((slowdown, i) => {
    const environment = { ...ENVIRONMENT, cpuModel: runners[i] ?? ENVIRONMENT.cpuModel }
    history = extendHistory(history, syntheticResults(entries(i, slowdown), { sha: String(i + 1).repeat(40), environment }), 101 + i)
  })
  if (history === undefined) throw new Error('no pushes')
  return history
}

describe('change points at the newest push', () => {
  it('names the entry, its metrics and the commit range of a 3× slowdown after five runs, and nothing else', () => {
    const found = changePointsAtNewest(pushes([1, 1, 1, 1, 1, 3]))
    expect(found.tested).toBe(6)
    expect(found.changes.map((c) => [c.key, c.metric, commitRange(c)])).toEqual([
      ['cpu work @ 10 conn', 'rps', '5555555..6666666'],
      ['cpu work @ 10 conn', 'p50', '5555555..6666666'],
      ['cpu work @ 10 conn', 'p99', '5555555..6666666'],
    ])
    const rps = found.changes[0]
    if (rps === undefined) throw new Error('no change')
    expect(rps.segmentRuns).toBe(5)
    expect(changePointSentence(rps)).toMatch(
      /^cpu work @ 10 conn: throughput \(req\/s\) stepped −6\d % at 5555555\.\.6666666 \(\d{3} req\/s → 3\d\d req\/s\), slower, beyond the run-to-run spread of ±\d\.\d % over the 5 runs before$/,
    )
    const markdown = changePointsMarkdown(found, 'main')
    expect(markdown).toContain('### Change points on <code>main</code>')
    expect(markdown).toContain('This run moved 3 metrics beyond the spread of the runs before it:')
  })

  it('says nothing before five runs, for an unchanged run, or for a run after the step (no repeated alarm)', () => {
    expect(changePointsAtNewest(pushes([1, 1, 1, 1, 3])).changes).toEqual([])
    expect(changePointsAtNewest(pushes([1, 1, 1, 1, 1, 1, 1])).changes).toEqual([])
    expect(changePointsAtNewest(pushes([1, 1, 1, 1, 1, 3, 3])).changes).toEqual([])
    expect(changePointsMarkdown(changePointsAtNewest(pushes([1, 1, 1, 1, 1, 1])), 'main')).toBe('')
  })

  it('reports a speed-up as faster, and a move onto another runner not at all', () => {
    const faster = changePointsAtNewest(pushes([1, 1, 1, 1, 1, 1 / 3])).changes
    expect(faster.map((c) => c.metric)).toEqual(['rps', 'p50', 'p99'])
    const first = faster[0]
    if (first === undefined) throw new Error('no change')
    expect(changePointSentence(first)).toContain(', faster,')
    const moved = changePointsAtNewest(pushes([1, 1, 1, 1, 1, 3], ['A', 'A', 'A', 'A', 'A', 'B']))
    expect(moved.changes).toEqual([])
  })
})
