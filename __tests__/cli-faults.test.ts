// test-kind: process — a full disk, refusals and a closed terminal: exit codes, messages and files.
//
// Faults around a run, end to end against the bundle: an output folder that fills up, a plan no job
// could finish, a closed terminal (SIGHUP), and hostile values in the config.
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoAppLines } from '../__fixtures__/demo/app-config.js'
import { cli } from './helpers/run-node.js'
import { freePort } from './helpers/ports.js'

let dir = ''

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-faults-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function config(name: string, lines: readonly string[]): Promise<string> {
  const file = path.join(dir, name)
  await writeFile(file, `${lines.join('\n')}\n`)
  return file
}

/** The demo app, one short round of one scenario. */
async function quickDemo(name: string, scenario = '{ name: users, path: /users }'): Promise<string> {
  const port = await freePort()
  return config(name, [
    ...demoAppLines(port),
    'warmupSuite: false',
    'defaults: { duration: 300ms, warmup: 100ms, rounds: 1, connections: 1 }',
    'scenarios:',
    `  - ${scenario}`,
  ])
}

describe('the output folder fails mid-run', () => {
  it('a full disk is the machine, not a bug: exit 3, the file and the reason, no stack, no partial file', async () => {
    const file = await quickDemo('full.yml')
    const out = path.join(dir, 'full-out')
    await mkdir(out)
    // Every write to /dev/full fails with ENOSPC, as a full disk does.
    await symlink('/dev/full', path.join(out, 'results.json.partial'))
    const run = await cli(['run', '--config', file, '--out', out])
    expect(run.stderr).toContain(`cannot write ${path.join(out, 'results.json')}: no space left on the device (ENOSPC)`)
    expect(run.stderr).not.toMatch(/internal error|a bug in Cannonade|\n\s+at /)
    expect(run.code).toBe(3)
    expect(await readdir(out)).not.toContain('results.json.partial')
  })
})

describe('planned time', () => {
  it('validate prints it; a plan no job could finish is refused with exit 2 naming the field', async () => {
    const ok = await quickDemo('planned.yml')
    const validated = await cli(['validate', '--config', ok])
    expect(validated.code).toBe(0)
    // One round of 100 ms warm-up and 300 ms load.
    expect(validated.stdout).toContain('planned time: 0.4 s of load')
    const port = await freePort()
    const huge = await config('huge.yml', [
      ...demoAppLines(port),
      'scenarios:',
      '  - name: search',
      '    path: /users',
      '    rate: 100',
      '    profile: stress',
      '    stress: { start: 1, factor: 1.0001, max: 1000000, step: 60m }',
      '    thresholds: { p99: { max: 50ms } }',
    ])
    const refused = await cli(['validate', '--config', huge])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/huge\.yml:\d+:\d+: scenarios\[0\]\.stress: the suite would measure for [\d,]+ h/)
  })
})

describe('a config with a huge inline body', () => {
  it('is refused at once by size (exit 2), instead of a minute of parsing', async () => {
    const port = await freePort()
    // 60 MB of body in a double-quoted scalar: the YAML parser took 58 s over it on a busy machine.
    const file = await config('huge-body.yml', [
      ...demoAppLines(port),
      'scenarios:',
      `  - { name: upload, method: POST, path: /upload, body: "${'x'.repeat(60 * 1024 * 1024)}" }`,
    ])
    const validated = await cli(['validate', '--config', file])
    expect(validated.code).toBe(2)
    expect(validated.stderr).toMatch(/huge-body\.yml: is 60\.0 MiB, more than a config file may be \(4 MiB\); .*profile: volume/)
  })
})
