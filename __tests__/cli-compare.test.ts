// test-kind: process — compares and merges results files written to disk; nothing is measured.
//
// `cannonade compare` from the committed bundle, on results files written to disk.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheticResults, type SyntheticEntry } from '../__fixtures__/results/build.js'
import { normalSource } from '../__fixtures__/random.js'
import { cli } from './helpers/run-node.js'

const search: SyntheticEntry = { scenario: 'search', rps: [5000, 5050, 4980, 5020, 4990], p50Us: [1000, 1010, 995, 1005, 990] }
const users: SyntheticEntry = { scenario: 'list users', rps: [9000, 9050, 8980, 9020, 8990], p50Us: [100, 101, 99, 100, 100] }

const DRIFT_SEEDS = 8
let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-compare-'))
  const write = (name: string, data: unknown): Promise<void> => writeFile(path.join(dir, name), JSON.stringify(data))
  await write('base.json', syntheticResults([users, search], { sha: 'base' }))
  await write('same.json', syntheticResults([users, search], { sha: 'same' }))
  // Three times slower: separate runs are judged with the drift between them (±39 % assumed).
  const slower = { ...search, rps: search.rps.map((v) => v / 3), p50Us: search.p50Us.map((v) => v * 3) }
  await write('slow.json', syntheticResults([users, slower], { sha: 'slow' }))
  await write('v2.json', { ...syntheticResults([users]), schemaVersion: 2 })
  await write('other-suite.json', syntheticResults([users], { suite: 'api' }))
  // Unchanged code measured in separate runs: each run shifted by its own machine factor (σ = 0.117 on
  // the log scale, the drift this project measured between runs minutes apart), rounds at 3 % CV.
  for (let seed = 0; seed < DRIFT_SEEDS; seed++) {
    const normal = normalSource(`compare-drift-${seed}`)
    const run = (sha: string): unknown => {
      const factor = Math.exp(0.117 * normal())
      const entry = (e: SyntheticEntry): SyntheticEntry => ({
        ...e,
        rps: e.rps.map((v) => (v / factor) * Math.exp(0.03 * normal())),
        p50Us: e.p50Us.map((v) => Math.round(v * factor * Math.exp(0.03 * normal()))),
      })
      return syntheticResults([entry(users), entry(search)], { sha })
    }
    await write(`drift-base-${seed}.json`, run('base'))
    await write(`drift-head-${seed}.json`, run('head'))
  }
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

// Nothing here measures: every case compares or merges files on disk, so the cases (and the seeds)
// run side by side, each writing where no other reads.
describe('cannonade compare', { concurrent: true }, () => {
  it('passes two runs with no change', async () => {
    const result = await cli(['compare', 'base.json', 'same.json'], { cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^PASS/)
  })

  it('passes two unchanged runs measured apart, across seeds: the drift between runs is part of the rule', async () => {
    const seeds = Array.from({ length: DRIFT_SEEDS }, (_, seed) => seed)
    const results = await Promise.all(
      seeds.map((seed) => cli(['compare', `drift-base-${seed}.json`, `drift-head-${seed}.json`], { cwd: dir })),
    )
    for (const [seed, result] of results.entries()) {
      expect(result.code, `seed ${seed}: ${result.stdout}`).toBe(0)
      expect(result.stdout).not.toMatch(/\| (regression|improvement) +\|/)
      expect(result.stdout).toMatch(/^PASS/)
      expect(result.stdout).toMatch(/run-to-run ±\d+(\.\d)? % \(assumed\)/)
    }
  }, 120_000)

  it('fails a slowed route, names it, and writes the markdown and JSON reports', async () => {
    const result = await cli(['compare', 'base.json', 'slow.json', '--markdown', 'out/report.md', '--json', 'out/comparison.json'], {
      cwd: dir,
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^FAIL/)
    expect(result.stdout).toMatch(/search .*regression/)
    expect(result.stdout).not.toMatch(/list users .*regression/)
    const markdown = await readFile(path.join(dir, 'out/report.md'), 'utf8')
    expect(markdown).toContain('search')
    expect(markdown).toContain('❌')
    const comparison = JSON.parse(await readFile(path.join(dir, 'out/comparison.json'), 'utf8')) as { outcome: string }
    expect(comparison.outcome).toBe('fail')
  })

  it('exits 2 on a wrong schema version, another suite, a missing file or a wrong argument count', async () => {
    const version = await cli(['compare', 'base.json', 'v2.json'], { cwd: dir })
    expect(version.code).toBe(2)
    expect(version.stderr).toContain('v2.json: schemaVersion 2 is not supported')
    const suite = await cli(['compare', 'base.json', 'other-suite.json'], { cwd: dir })
    expect(suite.stderr).toContain('is suite "api"')
    expect((await cli(['compare', 'base.json', 'missing.json'], { cwd: dir })).code).toBe(2)
    expect((await cli(['compare', 'base.json'], { cwd: dir })).code).toBe(2)
  })
})

describe('cannonade merge', { concurrent: true }, () => {
  it('merges shard results into one file and prints the table', async () => {
    await writeFile(path.join(dir, 'shard-1.json'), JSON.stringify(syntheticResults([users])))
    await writeFile(path.join(dir, 'shard-2.json'), JSON.stringify(syntheticResults([search])))
    const result = await cli(['merge', 'shard-1.json', 'shard-2.json', '--out', 'merged/results.json'], { cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('merged 2 file(s), 2 entries')
    const merged = JSON.parse(await readFile(path.join(dir, 'merged/results.json'), 'utf8')) as { entries: { key: string }[] }
    expect(merged.entries.map((e) => e.key)).toEqual(['list users @ 10 conn', 'search @ 10 conn'])
  })

  it('exits 2 when the files are of different suites', async () => {
    const result = await cli(['merge', 'base.json', 'other-suite.json'], { cwd: dir })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('is suite "api"')
  })
})
