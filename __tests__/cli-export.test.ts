// test-kind: process — the exports of runs whose thresholds (p99 under 1 µs) fail whatever was
// measured, and refusals: file contents and exit codes, no measured value.
//
// `--export` from the committed bundle: a failing run still writes its JUnit, BMF and
// github-action-benchmark files, and the JUnit file is valid against the JUnit schema.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { syntheticResults, type SyntheticEntry } from '../__fixtures__/results/build.js'
import { cli } from './helpers/run-node.js'
import { junitSchemaErrors } from './helpers/junit-schema.js'
import { freePort } from './helpers/ports.js'
import { scratchDir } from './helpers/scratch.js'

const dir = scratchDir('export')

describe('cannonade run --export', () => {
  it('writes every export of a run whose threshold fails, the JUnit file valid with the failure in it', async () => {
    const port = await freePort()
    const config = path.join(dir(), 'fail.yml')
    await writeFile(
      config,
      [
        'app:',
        '  command: node server.mjs',
        `  cwd: ${JSON.stringify(path.resolve('__fixtures__/demo'))}`,
        `  env: { PORT: "${port}" }`,
        `  ready: http://127.0.0.1:${port}/health`,
        `baseUrl: http://127.0.0.1:${port}`,
        'defaults: { connections: 2 }',
        'scenarios:',
        // No server answers within a microsecond: the p99 limit fails for sure, the rps minimum holds.
        '  - { name: users, path: /users, thresholds: { p99: { max: 0.001ms }, rps: { min: 1 } } }',
      ].join('\n'),
    )
    const out = path.join(dir(), 'out')
    const result = await cli([
      'run',
      '--config',
      config,
      '--out',
      out,
      '--quick',
      '--export',
      `junit=${path.join(dir(), 'reports/perf.xml')}`,
      '--export',
      `bmf=${path.join(dir(), 'bencher.json')}`,
      '--export',
      `gab=${path.join(dir(), 'bench.json')}`,
    ])
    expect(result.code, result.stderr).toBe(1)
    expect(result.stdout).toMatch(/exports: .*perf\.xml, .*bencher\.json, .*bench\.json, .*bench-bigger\.json/)
    const xml = await readFile(path.join(dir(), 'reports/perf.xml'), 'utf8')
    expect(await junitSchemaErrors(xml)).toEqual([])
    expect(xml).toMatch(/<testsuite name="users @ 2 conn" tests="2" failures="1" errors="0" skipped="0"/)
    expect(xml).toMatch(
      /name="latency p99 at most 0\.001 ms \(threshold, fail\)" time="0">\n {6}<failure type="fail" message="users @ 2 conn: p99 /,
    )
    expect(xml).toMatch(/name="throughput \(req\/s\) at least 1\.0 req\/s \(threshold, fail\)" time="0"\/>/)
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as {
      entries: { rps: number; latencyUs: { p50: number } }[]
    }
    const [entry] = results.entries
    const bmf = JSON.parse(await readFile(path.join(dir(), 'bencher.json'), 'utf8')) as Record<string, Record<string, { value: number }>>
    expect(bmf['users @ 2 conn']?.['throughput']?.value).toBe(entry?.rps)
    expect(bmf['users @ 2 conn']?.['latency']?.value).toBe((entry?.latencyUs.p50 ?? NaN) * 1000)
    const bigger = JSON.parse(await readFile(path.join(dir(), 'bench-bigger.json'), 'utf8')) as { name: string; value: number }[]
    expect(bigger).toEqual([{ name: 'users @ 2 conn: throughput', unit: 'req/s', value: entry?.rps, extra: '1 valid round of 1' }])
  })

  it('refuses a bad --export before measuring, with exit code 2', async () => {
    const result = await cli(['run', '--config', 'nowhere.yml', '--export', 'xml=perf.xml'], { cwd: dir() })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      '--export: expected FORMAT=FILE with FORMAT one of junit, bmf, gab (e.g. junit=perf.xml), got "xml=perf.xml"',
    )
  })
})

describe('cannonade compare --export', () => {
  it('writes a valid JUnit file with the regressions as failures, and exits 1', async () => {
    const users: SyntheticEntry = { scenario: 'list users', rps: [9000, 9050, 8980, 9020, 8990], p50Us: [100, 101, 99, 100, 100] }
    const slower: SyntheticEntry = { ...users, rps: users.rps.map((v) => v / 3), p50Us: users.p50Us.map((v) => v * 3) }
    await writeFile(path.join(dir(), 'base.json'), JSON.stringify(syntheticResults([users], { sha: 'base' })))
    await writeFile(path.join(dir(), 'slow.json'), JSON.stringify(syntheticResults([slower], { sha: 'slow' })))
    const result = await cli(['compare', 'base.json', 'slow.json', '--export', 'junit=compare.xml'], { cwd: dir() })
    expect(result.code).toBe(1)
    const xml = await readFile(path.join(dir(), 'compare.xml'), 'utf8')
    expect(await junitSchemaErrors(xml)).toEqual([])
    expect(xml).toMatch(/<testsuite name="list users @ 10 conn" tests="3" failures="3"/)
  })
})
