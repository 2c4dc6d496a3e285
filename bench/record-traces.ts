// Records real round series for bench/replay.ts: two unchanged copies of an app measured the
// same-job way by the product's own schedule (src/load/schedule.ts measureSides), per round req/s,
// p50 and p99 of both sides, with the CPU loop's noise before and after. Saved under bench/traces/.
//
// Run: npm run bench:record -- [pairs] [--entries N] [--order alternating|abba] [--app demo|hash-node|hash-python]
//   pairs: default 30; rounds of BENCH_DURATION (default 1s) after a quarter as long a warm-up.
//   --entries N: a suite of N entries of the hashing app (one scenario each, as a one-scenario
//   `run --against` has one); the demo app has its three routes. --order abba records the old order,
//   so that the replay can show what it cost.
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '../src/app/ports.js'
import { parsePlan } from '../src/config/load.js'
import type { Plan } from '../src/config/plan.js'
import { measureSides } from '../src/load/schedule.js'
import type { RoundResult } from '../src/results/document.js'
import { cpuLoopNoise } from './cpu-noise.js'
import { demoRoutesPlan } from './demo-routes.js'
import type { Trace } from './trace-format.js'
import { hashAppCommand, hashConfig } from './apps/hash-config.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    entries: { type: 'string', default: '1' },
    order: { type: 'string', default: 'alternating' },
    app: { type: 'string', default: 'hash-node' },
  },
})
const pairs = Number(positionals[0] ?? 30)
const entries = Number(values.entries)
const order = values.order === 'abba' ? 'abba' : 'alternating'
const app = values.app
const duration = process.env.BENCH_DURATION ?? '1s'
const warmup = `${Math.max(100, Math.round(parseFloat(duration) * (duration.endsWith('ms') ? 1 : 1000) * 0.25))}ms`
const outDir = path.resolve('bench/results/accuracy-app')
await mkdir(outDir, { recursive: true })

/** The hashing service of bench/apps on `port`, with `entries` one-route scenarios at 4 connections. */
function hashPlan(port: number): Plan {
  const text = hashConfig({
    port,
    command: hashAppCommand(app === 'hash-python' ? 'python' : 'node', port),
    defaults: `{ duration: ${duration}, warmup: ${warmup}, rounds: ${pairs}, connections: 4 }`,
    scenarios: Array.from({ length: entries }, (_, i) => `  - { name: search ${i + 1}, path: "/search?q=${i + 1}" }`),
  })
  return parsePlan(text, 'record-traces.yml', path.resolve('bench/apps'))
}
const planOn = async (): Promise<Plan> => {
  const port = await freePort()
  return app === 'demo' ? demoRoutesPlan({ port, slowdown: 0, duration, warmup, rounds: pairs }) : hashPlan(port)
}

const before = cpuLoopNoise(4)
const started = new Date()
const sides = await measureSides(
  [
    { plan: await planOn(), outDir, label: 'base' },
    { plan: await planOn(), outDir, label: 'head' },
  ],
  { outDir, order, onRound: (e) => process.stderr.write(`\r${e.done}/${e.total} rounds`) },
)
const after = cpuLoopNoise(4)
process.stderr.write('\n')
const [base, head] = sides
if (base === undefined || head === undefined || base.failure !== undefined || head.failure !== undefined) throw new Error('a side failed')

const row = (r: RoundResult): [number, number, number] => [Math.round(r.rps * 10) / 10, r.latencyUs.p50, r.latencyUs.p99]
const trace: Trace = {
  recordedAt: started.toISOString(),
  schedule: order,
  app,
  cpus: os.cpus().length,
  roundMs: base.results.entries[0]?.rounds[0]?.durationMs ?? NaN,
  cpuLoopCv: { before: before.cv, after: after.cv },
  loadAverage: { before: before.loadAverage, after: after.loadAverage },
  columns: ['rps', 'p50Us', 'p99Us'],
  entries: base.results.entries.map((b, i) => {
    const h = head.results.entries[i]
    if (h === undefined) throw new Error('entries differ')
    const valid = b.rounds.filter((r, k) => r.valid && h.rounds[k]?.valid === true)
    return {
      key: b.key,
      base: valid.map(row),
      head: valid.map((r) => {
        const other = h.rounds.find((x) => x.round === r.round)
        if (other === undefined) throw new Error('rounds differ')
        return row(other)
      }),
    }
  }),
}
await mkdir('bench/traces', { recursive: true })
const stamp = started.toISOString().replace(/[:.]/g, '-').slice(0, 19)
const file = `bench/traces/${app}-${entries}x-${order}-${stamp}.json`
// One round per line: compact, and a diff still shows what changed.
const text = JSON.stringify(trace)
  .replace(/\],\[/g, '],\n[')
  .replace(/"(base|head)":\[\[/g, '"$1":[\n[')
await writeFile(file, `${text}\n`)
console.log(
  `${file}: ${trace.entries.map((e) => `${e.key} ${e.base.length} pairs`).join(', ')}; CPU loop CV ${(before.cv * 100).toFixed(1)} % before, ${(after.cv * 100).toFixed(1)} % after; load ${before.loadAverage.toFixed(1)}`,
)
