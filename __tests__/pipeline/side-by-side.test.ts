// Base beside head, in process: the one pipeline of the action's same-job mode and `run --against`,
// with real apps (the demo server, started by Cannonade) on loopback ports and the real schedule.
// The base's checkout is a stand-in (the same demo directory): what is tested here is the pipeline's
// order of steps, its failure policy and its clean-up, not git.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Plan } from '../../src/config/plan.js'
import { onGlibc } from '../../src/app/runtime.js'
import { HEAP_PAD_BYTES, type Side } from '../../src/load/schedule.js'
import { measureBesideBase, type PreparedBase } from '../../src/pipeline/side-by-side.js'
import { BASE_RESULTS_FILE } from '../../src/results/document.js'
import { parseResults } from '../../src/results/io.js'
import { demoPlan } from '../helpers/demo-plan.js'

let dir = ''
let runs = 0

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-side-by-side-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The demo app, one short scenario; `budget` is the config's deciding budget. */
function demoApp(options: { app?: string; budget?: string; rounds?: number } = {}): Promise<Plan> {
  return demoPlan('  - { name: users, path: /users }', {
    ...(options.app === undefined ? {} : { app: options.app }),
    ...(options.budget === undefined ? {} : { extra: [`budget: ${options.budget}`] }),
    defaults: `{ duration: 200ms, warmup: 50ms, rounds: ${options.rounds ?? 3}, connections: 2 }`,
  })
}

/** A fresh output directory, the head as a side in it, and a base prepared from `basePlan` that logs its clean-up. */
function setUp(head: Plan, basePlan: Plan): { outDir: string; headSide: Side; steps: string[]; prepare: () => Promise<PreparedBase> } {
  const outDir = path.join(dir, `run-${++runs}`)
  const steps: string[] = []
  return {
    outDir,
    headSide: { plan: head, outDir, label: 'head' },
    steps,
    prepare: async () => {
      steps.push('prepare')
      return {
        side: { plan: basePlan, outDir: path.join(outDir, 'base'), label: 'base', git: { sha: 'b'.repeat(40) } },
        sha: 'b'.repeat(40),
        inferred: 'npm ci',
        cleanup: async () => {
          steps.push('cleanup')
        },
      }
    },
  }
}

const readResults = async (file: string): Promise<ReturnType<typeof parseResults>> =>
  parseResults(JSON.parse(await readFile(file, 'utf8')), file)

describe('base beside head', () => {
  it('prepares, measures A B A B, writes both results files, runs the step after measuring, then cleans up', async () => {
    // A budget spent before the configured rounds end: no extra pairs, so the round count is exact.
    // The start command says what the app saw of the heap pad (app.relaunch: auto) before starting Node.
    const app = 'echo "heap pad: [$MALLOC_TOP_PAD_]" && node server.mjs'
    const { outDir, headSide, steps, prepare } = setUp(await demoApp({ app, budget: '1ms' }), await demoApp({ app }))
    const order: string[] = []
    const beside = await measureBesideBase({
      head: headSide,
      prepare,
      onBaseFailure: 'stop',
      measure: { onRound: (e) => order.push(`${e.side ?? '?'}${e.round}`) },
      onMeasured: () => steps.push('measured'),
      afterMeasuring: async (measured) => {
        // The base's checkout still exists here, and both results files are written.
        steps.push(`after ${measured.sides.base.label ?? '?'}+${measured.sides.head.label ?? '?'}`)
        await stat(path.join(outDir, BASE_RESULTS_FILE))
      },
    })
    if ('missing' in beside) throw new Error('the base was prepared')
    expect(steps).toEqual(['prepare', 'measured', 'after base+head', 'cleanup'])
    expect(order).toEqual(['base1', 'head1', 'base2', 'head2', 'base3', 'head3'])
    expect(beside.baseFailure).toBeUndefined()
    expect(beside).toMatchObject({ sha: 'b'.repeat(40), inferred: 'npm ci' })
    const head = await readResults(path.join(outDir, 'results.json'))
    const base = await readResults(path.join(outDir, BASE_RESULTS_FILE))
    expect(head.entries[0]?.rounds).toHaveLength(3)
    expect(base.entries[0]?.rounds).toHaveLength(3)
    expect(base.git?.sha).toBe('b'.repeat(40))
    // The base's app log goes to its own directory.
    const logs = await Promise.all([path.join(outDir, 'base', 'app.log'), path.join(outDir, 'app.log')].map((f) => readFile(f, 'utf8')))
    expect(logs[0]).toContain('demo app listening')
    // A Node app on glibc: both apps started once with glibc's heap top padded, and both results say so.
    if (onGlibc()) {
      for (const log of logs) expect(log).toContain(`heap pad: [${HEAP_PAD_BYTES}]`)
      expect([base, head].map((r) => [r.heapPad, r.launches])).toEqual([
        [HEAP_PAD_BYTES, undefined],
        [HEAP_PAD_BYTES, undefined],
      ])
      expect(beside.sides.head.plan.app?.env.MALLOC_TOP_PAD_).toBe(String(HEAP_PAD_BYTES))
    } else {
      for (const log of logs) expect(log).toContain('heap pad: []')
      expect([base.heapPad, head.heapPad]).toEqual([undefined, undefined])
    }
    // app.cpus: auto: both apps on CPUs of their own (with the speed probe beside them where the
    // machine can split its CPUs; src/app/affinity.ts).
    expect([beside.sides.base.plan.app?.cpus, beside.sides.head.plan.app?.cpus]).toEqual(['separate', 'separate'])
    // The head's own plan, as the config gave it, is left as it was.
    expect(headSide.plan.app?.env.MALLOC_TOP_PAD_).toBeUndefined()
    expect(headSide.plan.app?.cpus).toBeUndefined()
  })

  it('decides as it goes within the head plan’s budget: extra pairs after the configured rounds, still alternating', async () => {
    // Two copies of one app with 2 configured rounds: the rule cannot call a 2-pair entry decided,
    // so the run goes on in pairs until it decides or the 5 s budget would be passed (the 2 configured
    // pairs take about 1 s, 2–3 s on a busy machine: room for extra pairs either way).
    const { headSide, prepare } = setUp(await demoApp({ rounds: 2, budget: '5s' }), await demoApp())
    const sides: string[] = []
    const beside = await measureBesideBase({
      head: headSide,
      prepare,
      onBaseFailure: 'stop',
      measure: { onRound: (e) => sides.push(e.side ?? '?') },
    })
    if ('missing' in beside) throw new Error('the base was prepared')
    const rounds = beside.head.results.entries[0]?.rounds.length ?? 0
    expect(rounds).toBeGreaterThan(2)
    expect(beside.base.results.entries[0]?.rounds).toHaveLength(rounds)
    expect(sides).toEqual(Array.from({ length: 2 * rounds }, (_, i) => (i % 2 === 0 ? 'base' : 'head')))
  })

  it('falls back: a base that does not start is set aside and the head measured alone, the failure returned', async () => {
    const broken = await demoApp({ app: 'echo "base does not build" && exit 1' })
    const { outDir, headSide, steps, prepare } = setUp(await demoApp({ budget: '1ms' }), broken)
    const beside = await measureBesideBase({ head: headSide, prepare, onBaseFailure: 'fall-back' })
    if ('missing' in beside) throw new Error('the base was prepared')
    expect(beside.baseFailure?.message).toContain('base does not build')
    expect(beside.head.failure).toBeUndefined()
    expect(beside.head.results.entries[0]?.rounds).toHaveLength(3)
    expect((await readResults(path.join(outDir, BASE_RESULTS_FILE))).status).toBe('incomplete')
    expect(steps).toEqual(['prepare', 'cleanup'])
  })

  it('stops: a base that does not start ends the run, nothing of the head measured, and the checkout is removed', async () => {
    const broken = await demoApp({ app: 'echo "base does not build" && exit 1' })
    const { headSide, steps, prepare } = setUp(await demoApp(), broken)
    const beside = await measureBesideBase({ head: headSide, prepare, onBaseFailure: 'stop' })
    if ('missing' in beside) throw new Error('the base was prepared')
    expect(beside.baseFailure?.message).toContain('base does not build')
    expect(beside.head.results.entries).toHaveLength(0)
    expect(steps).toEqual(['prepare', 'cleanup'])
  })

  it('returns why there is no base without measuring anything', async () => {
    const outDir = path.join(dir, 'missing')
    const beside = await measureBesideBase({
      head: { plan: await demoApp(), outDir, label: 'head' },
      prepare: async () => ({ missing: 'nothing to build the base commit with was found', expected: true }),
      onBaseFailure: 'fall-back',
    })
    expect(beside).toEqual({ missing: 'nothing to build the base commit with was found', expected: true })
    await expect(stat(outDir)).rejects.toThrow()
  })

  it('removes the checkout when the step after measuring fails, and passes its error on', async () => {
    const { headSide, steps, prepare } = setUp(await demoApp({ budget: '1ms', rounds: 1 }), await demoApp())
    await expect(
      measureBesideBase({
        head: headSide,
        prepare,
        onBaseFailure: 'stop',
        afterMeasuring: () => Promise.reject(new Error('profiling failed')),
      }),
    ).rejects.toThrow('profiling failed')
    expect(steps).toEqual(['prepare', 'cleanup'])
  })
})
