import { describe, expect, it } from 'vitest'
import { extendHistory, historyFromResults, medianInterval, runToRunOf, seriesOf } from '../../src/history/build.js'
import { parseHistory, readHistorySalvaging } from '../../src/history/io.js'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { syntheticResults, type SyntheticEntry } from '../../__fixtures__/results/build.js'

const entry = (rps: number): SyntheticEntry => ({
  scenario: 'list users',
  rps: [rps, rps * 1.01, rps * 0.99, rps, rps * 1.02],
  p50Us: [200, 201, 199, 200, 202],
})

describe('history', () => {
  it('adds one point per run, keeps the newest runs only, and replaces a re-run of the same workflow run', () => {
    let history = historyFromResults(syntheticResults([entry(1000)], { sha: 'a1' }), 1)
    for (let run = 2; run <= 6; run++) history = extendHistory(history, syntheticResults([entry(1000 * run)], { sha: `a${run}` }), run, 4)
    expect(history.runs.map((r) => r.runId)).toEqual([3, 4, 5, 6])
    history = extendHistory(history, syntheticResults([entry(7000)], { sha: 'a6' }), 6, 4)
    expect(history.runs.map((r) => r.runId)).toEqual([3, 4, 5, 6])
    expect(seriesOf(history, 'list users @ 10 conn', 'rps').map((p) => p.point.median)).toEqual([3000, 4000, 5000, 7000])
    expect(runToRunOf(history).series.get('list users @ 10 conn')?.rps).toEqual([3000, 4000, 5000, 7000])
    expect(history.runs[0]?.runner).toBe('Test CPU @ 3.0GHz / 2 cores / linux 6.1.0 x64 / v20.20.2')
  })

  it('keeps each probed run’s medians at one machine speed beside the measured ones, and reads them back', () => {
    const results = syntheticResults([entry(1000)])
    const first = results.entries[0]
    if (first === undefined) throw new Error('no entry')
    // The machine ran 1.25× slower than the probe's reference in every round but the last, 1.6× in that one.
    const speeds = [1250, 1250, 1250, 1250, 1600]
    const probed = { ...results, entries: [{ ...first, rounds: first.rounds.map((r, i) => ({ ...r, speedProbeUs: speeds[i] ?? NaN })) }] }
    const history = historyFromResults(probed, 1)
    const point = history.runs[0]?.entries[0]
    // req/s at the reference speed: 1000, 1010, 990, 1000 × 1.25 and 1020 × 1.6; their median is 1250.
    expect(point?.oneSpeed?.rps).toBeCloseTo(1250, 6)
    expect(point?.oneSpeed?.p50).toBeCloseTo(160, 6)
    expect(point?.oneSpeed?.rss).toBeUndefined()
    expect(runToRunOf(history).oneSpeed?.series.get('list users @ 10 conn')?.rps?.[0]).toBeCloseTo(1250, 6)
    expect(parseHistory(JSON.parse(JSON.stringify(history)), 'h.json')).toEqual(history)
    // A run without the probe's readings keeps the measured medians only.
    expect(historyFromResults(results, 1).runs[0]?.entries[0]?.oneSpeed).toBeUndefined()
    const negative = { ...history, runs: [{ ...history.runs[0], entries: [{ key: 'k', metrics: {}, oneSpeed: { rps: -1 } }] }] }
    expect(() => parseHistory(negative, 'h.json')).toThrow(/h\.json/)
  })

  it("starts again when the previous history is another suite's", () => {
    const other = historyFromResults(syntheticResults([entry(1000)], { suite: 'other' }), 1)
    expect(extendHistory(other, syntheticResults([entry(1000)]), 2).runs).toHaveLength(1)
  })

  it('gives the median a distribution-free interval from order statistics', () => {
    expect(medianInterval([5, 1, 3, 2, 4])).toEqual({ median: 3, low: 1, high: 5 })
    // Nine values: x(2) and x(8) cover the median with 96 %.
    expect(medianInterval([1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual({ median: 5, low: 2, high: 8 })
    expect(medianInterval([])).toBeUndefined()
  })

  it('validates what it reads back, refusing control characters, other versions and unknown metrics', () => {
    const history = historyFromResults(syntheticResults([entry(1000)]), 1)
    const json = JSON.parse(JSON.stringify(history)) as unknown
    expect(parseHistory(json, 'h.json')).toEqual(history)
    const withKey = (key: string): unknown => ({ ...history, runs: [{ ...history.runs[0], entries: [{ key, metrics: {} }] }] })
    expect(() => parseHistory(withKey('a\u202eb'), 'h.json')).toThrow(/h\.json: not a valid Cannonade history file/)
    expect(() => parseHistory(withKey('a\nb'), 'h.json')).toThrow(/must match pattern/)
    expect(() => parseHistory({ ...history, schemaVersion: 2 }, 'h.json')).toThrow(/schemaVersion 2 is not supported/)
    expect(() =>
      parseHistory(
        { ...history, runs: [{ ...history.runs[0], entries: [{ key: 'k', metrics: { heap: { median: 1, low: 1, high: 1 } } }] }] },
        'h.json',
      ),
    ).toThrow()
  })

  it('keeps the readable runs of a damaged history and counts the rest, but keeps nothing of another version', async () => {
    let history = historyFromResults(syntheticResults([entry(1000)], { sha: 'abc1' }), 1)
    for (let run = 2; run <= 4; run++) history = extendHistory(history, syntheticResults([entry(1000)], { sha: `abc${run}` }), run)
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-history-'))
    try {
      const file = path.join(dir, 'history.json')
      const runs: unknown[] = [...history.runs]
      runs[1] = { ...history.runs[1], runner: 'bad\u202e' }
      runs[3] = { date: 'yesterday' }
      await writeFile(file, JSON.stringify({ ...history, runs }))
      const read = await readHistorySalvaging(file, 'h.json')
      expect(read.history.runs.map((r) => r.runId)).toEqual([1, 3])
      expect(read.dropped).toBe(2)
      expect(read.problem).toMatch(/^h\.json: not a valid Cannonade history file: runs\[1\]\.runner: must match pattern/)
      await writeFile(file, JSON.stringify(history))
      expect((await readHistorySalvaging(file)).dropped).toBe(0)
      await writeFile(file, JSON.stringify({ ...history, schemaVersion: 2, runs }))
      await expect(readHistorySalvaging(file, 'h.json')).rejects.toThrow(/schemaVersion 2 is not supported/)
      await writeFile(file, '{"schemaVersion": 1, "suite": "demo", "runs": [{"date": 1}]}')
      await expect(readHistorySalvaging(file, 'h.json')).rejects.toThrow(/not a valid Cannonade history file/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
