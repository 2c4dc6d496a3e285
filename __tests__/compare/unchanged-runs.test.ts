// `cannonade compare a.json b.json` of two unchanged runs passes, across seeds: pairs of results
// files written to disk and compared by the command itself (in process), the two runs drifting
// apart by a machine factor as runs minutes apart do (σ = 0.08 a run on the log scale, about ±25 %
// between two runs at two standard deviations), with 5 % round noise and, in every other pair, one
// round 3× off the others.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { normalSource } from '../../__fixtures__/random.js'
import { syntheticResults, type SyntheticEntry } from '../../__fixtures__/results/build.js'
import { compareCommand } from '../../src/cli/compare.js'
import { EXIT } from '../../src/errors.js'
import { writeResults } from '../../src/results/io.js'

const SEEDS = 20

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-unchanged-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** One run of a three-entry suite: a machine factor for the whole run, log-normal round noise. */
function run(normal: () => number, outlier: boolean): SyntheticEntry[] {
  const machine = 0.08 * normal()
  return ['list users', 'search', 'checkout'].map((scenario, e) => {
    const rounds = Array.from({ length: 5 }, (_, i) => machine + 0.05 * normal() + (outlier && i === 2 ? Math.log(3) : 0))
    const level = 1000 * (e + 1)
    return {
      scenario,
      rps: rounds.map((x) => level * Math.exp(-x)),
      p50Us: rounds.map((x) => Math.round((4_000_000 / level) * Math.exp(x))),
      p99Us: rounds.map((x) => Math.round((12_000_000 / level) * Math.exp(x + 0.1 * normal()))),
    }
  })
}

describe('cannonade compare of two unchanged runs', () => {
  it(`passes every one of ${SEEDS} seeded pairs and claims no improvement`, async () => {
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const codes: number[] = []
    try {
      for (let seed = 0; seed < SEEDS; seed++) {
        const normal = normalSource(`unchanged-pair-${seed}`)
        const a = path.join(dir, `a-${seed}.json`)
        const b = path.join(dir, `b-${seed}.json`)
        await writeResults(a, syntheticResults(run(normal, false), { sha: `a${seed}` }))
        await writeResults(b, syntheticResults(run(normal, seed % 2 === 1), { sha: `b${seed}` }))
        const json = path.join(dir, `c-${seed}.json`)
        codes.push(await compareCommand.run({ json }, [a, b]))
        const comparison = JSON.parse(await readFile(json, 'utf8')) as {
          outcome: string
          counts: { improvements: number; regressions: number }
          entries: { metrics: { gated: boolean; verdict: string }[] }[]
        }
        expect(comparison.counts.regressions, `seed ${seed}`).toBe(0)
        const gated = comparison.entries.flatMap((e) => e.metrics.filter((m) => m.gated))
        expect(
          gated.filter((m) => m.verdict === 'improvement'),
          `seed ${seed}`,
        ).toEqual([])
        expect(comparison.outcome, `seed ${seed}`).not.toBe('fail')
      }
    } finally {
      quiet.mockRestore()
    }
    expect(codes).toEqual(Array.from({ length: SEEDS }, () => EXIT.ok))
  })
})
