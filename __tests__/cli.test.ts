// test-kind: process — validate and help: exit codes and what is printed; nothing is measured.
//
// The CLI as users run it: the committed bundle, a child process, exit codes and what it prints.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { demoAppLines } from '../__fixtures__/demo/app-config.js'
import { cli } from './helpers/run-node.js'
import { freePort } from './helpers/ports.js'
import { scratchDir } from './helpers/scratch.js'

// One scratch folder for the config files the cases write.
const dir = scratchDir('cli')

describe('cannonade validate', () => {
  it('prints ok and the plan for the documented example', async () => {
    const result = await cli(['validate', '--config', '__fixtures__/configs/example.yml'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^ok\n/)
    expect(result.stdout).toContain('list users: GET /users; 1 conn, 10 conn, 50 conn; 5 x 2.5s (+1s warm-up)')
    expect(result.stdout).toContain('create user: POST /users; 200 req/s')
  })

  it.each([
    ['a wrong type', 'scenarios:\n  - { name: a, path: /, rate: fast }', 'scenarios[0].rate: must be a number above 0 and at most 1000000'],
    [
      'an unknown key',
      'scenarios:\n  - { name: a, path: /, conections: 2 }',
      'scenarios[0].conections: unknown field; did you mean "connections"?',
    ],
    ['a negative duration', 'scenarios:\n  - { name: a, path: /, duration: -1s }', 'scenarios[0].duration: must be a duration'],
    ['an empty scenario list', 'scenarios: []', 'scenarios: must be a non-empty list of scenarios'],
    ['broken YAML', 'scenarios:\n  - { name: a, path: /\n', 'invalid YAML'],
  ])('exits 2 and names the field for %s', async (_, body, message) => {
    const file = path.join(dir(), 'cannonade.yml')
    await writeFile(file, `baseUrl: http://127.0.0.1:3000\n${body}\n`)
    const result = await cli(['validate'], { cwd: dir() })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`cannonade.yml:`)
    expect(result.stderr).toContain(message)
  })

  it('exits 2 on an unknown command or flag', async () => {
    expect((await cli(['explode'])).code).toBe(2)
    const result = await cli(['validate', '--confg', 'x'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Unknown option '--confg'")
  })
})

describe('cannonade help', () => {
  it.each([[['help', 'run']], [['run', '--help']], [['run', '-h']]])("prints the command's own options for %j", async (args) => {
    const result = await cli(args)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Usage: cannonade run \[options\]/)
    expect(result.stdout).toContain('--baseline FILE')
  })

  it('prints the command list for a bare help, and exits 2 for help on an unknown command', async () => {
    const top = await cli(['help'])
    expect(top.code).toBe(0)
    expect(top.stdout).toMatch(/^Usage: cannonade <command>/)
    const unknown = await cli(['help', 'explode'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown command "explode"')
  })
})

// The settings of the load profiles, refused before anything starts: these cases were in
// cli-stress.test.ts and cli-profiles.test.ts, whose other cases measure and run alone (load project).
describe('profile settings', () => {
  it('refuses bad stress settings with file:line:column, the field and what was expected, exit 2', async () => {
    const config = path.join(dir(), 'bad.yml')
    await writeFile(
      config,
      'baseUrl: http://127.0.0.1:9\nscenarios:\n  - name: a\n    path: /\n    profile: stress\n    rate: 100\n    stress: { start: 500, max: 200, factor: 0.5 }\n',
    )
    for (const command of ['validate', 'run']) {
      const result = await cli([command, '--config', config, ...(command === 'run' ? ['--out', path.join(dir(), 'bad-out')] : [])])
      expect(result.code, result.stderr).toBe(2)
      expect(result.stderr).toContain(`${config}:7:45: scenarios[0].stress.factor: must be a number above 1 and at most 10, got 0.5`)
    }
    await writeFile(
      config,
      'baseUrl: http://127.0.0.1:9\nscenarios:\n  - name: a\n    path: /\n    profile: stress\n    rate: 100\n    stress: { start: 500, max: 200 }\n',
    )
    const result = await cli(['validate', '--config', config])
    expect(result.code, result.stderr).toBe(2)
    expect(result.stderr).toContain(`${config}:7:32: scenarios[0].stress.max: max (200 req/s) must be above start (500 req/s)`)
  })

  it('exits 2 naming file, line and column for bad spike and volume settings', async () => {
    // The demo app's lines first, as a config that could run: the lines counted below follow them.
    const config = path.join(dir(), 'bad-profiles.yml')
    await writeFile(
      config,
      [
        ...demoAppLines(await freePort()),
        'warmupSuite: false',
        'scenarios:',
        '  - name: queue',
        '    path: /queue',
        '    profile: spike',
        '    spike: { multiple: 0.5 }',
        '  - { name: short, path: /queue, profile: spike, spike: { before: 0s } }',
        '  - { name: blob, path: /blob, bodySize: 1KB }',
        '',
      ].join('\n'),
    )
    const result = await cli(['validate', '--config', config])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`${config}:12:24: scenarios[0].spike.multiple: must be a number above 1 and at most 1000, got 0.5`)
    // Once the shapes are right, what the shapes cannot say: a phase of no time, a setting of another profile.
    const fixed = (await readFile(config, 'utf8')).replace('multiple: 0.5', 'multiple: 2')
    await writeFile(config, fixed)
    const second = await cli(['validate', '--config', config])
    expect(second.code).toBe(2)
    expect(second.stderr).toContain(`${config}:13:67: scenarios[1].spike.before: must be more than 0 and at most 20m, got "0s"`)
    expect(second.stderr).toContain(`${config}:14:42: scenarios[2].bodySize: only applies with profile: volume`)
  })
})
