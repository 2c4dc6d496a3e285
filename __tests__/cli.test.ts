// test-kind: process — validate and help: exit codes and what is printed; nothing is measured.
//
// The CLI as users run it: the committed bundle, a child process, exit codes and what it prints.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli } from './helpers/run-node.js'

describe('cannonade validate', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-cli-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('prints ok and the plan for the documented example', async () => {
    const result = await cli(['validate', '--config', '__fixtures__/configs/example.yml'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^ok\n/)
    expect(result.stdout).toContain('list users: GET /users; 1 conn, 10 conn, 50 conn; 5 x 5s (+1s warm-up)')
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
    const file = path.join(dir, 'cannonade.yml')
    await writeFile(file, `baseUrl: http://127.0.0.1:3000\n${body}\n`)
    const result = await cli(['validate'], { cwd: dir })
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
