// Values carried between steps, against a real app on 127.0.0.1: log in, capture the token, use it.
// The app refuses /me without the token a login gave, so a flow that did not carry it cannot pass.
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parsePlan } from '../../src/config/load.js'
import type { ScenarioPlan } from '../../src/config/plan.js'
import { assessRound } from '../../src/load/assess.js'
import { runRound } from '../../src/load/round.js'
import { runEntryRound } from '../../src/load/threads.js'

interface Seen {
  logins: string[]
  meOk: number
  meRefused: number
  items: string[]
}

let server: Server
let baseUrl = ''
let dir = ''
let seen: Seen

function startApp(): Promise<void> {
  const tokens = new Map<string, string>()
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      if (req.method === 'POST' && url.pathname === '/login') {
        const { user, password } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { user?: string; password?: string }
        if (user === undefined || password !== `pw-${user}`) {
          res.writeHead(403).end()
          return
        }
        seen.logins.push(user)
        const token = randomUUID()
        tokens.set(token, user)
        res.writeHead(200, { 'content-type': 'application/json', 'x-token': token }).end(JSON.stringify({ token, user }))
        return
      }
      if (req.method === 'GET' && url.pathname === '/me') {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
        const user = token === undefined ? undefined : tokens.get(token)
        if (user === undefined) {
          seen.meRefused++
          res.writeHead(401).end('no token')
          return
        }
        seen.meOk++
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ user }))
        return
      }
      if (url.pathname.startsWith('/items/')) {
        seen.items.push(`${url.pathname.slice('/items/'.length)} ${url.searchParams.get('n') ?? ''} ${url.searchParams.get('id') ?? ''}`)
        res.writeHead(200).end('ok')
        return
      }
      res.writeHead(404).end()
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
}

beforeAll(async () => {
  await startApp()
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-flow-'))
  await writeFile(path.join(dir, 'users.csv'), 'user,password\nann,pw-ann\nbob,pw-bob\n"cy, jr","pw-cy, jr"\nted,pw-ted\n')
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await rm(dir, { recursive: true, force: true })
})
/** Resolves once no connection of an earlier round is open: a request it still had in flight would count here. */
async function quiet(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const open = await new Promise<number>((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n))))
    if (open === 0) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
beforeEach(async () => {
  await quiet()
  seen = { logins: [], meOk: 0, meRefused: 0, items: [] }
})

/** The one scenario of a config whose scenario body is `body` (indented for the list). */
function scenario(body: string, extra = ''): ScenarioPlan {
  // Half a second: hundreds of requests on loopback, dozens on a busy machine, every data row used.
  const text = `baseUrl: ${baseUrl}\nscenarios:\n  - name: flow\n    duration: 500ms\n    warmup: 0s\n    connections: 2\n${extra}${body}`
  const plan = parsePlan(text, 'flow.yml', dir)
  const [first] = plan.scenarios
  if (first === undefined) throw new Error('one scenario')
  return first
}

const LOGIN_THEN_ME = (capture: string): string => `    data: users.csv
    requests:
      - method: POST
        path: /login
        body: { user: "{{user}}", password: "{{password}}" }
        capture:
${capture}
      - path: /me
        headers: { authorization: "Bearer {{token}}" }
`

describe('a login-then-use flow with a captured token', () => {
  it('runs with no errors when the token is captured from the JSON body', async () => {
    const plan = scenario(LOGIN_THEN_ME('          token: $.token'))
    const level = plan.levels[0] ?? { connections: 2 }
    const m = await runRound({ baseUrl, scenario: plan, level })
    expect(m.ok).toBeGreaterThan(10)
    expect(m.errors + m.unexpectedStatus + m.bodyMismatches).toBe(0)
    expect(m.captureFailures).toBeUndefined()
    expect(seen.meRefused).toBe(0)
    expect(seen.meOk).toBeGreaterThan(5)
    // Every row of the data file logged in, the quoted one with its comma kept.
    expect(new Set(seen.logins)).toEqual(new Set(['ann', 'bob', 'cy, jr', 'ted']))
    const round = assessRound(m, { round: 1, startedAt: '', level, rules: { maxErrorRate: 0.1, minRateReached: 0.9 } })
    expect(round.valid).toBe(true)
    expect(round.errorRate).toBe(0)
  }, 30_000)

  it('carries a header or a regex group the same way', async () => {
    for (const capture of ['          token: { header: X-Token }', '          token: { regex: \'"token":"([0-9a-f-]+)"\' }']) {
      seen = { logins: [], meOk: 0, meRefused: 0, items: [] }
      const plan = scenario(LOGIN_THEN_ME(capture))
      const m = await runRound({ baseUrl, scenario: plan, level: plan.levels[0] ?? { connections: 2 } })
      expect(m.errors + m.unexpectedStatus + (m.captureFailures ?? 0)).toBe(0)
      expect(seen.meOk).toBeGreaterThan(5)
      expect(seen.meRefused).toBe(0)
    }
  }, 60_000)

  it('counts every login as an error, with the reason, when the capture finds nothing', async () => {
    const plan = scenario(LOGIN_THEN_ME('          token: $.tok'))
    const level = plan.levels[0] ?? { connections: 2 }
    const m = await runRound({ baseUrl, scenario: plan, level })
    expect(m.captureFailures).toBeGreaterThan(5)
    expect(m.ok).toBe(0)
    expect(m.captureFailure).toBe('capture "token" ($.tok) found nothing in the response to POST /login')
    // The step that needed the token was never sent with an empty one.
    expect(seen.meOk + seen.meRefused).toBe(0)
    const round = assessRound(m, { round: 1, startedAt: '', level, rules: { maxErrorRate: 0.1, minRateReached: 0.9 } })
    expect(round.valid).toBe(false)
    expect(round.errorRate).toBe(1)
    expect(round.problems.join('\n')).toContain('failed a capture: capture "token" ($.tok) found nothing')
  }, 30_000)

  it('carries values on each of several load threads, the rows shared between them', async () => {
    const plan = scenario(LOGIN_THEN_ME('          token: $.token'), '    threads: 2\n')
    const m = await runEntryRound({ baseUrl, scenario: plan, level: plan.levels[0] ?? { connections: 2 } })
    expect(m.ok).toBeGreaterThan(10)
    expect(m.errors + m.unexpectedStatus + (m.captureFailures ?? 0)).toBe(0)
    expect(seen.meRefused).toBe(0)
    expect(new Set(seen.logins)).toEqual(new Set(['ann', 'bob', 'cy, jr', 'ted']))
  }, 60_000)
})

describe('helpers', () => {
  it('fills $seq, $randomInt and $uuid per request', async () => {
    const plan = scenario(`    path: "/items/{{$seq}}?n={{$randomInt(3,5)}}&id={{$uuid}}"\n`)
    const m = await runRound({ baseUrl, scenario: plan, level: { connections: 1 } })
    expect(m.ok).toBeGreaterThan(10)
    const seqs = seen.items.map((line) => Number(line.split(' ')[0]))
    // One connection: the numbers count up from 1 in the order sent.
    expect(seqs.slice(0, 5)).toEqual([1, 2, 3, 4, 5])
    const ns = new Set(seen.items.map((line) => line.split(' ')[1]))
    expect([...ns].every((n) => ['3', '4', '5'].includes(n ?? ''))).toBe(true)
    expect(ns.size).toBeGreaterThan(1)
    const ids = seen.items.map((line) => line.split(' ')[2])
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.every((id) => /^[0-9a-f-]{36}$/.test(id ?? ''))).toBe(true)
  }, 30_000)
})
