// A login-then-use flow from the committed bundle: the app under test hands out a token at POST /login
// and answers GET /me only with it. Carried by a capture, the run has no errors; with a capture that
// finds nothing it fails with the reason, and a template naming no variable is a config error.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseResults } from '../src/results/io.js'
import { cli } from './helpers/run-node.js'
import { freePort } from './helpers/ports.js'

// The app: plain node, listening on 127.0.0.1 at $PORT.
const APP = `import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'
const tokens = new Set()
createServer((req, res) => {
  let body = ''
  req.on('data', (c) => (body += c))
  req.on('end', () => {
    if (req.url === '/health') return res.end('ok')
    if (req.method === 'POST' && req.url === '/login') {
      const { user, password } = JSON.parse(body || '{}')
      if (password !== 'pw-' + user) return res.writeHead(403).end()
      const token = randomUUID()
      tokens.add(token)
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }))
    }
    if (req.url === '/me') {
      const token = (req.headers.authorization || '').replace(/^Bearer /, '')
      return tokens.has(token) ? res.end('{"me":true}') : res.writeHead(401).end()
    }
    res.writeHead(404).end()
  })
}).listen(Number(process.env.PORT), '127.0.0.1')
`

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-flow-cli-'))
  await writeFile(path.join(dir, 'app.mjs'), APP)
  await writeFile(path.join(dir, 'users.csv'), 'user,password\nann,pw-ann\nbob,pw-bob\n')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function config(name: string, capture: string, use = 'Bearer {{token}}'): Promise<string> {
  const port = await freePort()
  const file = path.join(dir, name)
  await writeFile(
    file,
    `app:
  command: node app.mjs
  env: { PORT: "${port}" }
  ready: http://127.0.0.1:${port}/health
baseUrl: http://127.0.0.1:${port}
warmupSuite: false
scenarios:
  - name: login then me
    connections: 2
    warmup: 100ms
    data: users.csv
    requests:
      - method: POST
        path: /login
        body: { user: "{{user}}", password: "{{password}}" }
        capture: { token: ${capture} }
      - path: /me
        headers: { authorization: "${use}" }
`,
  )
  return file
}

// One 300 ms round instead of --quick's 1 s (+250 ms): every request of it checks the flow.
const SHORT = ['--rounds', '1', '--duration', '300ms'] as const

describe('a login-then-use flow, run by the CLI', () => {
  it('runs with no errors when the token is carried', async () => {
    const out = path.join(dir, 'ok')
    const result = await cli(['run', '--config', await config('ok.yml', '$.token'), '--out', out, ...SHORT])
    expect(result.code, result.stderr).toBe(0)
    const results = parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')
    const [round] = results.entries[0]?.rounds ?? []
    expect(round?.ok).toBeGreaterThan(10)
    expect(round?.errorRate).toBe(0)
    expect(round?.statusCodes).toEqual({ '200': round?.responses })
  })

  it('exits 3 (the app could not be measured), saying which capture found nothing, when the capture is wrong', async () => {
    const out = path.join(dir, 'wrong')
    const result = await cli(['run', '--config', await config('wrong.yml', '$.access_token'), '--out', out, ...SHORT])
    expect(result.code).toBe(3)
    expect(result.stdout).toContain(
      'no valid round (every response failed a capture: capture "token" ($.access_token) found nothing in the response to POST /login)',
    )
    const results = parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')
    const [round] = results.entries[0]?.rounds ?? []
    expect(round?.errorRate).toBe(1)
    expect(round?.problems).toContain(
      'every response failed a capture: capture "token" ($.access_token) found nothing in the response to POST /login',
    )
  })

  it('refuses a template naming no variable, with exit code 2', async () => {
    const file = await config('unknown.yml', '$.token', 'Bearer {{tokn}}')
    const result = await cli(['validate', '--config', file])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      'scenarios[0].requests[1].headers.authorization: {{tokn}} is not a variable: none of the steps before captures it and the data file has no such column (known here: user, password, token)',
    )
  })
})
