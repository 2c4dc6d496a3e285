// test-kind: process — which requests the warm-up pass sends and which rounds keep them (counted
// at the app), not how fast they were answered.
//
// The warm-up pass: before round 1 every entry is loaded once for its warm-up duration, and nothing
// of it is kept.
import { mkdtemp, rm } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePlan } from '../../src/config/load.js'
import { applyOverrides } from '../../src/config/overrides.js'
import { measure } from '../../src/load/schedule.js'
import { MIN_WARM_UP_SLICES } from '../../src/config/warm-up.js'
import { demoPlan } from '../helpers/demo-plan.js'

let outDir = ''
let server: http.Server
let baseUrl = ''
// Which path each request asked for, in order of arrival.
const seen: string[] = []

beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-warmup-'))
  server = http.createServer((req, res) => {
    seen.push(req.url ?? '')
    res.end('ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
})
afterAll(async () => {
  server.close()
  await rm(outDir, { recursive: true, force: true })
})

function plan(extra: string): ReturnType<typeof parsePlan> {
  return parsePlan(
    [
      `baseUrl: ${baseUrl}`,
      extra,
      'defaults: { duration: 200ms, warmup: 150ms, rounds: 1, connections: 1 }',
      'scenarios: [{ name: a, path: /a }, { name: b, path: /b }]',
    ].join('\n'),
    'warmup.yml',
    '.',
  )
}

describe('the warm-up pass over the suite', () => {
  it('loads every entry once before round 1 and keeps nothing of it', async () => {
    seen.length = 0
    let warmedAt = -1
    const rounds: string[] = []
    const { results } = await measure(plan(''), {
      outDir,
      onWarmedUp: () => (warmedAt = seen.length),
      onRound: (event) => rounds.push(event.entry.key),
    })
    // Both entries were loaded before the pass ended, b's requests after a's.
    const before = seen.slice(0, warmedAt)
    expect(before).toContain('/a')
    expect(before).toContain('/b')
    expect(before.lastIndexOf('/a')).toBeLessThan(before.indexOf('/b'))
    // Each entry still has exactly its one measured round, which counts only its own window.
    expect(rounds).toEqual(['a @ 1 conn', 'b @ 1 conn'])
    for (const entry of results.entries) expect(entry.rounds).toHaveLength(1)
    const measuredA = results.entries[0]?.rounds[0]?.responses ?? 0
    expect(measuredA).toBeLessThan(seen.filter((p) => p === '/a').length)
  })

  it('warms an app it started for at least the fewest slices, each as long as the configured warm-up', async () => {
    // Slices are timed load, so the pass cannot be shorter than they are, however busy the machine.
    const started = await demoPlan('  - { name: users, path: /users }', {
      defaults: '{ duration: 200ms, warmup: 150ms, rounds: 1, connections: 1 }',
    })
    let readyAt = 0
    let warmedAt = 0
    await measure(started, { outDir, onReady: () => (readyAt = performance.now()), onWarmedUp: () => (warmedAt = performance.now()) })
    expect(readyAt).toBeGreaterThan(0)
    expect(warmedAt - readyAt).toBeGreaterThanOrEqual(MIN_WARM_UP_SLICES * 150)
  })

  it('is skipped with warmupSuite: false and by the smoke profile', async () => {
    let called = false
    await measure(plan('warmupSuite: false'), { outDir, onWarmedUp: () => (called = true) })
    expect(called).toBe(false)
    expect(plan('').warmupSuite).toBe(true)
    expect(applyOverrides(plan(''), { quick: true }).warmupSuite).toBe(false)
  })
})
