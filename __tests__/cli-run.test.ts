// `cannonade run` from the committed bundle, as a user runs it: the table and results.json of a run, and
// a run against a baseline. The cases whose assertions a busy CPU cannot change (exit codes, the log,
// a crash, Ctrl-C) are in cli-run-exits.test.ts, with the parallel files.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatLatencyUs } from '../src/report/numbers.js'
import { entryLatency } from '../src/results/entry-numbers.js'
import { parseResults } from '../src/results/io.js'
import { cli } from './helpers/run-node.js'
import { SHORT, writeRunConfig, type RunConfigExtra } from './helpers/run-config.js'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-run-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const writeConfig = (name: string, extra?: RunConfigExtra): Promise<string> => writeRunConfig(dir, name, extra)

describe('cannonade run', () => {
  it('measures, prints the table with sub-millisecond values and writes valid results', async () => {
    const config = await writeConfig('ok.yml')
    const out = path.join(dir, 'ok')
    const result = await cli(['run', '--config', config, '--out', out, '--quick'])
    expect(result.stderr).toContain('[1/2] users @ 2 conn  round 1/1')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/\| users +\| +2 conn \|/)
    const results = parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')
    // Each row's p50 as measured, to the microsecond: under 1 ms on an idle machine (0.4 ms), over it
    // while the machine is busy (1.024 ms at a full test run's load), so the table is read against
    // the results, and the sub-millisecond form itself is formatLatencyUs's.
    for (const entry of results.entries) {
      expect(result.stdout).toMatch(
        new RegExp(
          `\\| ${entry.scenario} +\\| +2 conn \\| +[\\d,]+ \\| +${formatLatencyUs(entryLatency(entry).p50).replace('.', '\\.')} \\|`,
        ),
      )
    }
    expect(formatLatencyUs(412)).toBe('0.412 ms')
    // A passing run says so in its last line, and no row is marked.
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('✓ pass: 2 entries, no threshold violated')
    expect(result.stdout).not.toMatch(/^\| [✗⚠]/m)
    expect(results.entries.map((e) => e.key)).toEqual(['users @ 2 conn', 'search @ 2 conn'])
    // Each entry records the validity limit its requests are held to as a whole (thresholds.ts).
    expect(results.entries.map((e) => e.maxErrorRate)).toEqual([0.1, 0.1])
    expect(results.status).toBe('complete')
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string }
    expect(results.tool.version).toBe(version)
  })

  it("ends a run against a baseline with the comparison's verdict line", async () => {
    const config = await writeConfig('again.yml')
    const base = path.join(dir, 'again-base')
    expect((await cli(['run', '--config', config, '--out', base, ...SHORT, '--scenario', 'users'])).code).toBe(0)
    const baseline = path.join(base, 'results.json')
    const result = await cli([
      'run',
      '--config',
      config,
      '--out',
      path.join(dir, 'again-head'),
      ...SHORT,
      '--scenario',
      'users',
      '--baseline',
      baseline,
    ])
    expect(result.code).toBe(0)
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^✓ pass: no regressions — .*inconclusive/)
  })
})
