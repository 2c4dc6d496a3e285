// test-kind: process — which port an app is told and where it listens; nothing is measured.
//
// The port an app is told: `{port}` in its command and env values and PORT, filled with the side's
// port, so a base commit can start beside the head; and, when an app never gets ready, where it
// listens instead.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hexAddress, listeningIn } from '../../src/app/listening.js'
import { startApp, waitUntilReady } from '../../src/app/process.js'
import type { AppPlan } from '../../src/config/plan.js'
import { AppError } from '../../src/errors.js'
import { freePort } from '../helpers/ports.js'

// Listens on the port given as its first argument and answers with what it was told; 503 for as many
// milliseconds after it started as the second says.
const SERVER = `
import http from 'node:http'
const started = Date.now()
const late = Number(process.argv[3] ?? 0)
http.createServer((req, res) => {
  if (Date.now() - started < late) { res.statusCode = 503; res.end(); return }
  res.end(JSON.stringify({ arg: process.argv[2], PORT: process.env.PORT, WHERE: process.env.WHERE }))
}).listen(Number(process.argv[2]), '127.0.0.1')
`

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-port-'))
  await writeFile(path.join(dir, 'server.mjs'), SERVER)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const plan = (command: string, extra: Partial<AppPlan> = {}): AppPlan => ({
  command,
  build: { kind: 'none' },
  cwd: dir,
  env: {},
  readyTimeoutMs: 30_000,
  stopTimeoutMs: 5000,
  ...extra,
})

describe('the port an app is told', () => {
  it('fills {port} in the command and env values, and passes PORT', async () => {
    const port = await freePort()
    const app = plan('exec node server.mjs {port}', { port, env: { WHERE: 'on {port}' } })
    const url = `http://127.0.0.1:${port}/`
    const running = await startApp(app, url, path.join(dir, 'fill.log'))
    try {
      await waitUntilReady(running, app, url)
      const told: unknown = await (await fetch(url)).json()
      expect(told).toEqual({ arg: String(port), PORT: String(port), WHERE: `on ${port}` })
    } finally {
      await running.stop()
    }
  })

  it('lets app.env set PORT itself, and takes the port of the probed URL when the plan has none', async () => {
    const port = await freePort()
    const app = plan('exec node server.mjs {port}', { env: { PORT: 'mine' } })
    const url = `http://127.0.0.1:${port}/`
    const running = await startApp(app, url, path.join(dir, 'own.log'))
    try {
      await waitUntilReady(running, app, url)
      expect(await (await fetch(url)).json()).toEqual({ arg: String(port), PORT: 'mine' })
    } finally {
      await running.stop()
    }
  })

  // An app told another port than the one it is awaited at (written into its command), waited for once
  // it listens there: what the wait threw, and how long it took.
  async function waitedElsewhere(
    readyTimeoutMs: number,
    options: Parameters<typeof waitUntilReady>[3] = {},
  ): Promise<{ failure: unknown; awaited: number; written: number; ms: number }> {
    const [awaited, written] = [await freePort(), await freePort()]
    const app = plan(`exec node server.mjs ${written}`, { port: awaited, readyTimeoutMs })
    const url = `http://127.0.0.1:${awaited}/health`
    const running = await startApp(app, url, path.join(dir, `elsewhere-${awaited}.log`))
    try {
      // The wait starts once the app listens (where it should not), so a busy machine's slow start
      // cannot end it before there is a listener to name.
      await answersAt(written)
      const started = performance.now()
      const failure = await waitUntilReady(running, app, url, options).then(
        () => undefined,
        (error: unknown) => error,
      )
      return { failure, awaited, written, ms: performance.now() - started }
    } finally {
      await running.stop()
    }
  }

  it('says where an app that never got ready listens instead', async () => {
    const { failure, awaited, written } = await waitedElsewhere(1500)
    expect(failure).toBeInstanceOf(AppError)
    expect(String(failure)).toContain(`it listens on 127.0.0.1:${written}, not on 127.0.0.1:${awaited}. Write {port} where app.command`)
  })

  it('stops waiting once the app has listened elsewhere for the grace, long before readyTimeout', async () => {
    const { failure, awaited, written, ms } = await waitedElsewhere(120_000, { elsewhereGraceMs: 1500 })
    // The grace from the first look that saw the listener, plus up to a second between looks; far
    // from the 120 s readyTimeout, which a busy machine cannot stretch it to.
    expect(ms).toBeLessThan(60_000)
    expect(failure).toBeInstanceOf(AppError)
    expect(String(failure)).toMatch(
      /not ready at .* \(connect ECONNREFUSED [^)]*\) after listening elsewhere for \d+(\.\d+)?s: it listens on 127\.0\.0\.1:/,
    )
    expect(String(failure)).toContain(`it listens on 127.0.0.1:${written}, not on 127.0.0.1:${awaited}. Write {port} where app.command`)
  })

  it('keeps waiting while the app listens on the awaited port but is not ready yet, past the grace', async () => {
    const port = await freePort()
    // Answers 503 for its first 2.5 s, then 200: listening where awaited is never "elsewhere".
    const url = `http://127.0.0.1:${port}/health`
    const app = plan('exec node server.mjs {port} 2500', { port, readyUrl: url, readyTimeoutMs: 60_000 })
    const running = await startApp(app, url, path.join(dir, 'late.log'))
    try {
      await waitUntilReady(running, app, url, { elsewhereGraceMs: 500 })
      expect((await fetch(url)).status).toBe(200)
    } finally {
      await running.stop()
    }
  })
})

describe('reading the kernel socket tables', () => {
  it('turns the little-endian hex the kernel prints into addresses', () => {
    expect(hexAddress('0100007F')).toBe('127.0.0.1')
    expect(hexAddress('00000000')).toBe('0.0.0.0')
    expect(hexAddress('00000000000000000000000001000000')).toBe('[::1]')
    expect(hexAddress('00000000000000000000000000000000')).toBe('[::]')
  })

  it('keeps only the listening sockets of the given inodes', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1FA5 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:1FA6 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0000000000000000 100 0 0 10 0',
      '   2: 0100007F:1FA5 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 111 1 0000000000000000 20 4 30 10 -1',
    ].join('\n')
    expect(listeningIn(table, new Set(['111']))).toEqual(['127.0.0.1:8101'])
    expect(listeningIn(table, new Set(['333']))).toEqual([])
  })
})

/** Resolves once something accepts a connection on 127.0.0.1:`port` (bounded by the test's timeout). */
async function answersAt(port: number): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
