// Response bodies larger than the load generator can hold. A JavaScript string holds at most ~512 MiB,
// and autocannon keeps every body as one: a 600 MiB answer used to crash the run (RangeError in its
// request queue) and lose every round. Bodies are now kept only when `expect.body` reads them, and only
// up to BODY_KEEP_LIMIT_BYTES; a larger one makes its round invalid. Each test sends one bounded
// response (a round measured by `amount: 1`) to the demo app on 127.0.0.1.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePlan } from '../../src/config/load.js'
import type { Plan } from '../../src/config/plan.js'
import { BODY_KEEP_LIMIT_BYTES } from '../../src/load/bodies.js'
import { measure } from '../../src/load/schedule.js'
import { freePort } from '../helpers/ports.js'

const demoDir = path.resolve('__fixtures__/demo')
let outDir = ''

beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-big-body-'))
})
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true })
})

/** The demo app, one scenario measured by exactly one response per round. */
async function onePlan(scenario: string): Promise<Plan> {
  const port = await freePort()
  const text = [
    'app:',
    '  command: node server.mjs',
    `  env: { PORT: "${port}" }`,
    `  ready: http://127.0.0.1:${port}/health`,
    '  readyTimeout: 10s',
    '  stopTimeout: 2s',
    `baseUrl: http://127.0.0.1:${port}`,
    'warmupSuite: false',
    'defaults: { warmup: 0s, rounds: 1, connections: 1, amount: 1, timeout: 60s }',
    'scenarios:',
    `  - ${scenario}`,
  ].join('\n')
  return parsePlan(text, 'big-body.yml', demoDir)
}

/** Peak growth of this process's JavaScript heap while `work` runs, bytes. */
async function heapGrowth<T>(work: () => Promise<T>): Promise<{ value: T; grownBytes: number }> {
  const start = process.memoryUsage().heapUsed
  let peak = start
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10)
  try {
    const value = await work()
    peak = Math.max(peak, process.memoryUsage().heapUsed)
    return { value, grownBytes: peak - start }
  } finally {
    clearInterval(timer)
  }
}

describe('response bodies larger than a string can hold', () => {
  it('measures a 600 MiB response without keeping its body when nothing checks it', async () => {
    const plan = await onePlan('{ name: huge, path: "/stream?mib=600" }')
    const { value, grownBytes } = await heapGrowth(() => measure(plan, { outDir }))
    expect(value.failure).toBeUndefined()
    const round = value.results.entries[0]?.rounds[0]
    expect(round?.valid).toBe(true)
    expect(round?.ok).toBe(1)
    expect(round?.bytes).toBeGreaterThan(600 * 1024 * 1024)
    // Kept, the body alone would be 600 MiB of heap (and more than one string may hold).
    expect(grownBytes).toBeLessThan(100 * 1024 * 1024)
  })

  it('makes a round invalid, not a crash, when a body that expect.body checks is over the limit', async () => {
    const mib = Math.ceil(BODY_KEEP_LIMIT_BYTES / (1024 * 1024)) + 1
    const plan = await onePlan(`{ name: checked, path: "/stream?mib=${mib}", expect: { body: "xxx" } }`)
    const { results, failure } = await measure(plan, { outDir })
    expect(failure).toBeUndefined()
    const round = results.entries[0]?.rounds[0]
    expect(round?.valid).toBe(false)
    expect(round?.ok).toBe(0)
    expect(round?.problems.join(' ')).toMatch(/body over 32 MiB.*expect\.body/)
  })

  it('still checks a body under the limit', async () => {
    const plan = await onePlan('{ name: small, path: "/stream?mib=2", expect: { body: "xxx" } }')
    const { results } = await measure(plan, { outDir })
    expect(results.entries[0]?.rounds[0]?.valid).toBe(true)
    const mismatch = await onePlan('{ name: small, path: "/stream?mib=2", expect: { body: "yyy" } }')
    expect((await measure(mismatch, { outDir })).results.entries[0]?.rounds[0]?.bodyMismatches).toBe(1)
  })
})
