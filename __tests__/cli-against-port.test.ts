// test-kind: process — which port each side is told and which side cannot start; the comparison
// may pass or fail (exit 0 or 1).
//
// `run --against` with the port written into app.command: as `{port}` both sides start, each on its
// own port; as a number the base commit cannot start beside the head, and the config warning says
// which field to change. The committed bundle, on a real temporary git repository.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseResults } from '../src/results/io.js'
import { createDemoRepo, gitIn } from '../__fixtures__/demo-repo.js'
import { cli } from './helpers/run-node.js'
import { freePort } from './helpers/ports.js'

// The demo app reads PORT; this starter takes the port from --port, as many servers do.
const START = "const at = process.argv.indexOf('--port'); process.env.PORT = process.argv[at + 1]; await import('./server.mjs')\n"

function config(port: number, portWord: string, readyTimeout = '30s'): string {
  return [
    'suite: against-port',
    // Spent before the configured rounds end: two pairs, no extra ones (what is tested is that both start).
    'budget: 1ms',
    `app: { command: "exec node start.mjs --port ${portWord}", build: "true", cwd: app, ready: "http://127.0.0.1:${port}/health", readyTimeout: ${readyTimeout} }`,
    `baseUrl: http://127.0.0.1:${port}`,
    'defaults: { duration: 300ms, warmup: 100ms, rounds: 2, connections: 2 }',
    'scenarios:',
    '  - { name: users, path: /users, thresholds: { regression: { rps: 60% } } }',
  ].join('\n')
}

let dir = ''
let repo = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-against-port-'))
  repo = path.join(dir, 'repo')
  const port = await freePort()
  await createDemoRepo(repo, {
    'app/start.mjs': START,
    'cannonade.yml': config(port, '{port}'),
    // Long enough for the base to be listening (on the wrong port) when the wait ends, on a busy machine:
    // 3 s once was not, with both cores taken by the other test files and a browser being installed.
    'literal.yml': config(port, String(port), '10s'),
  })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('cannonade run --against with the port in app.command', () => {
  it('starts the base beside the head when the command says {port}', async () => {
    const out = path.join(dir, 'out')
    const result = await cli(['run', '--against', 'HEAD~1', '--out', out], { cwd: repo })
    expect([0, 1], result.stdout + result.stderr).toContain(result.code)
    expect(result.stderr).not.toContain('app.command')
    const head = parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')
    const base = parseResults(JSON.parse(await readFile(path.join(out, 'base-results.json'), 'utf8')), 'base-results.json')
    // Both sides measured the scenario, every round valid.
    for (const side of [head, base]) {
      expect(side.entries.map((e) => e.key)).toEqual(['users @ 2 conn'])
      expect(side.entries[0]?.validRounds).toBeGreaterThanOrEqual(2)
    }
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('warns, naming the file and field, when the port is written as a number, and the base then cannot start', async () => {
    const result = await cli(['run', '--config', 'literal.yml', '--against', 'HEAD~1', '--out', path.join(dir, 'literal')], { cwd: repo })
    expect(result.stderr).toMatch(/literal\.yml:3:\d+: app\.command: has baseUrl's port \d+ written in it: .* Write \{port\} instead/)
    // The base, started first, takes the head's port and is awaited on its own: the readiness
    // timeout says where it listens instead (it used to say only "connect ECONNREFUSED").
    expect(result.code, result.stdout + result.stderr).toBe(3)
    expect(result.stderr).toMatch(
      /the app was not ready at http:\/\/127\.0\.0\.1:(\d+)\/health within 10s \(.*\): it listens on 127\.0\.0\.1:(\d+), not on 127\.0\.0\.1:\1\. Write \{port\}/,
    )
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(1)
  })
})
