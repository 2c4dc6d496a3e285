// test-kind: process — refusals (exit 2), exit codes and how a round ends: with a 5 ms timeout
// against a 20 ms route, a busy CPU only makes more requests time out; no assertion reads a rate or latency.
//
// Limits and hostile input, end to end against the bundle: what the config refuses (exit 2), what a
// sub-second timeout and a catastrophic body pattern do in a real round, and how a failing or absent
// server is reported.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseResults } from '../src/results/io.js'
import { cli } from './helpers/run-node.js'
import { freePort } from './helpers/ports.js'

let dir = ''
const demo = path.resolve('__fixtures__/demo')

// A one-route app: every request gets `status` and `body`.
const FIXED_APP = `import http from 'node:http'
const body = process.env.BODY_CHAR.repeat(Number(process.env.BODY_LENGTH)) + process.env.BODY_END
http.createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : Number(process.env.STATUS), { 'content-length': Buffer.byteLength(body) })
  res.end(body)
}).listen(Number(process.env.PORT), '127.0.0.1')
`

// The same over TLS, with the self-signed certificate of __fixtures__/tls.
const TLS_APP = `import https from 'node:https'
import { readFileSync } from 'node:fs'
const tls = ${JSON.stringify(path.resolve('__fixtures__/tls'))}
https.createServer({ key: readFileSync(tls + '/key.pem'), cert: readFileSync(tls + '/cert.pem') }, (req, res) => res.end('{"ok":true}'))
  .listen(Number(process.env.PORT), '127.0.0.1')
`

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-limits-'))
  await writeFile(path.join(dir, 'fixed.mjs'), FIXED_APP)
  await writeFile(path.join(dir, 'tls.mjs'), TLS_APP)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function config(name: string, lines: readonly string[]): Promise<string> {
  const file = path.join(dir, name)
  await writeFile(file, `${lines.join('\n')}\n`)
  return file
}

async function demoApp(port: number): Promise<string[]> {
  return [
    'app:',
    '  command: node server.mjs',
    `  cwd: ${JSON.stringify(demo)}`,
    `  env: { PORT: "${port}" }`,
    `  ready: http://127.0.0.1:${port}/health`,
  ]
}

function fixedApp(port: number, env: string): string[] {
  return [
    'app:',
    '  command: node fixed.mjs',
    `  cwd: ${JSON.stringify(dir)}`,
    `  env: { PORT: "${port}", ${env} }`,
    `  ready: http://127.0.0.1:${port}/health`,
  ]
}

// Each case only validates (no app, no load): they run side by side, each with a file of its own.
describe.concurrent('limits in the config', () => {
  it.each([
    ['connections: 1000000000', 'scenarios[0].connections: must be an integer from 1 to 10000'],
    ['rate: 5000000', 'scenarios[0].rate: must be a number above 0 and at most 1000000'],
    ['pipelining: 500', 'scenarios[0].pipelining: must be an integer from 1 to 100'],
    ['amount: 99999999999', 'scenarios[0].amount: must be an integer from 1 to 10000000'],
    ['duration: 40000m', 'scenarios[0].duration: must be at most 60m, got "40000m"'],
    ['timeout: 1000m', 'scenarios[0].timeout: must be at most 10m, got "1000m"'],
    ['expect: { body: { matches: "(a)\\\\1" } }', 'scenarios[0].expect.body.matches: must be a regular expression in RE2 syntax'],
  ])('refuses %s with exit 2, naming file, line and field', async (field, message) => {
    const file = await config(`limit-${field.split(':')[0] ?? ''}.yml`, [
      'baseUrl: http://127.0.0.1:1',
      'scenarios:',
      '  - name: a',
      '    path: /',
      `    ${field}`,
    ])
    const result = await cli(['validate', '--config', file])
    expect(result.stderr).toContain(`${file}:5:`)
    expect(result.stderr).toContain(message)
    expect(result.code).toBe(2)
  })

  it('refuses --duration beyond one hour', async () => {
    const file = await config('flag.yml', ['baseUrl: http://127.0.0.1:1', 'scenarios: [{ name: a, path: / }]'])
    const result = await cli(['run', '--config', file, '--duration', '40000m'])
    expect(result.stderr).toContain('--duration: must be a duration like 500ms, 5s or 1m, at most 60m, got "40000m"')
    expect(result.code).toBe(2)
  })

  it('refuses --rounds beyond the config’s limit of 50, as the action input does', async () => {
    const file = await config('rounds.yml', ['baseUrl: http://127.0.0.1:1', 'scenarios: [{ name: a, path: / }]'])
    const result = await cli(['run', '--config', file, '--rounds', '51'])
    expect(result.stderr).toContain('--rounds: must be an integer from 1 to 50, got "51"')
    expect(result.code).toBe(2)
  })

  it('refuses an --out directory it cannot write before measuring', async () => {
    const file = await config('out.yml', ['baseUrl: http://127.0.0.1:1', 'scenarios: [{ name: a, path: / }]'])
    const result = await cli(['run', '--config', file, '--out', path.join(file, 'results')])
    expect(result.stderr).toContain(`--out: cannot write results to ${path.join(file, 'results')}: `)
    expect(result.code).toBe(2)
  })

  it('refuses a YAML alias bomb as bad input (exit 2), naming the file', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]']
    for (const [i, name] of [...'bcdefghij'].entries())
      lines.push(
        `${name}: &${name} [${Array(9)
          .fill(`*${'abcdefghij'[i] ?? 'a'}`)
          .join(', ')}]`,
      )
    const file = await config('bomb.yml', [...lines, 'baseUrl: http://127.0.0.1:1', 'scenarios: [{ name: a, path: / }]'])
    const result = await cli(['validate', '--config', file])
    expect(result.stderr).toContain(`${file}: YAML aliases (*name) expand to more than 100 copies`)
    expect(result.code).toBe(2)
  })

  it('accepts sweeps in defaults and says so in the plan', async () => {
    const file = await config('sweep.yml', [
      'baseUrl: http://127.0.0.1:1',
      'defaults: { connections: [1, 10, 50, 100] }',
      'scenarios: [{ name: a, path: / }]',
    ])
    const result = await cli(['validate', '--config', file])
    expect(result.stdout).toContain('a: GET /; 1 conn, 10 conn, 50 conn, 100 conn;')
    expect(result.code).toBe(0)
  })

  it('warns, without refusing, when the ready port is not the measured port', async () => {
    const file = await config('ports.yml', [
      ...(await demoApp(3000)),
      'baseUrl: http://127.0.0.1:3001',
      'scenarios: [{ name: a, path: / }]',
    ])
    const result = await cli(['validate', '--config', file])
    expect(result.stderr).toContain(`warning: ${file}:6:10: baseUrl: is on port 3001 but app.ready is on port 3000`)
    expect(result.code).toBe(0)
  })
})

// One 300 ms round after a 100 ms warm-up and no warm-up pass, instead of --quick's 1 s round (+250 ms):
// what these cases check is how a round ends, not what it measures. The cases that stop before any
// round keep --quick.
const SHORT = ['--rounds', '1', '--duration', '300ms'] as const

describe('rounds at the limits', () => {
  it('measures a 500ms timeout, and a 5ms timeout really times requests out', async () => {
    const port = await freePort()
    const file = await config('timeout.yml', [
      ...(await demoApp(port)),
      `baseUrl: http://127.0.0.1:${port}`,
      'warmupSuite: false',
      'defaults: { connections: 2, warmup: 100ms }',
      'scenarios:',
      '  - { name: users, path: /users, timeout: 500ms }',
      '  - { name: delayed, path: /delay, timeout: 5ms }',
    ])
    const out = path.join(dir, 'timeout')
    const result = await cli(['run', '--config', file, '--out', out, ...SHORT])
    const results = parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')
    const [users, delayed] = results.entries
    expect(users?.validRounds).toBe(1)
    expect(users?.rounds[0]?.timeouts).toBe(0)
    // /delay answers after 20 ms: with the timeout rounded up to autocannon's 1 s minimum, none would
    // time out, so timeouts at all show the 5 ms held. How many depends on how late a busy machine fires
    // the timers: at load 12, 6 requests timed out and 11 answered in time.
    const timedOut = delayed?.rounds[0]?.timeouts ?? 0
    expect(timedOut).toBeGreaterThan(0)
    expect(delayed?.validRounds).toBe(0)
    expect(result.stdout).toContain('delayed @ 2 conn: no valid round (')
    // Requests that time out are slower than allowed: 1, not an app that cannot be measured.
    expect(result.code).toBe(1)
  })

  it('matches a catastrophic body pattern in linear time instead of hanging the round', async () => {
    const port = await freePort()
    const file = await config('redos.yml', [
      ...fixedApp(port, 'STATUS: "200", BODY_CHAR: "a", BODY_LENGTH: "5000", BODY_END: "!"'),
      `baseUrl: http://127.0.0.1:${port}`,
      'warmupSuite: false',
      'defaults: { connections: 1, warmup: 100ms }',
      'scenarios:',
      '  - { name: bomb, path: /, expect: { body: { matches: "(a+)+$" } } }',
      '  - { name: fine, path: /, expect: { body: { matches: "a{100}" } } }',
    ])
    const out = path.join(dir, 'redos')
    const result = await cli(['run', '--config', file, '--out', out, ...SHORT], { timeoutMs: 30_000 })
    const results = parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')
    const [bomb, fine] = results.entries
    expect(bomb?.rounds[0]?.bodyMismatches).toBeGreaterThan(0)
    expect(fine?.validRounds).toBe(1)
    expect(result.stdout).toContain('bomb @ 1 conn: no valid round (every response had the expected status but not the expected body)')
    // Wrong answers are not "slower" (1): the app could not be measured.
    expect(result.code).toBe(3)
  })

  it('says an app that answers 500 to everything is failing, not slow', async () => {
    const port = await freePort()
    const file = await config('500.yml', [
      ...fixedApp(port, 'STATUS: "500", BODY_CHAR: "x", BODY_LENGTH: "10", BODY_END: ""'),
      `baseUrl: http://127.0.0.1:${port}`,
      'warmupSuite: false',
      'defaults: { connections: 1, warmup: 100ms }',
      'scenarios: [{ name: broken, path: /api }]',
    ])
    const result = await cli(['run', '--config', file, '--out', path.join(dir, '500'), ...SHORT])
    expect(result.stdout).toContain(
      'broken @ 1 conn: no valid round (every response was HTTP 500: the app answered, with errors — it is failing, not slow)',
    )
    // The README keeps 1 for "slower": an app failing every request cannot be measured, 3 (it exited 1).
    expect(result.code).toBe(3)
  })

  it('waits for an https ready URL over TLS and measures the app', async () => {
    const port = await freePort()
    const file = await config('tls.yml', [
      'app:',
      '  command: node tls.mjs',
      `  cwd: ${JSON.stringify(dir)}`,
      `  env: { PORT: "${port}" }`,
      `  ready: https://127.0.0.1:${port}/health`,
      '  readyTimeout: 30s',
      `baseUrl: https://127.0.0.1:${port}`,
      'warmupSuite: false',
      'defaults: { connections: 1, warmup: 100ms }',
      'scenarios: [{ name: secure, path: / }]',
    ])
    const result = await cli(['run', '--config', file, '--out', path.join(dir, 'tls'), ...SHORT])
    expect(result.stderr).toContain('app ready after')
    expect(result.stdout).toMatch(/\| secure +\| +1 conn \|/)
    expect(result.code).toBe(0)
  })

  it('refuses scenario names with control and bidi characters, printing none of them', async () => {
    const port = await freePort()
    const file = await config('names.yml', [
      ...(await demoApp(port)),
      `baseUrl: http://127.0.0.1:${port}`,
      'defaults: { connections: 1 }',
      'scenarios: [{ name: "users\\e[2J\\e]0;pwned\\a\\u202Egnp.exe", path: /users, thresholds: { p50: { max: 0.001ms } } }]',
    ])
    const result = await cli(['run', '--config', file, '--out', path.join(dir, 'names'), '--quick'])
    expect(result.code).toBe(2)
    const printed = result.stdout + result.stderr
    expect(printed).toMatch(/names\.yml:\d+:\d+: scenarios\[0\]\.name: must be printable text .*got U\+001B, U\+0007, U\+202E in it/)
    // eslint-disable-next-line no-control-regex -- the test looks for control characters that reached the terminal
    expect(printed).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/)
  })

  it('exits 3 before any round when the app is ready on another port than baseUrl, saying so', async () => {
    const port = await freePort()
    const other = await freePort()
    const file = await config('mismatch.yml', [
      ...(await demoApp(port)),
      `baseUrl: http://127.0.0.1:${other}`,
      'scenarios: [{ name: a, path: / }]',
    ])
    const result = await cli(['run', '--config', file, '--out', path.join(dir, 'mismatch'), '--quick'])
    expect(result.stderr).toContain(`warning: ${file}:6:10: baseUrl: is on port ${other} but app.ready is on port ${port}`)
    expect(result.stderr).toContain(
      `nothing answers at http://127.0.0.1:${other} (connection refused): the app is ready at http://127.0.0.1:${port}/health, but the scenarios go to baseUrl`,
    )
    expect(result.stderr).not.toContain('round 1/1')
    expect(result.code).toBe(3)
  })

  it('exits 3 before any round when an external baseUrl does not answer', async () => {
    const port = await freePort()
    const file = await config('down.yml', [`baseUrl: http://127.0.0.1:${port}`, 'scenarios: [{ name: a, path: / }, { name: b, path: /b }]'])
    const out = path.join(dir, 'down')
    const result = await cli(['run', '--config', file, '--out', out, '--quick'])
    expect(result.stderr).toContain(`nothing answers at http://127.0.0.1:${port} (connection refused)`)
    expect(result.stderr).not.toContain('round 1/1')
    expect(result.code).toBe(3)
    const results = parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')
    expect(results.status).toBe('incomplete')
    expect(results.entries).toEqual([])
  })
})
