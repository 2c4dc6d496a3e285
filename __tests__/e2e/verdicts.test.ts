// Verdicts against a stored baseline, end to end: the bundled action (dist/index.js) in a child
// process against the loopback fake GitHub, the demo app measured for real on 127.0.0.1. A gross
// slowdown must fail the check, with one run of history and with a history one bad run poisoned.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { demoAppLines } from '../../__fixtures__/demo/app-config.js'
import { runNode, type Finished } from '../helpers/run-node.js'
import { freePort } from '../helpers/ports.js'
import { startFakeGitHub, type FakeGitHub } from './fake-github.js'
import { MAIN_SHA, artifactOf, completeRun, plantPushRun, present, readOutputs, runnerEnv } from './harness.js'

const ENTRY = 'slow io @ 4 conn'

let fake: FakeGitHub
let workspace = ''
/** The artifact of the push run on main both cases compare with, measured once in beforeAll. */
let pushed: Record<string, Buffer> = {}

interface ActionRun extends Finished {
  readonly outputs: Record<string, string>
}

/**
 * Runs the bundled action as one workflow run of a push to main or of pull request 40 (the runner's
 * environment from harness.ts), with the demo app slowed by `slowdown` (DEMO_SLOWDOWN, a percentage
 * of extra wait on its /delay route).
 */
async function runAction(runId: number, event: 'push' | 'pull_request', sha: string, slowdown = 0): Promise<ActionRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-verdicts-run-'))
  try {
    const spec = {
      runId,
      event,
      sha,
      ...(event === 'pull_request' ? { pr: { number: 40 } } : {}),
      env: { DEMO_SLOWDOWN: String(slowdown), DEMO_SLOW_ROUTES: 'delay' },
    }
    const { env, files } = await runnerEnv(fake, spec, workspace, dir)
    const finished = await runNode('dist/index.js', [], {
      cwd: workspace,
      timeoutMs: 150_000,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
    })
    completeRun(fake, runId, finished.code === 0)
    return { ...finished, outputs: await readOutputs(files.outputFile) }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * A push run on main measured now, just before the pull requests that are compared with it: on a
 * machine this busy, runs further apart in time drift further apart (a baseline recorded once for
 * the file measured 125 to 317 req/s on the same route). Returns its artifact's files.
 */
async function pushNow(runId: number): Promise<Record<string, Buffer>> {
  const push = await runAction(runId, 'push', MAIN_SHA)
  if (push.code !== 0) throw new Error(`the push run that records the baseline failed: ${push.stdout}${push.stderr}`)
  return fake.readArtifactFiles(present(artifactOf(fake, runId)))
}

beforeAll(async () => {
  fake = await startFakeGitHub()
  workspace = await mkdtemp(path.join(os.tmpdir(), 'cannonade-verdicts-'))
  // One scenario, the product's default gates; six short rounds, so that a side has a round to trim.
  // The route waits 20 ms a request (DEMO_SLOWDOWN makes it wait longer) rather than computing: on
  // this machine at load 17–20 a CPU-bound route's throughput swung 125–379 req/s between runs a
  // minute apart, a drift no rule can tell from a 3× slowdown against a single earlier run (the rule
  // then says so, bench/separate-runs.ts), while a wait is slowed by the change alone.
  await writeFile(
    path.join(workspace, 'cannonade.yml'),
    [
      'suite: verdicts',
      ...demoAppLines(await freePort()),
      'defaults: { duration: 500ms, warmup: 100ms, rounds: 6, connections: 4 }',
      'scenarios:',
      '  - { name: slow io, path: /delay }',
    ].join('\n'),
  )
  // One measured push for both cases, each of which only reads its artifact; the wait route keeps it
  // comparable with a pull request measured a few seconds later.
  pushed = await pushNow(100)
}, 200_000)
afterAll(async () => {
  await fake.close()
  await rm(workspace, { recursive: true, force: true })
})
beforeEach(() => {
  fake.reset()
})

describe('a pull request against a stored baseline', () => {
  it('fails a head 3× slower than a baseline with one run of history', async () => {
    expect(Object.keys(pushed)).toContain('results.json')
    await plantPushRun(fake, 100, pushed)
    const run = await runAction(101, 'pull_request', 'b'.repeat(40), 200)
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.outputs['baseline-run-id']).toBe('100')
    expect(run.outputs['verdict']).toBe('fail')
    expect(Number(run.outputs['regressions'])).toBeGreaterThan(0)
    expect(run.stdout).toMatch(/::error title=Cannonade%3A regression::slow io @ 4 conn: /)
    expect(run.stdout).toContain('::error::Cannonade: performance gate failed')
  }, 200_000)

  it('fails a head 20× slower against a history one 50× slower run poisoned, and names that run', async () => {
    type Point = { median: number; low: number; high: number }
    const pushFiles = pushed
    const results = JSON.parse(present(pushFiles['results.json']).toString()) as {
      entries: { key: string; rps: number; latencyUs: Record<string, number> }[]
    }
    const entry = present(results.entries.find((e) => e.key === ENTRY))
    // Eight steady runs within ±1 % of what was measured, the fourth 50× slower (a broken run).
    const runs = Array.from({ length: 8 }, (_, i) => {
      const slower = i === 3 ? 50 : i % 2 === 0 ? 1.01 : 0.99
      const point = (v: number): Point => ({ median: v, low: v * 0.99, high: v * 1.01 })
      return {
        runId: 110 + i,
        sha: String(i).repeat(40),
        date: `2026-11-2${i}T10:00:00.000Z`,
        runner: 'Test CPU / 2 cores / linux / v24',
        entries: [
          {
            key: ENTRY,
            metrics: {
              rps: point(entry.rps / slower),
              p50: point((entry.latencyUs['p50'] ?? 1) * slower),
              p99: point((entry.latencyUs['p99'] ?? 1) * slower),
            },
          },
        ],
      }
    })
    await plantPushRun(fake, 118, {
      'results.json': present(pushFiles['results.json']),
      'history.json': JSON.stringify({ schemaVersion: 1, suite: 'verdicts', runs }),
    })
    const run = await runAction(120, 'pull_request', 'c'.repeat(40), 1900)
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.outputs['baseline-run-id']).toBe('118')
    expect(run.outputs['verdict']).toBe('fail')
    expect(run.stdout).toMatch(/::error title=Cannonade%3A regression::slow io @ 4 conn: /)
    const comment = fake.comments.find((c) => c.issueNumber === 40)?.body ?? ''
    expect(comment).toContain('outlier run run 113 left out')
  }, 200_000)
})
