// Records real round series for bench/replay.ts: the demo routes measured the same-job way (two
// unchanged copies of the app side by side, rounds interleaved A B B A …), per round req/s, p50 and
// p99 of both sides, with the CPU loop's noise before and after. Saved compactly under bench/traces/.
//
// Run: npm run bench:record -- [pairs]   (default 30 pairs of 1 s rounds: about 4 minutes)
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freePort } from '../src/app/ports.js'
import { measureSides } from '../src/load/schedule.js'
import type { RoundResult } from '../src/results/format.js'
import { cpuLoopNoise } from './cpu-noise.js'
import { demoRoutesPlan } from './demo-routes.js'
import type { Trace } from './trace-format.js'

const pairs = Number(process.argv[2] ?? 30)
const duration = process.env.BENCH_DURATION ?? '1s'
const outDir = path.resolve('bench/results/accuracy-app')
await mkdir(outDir, { recursive: true })

const before = cpuLoopNoise(4)
const started = new Date()
const sides = await measureSides(
  [
    { plan: demoRoutesPlan({ port: await freePort(), slowdown: 0, duration, rounds: pairs }), outDir, label: 'base' },
    { plan: demoRoutesPlan({ port: await freePort(), slowdown: 0, duration, rounds: pairs }), outDir, label: 'head' },
  ],
  { outDir, onRound: (e) => process.stderr.write(`\r${e.done}/${e.total} rounds`) },
)
const after = cpuLoopNoise(4)
process.stderr.write('\n')
const [base, head] = sides
if (base === undefined || head === undefined || base.failure !== undefined || head.failure !== undefined) throw new Error('a side failed')

const row = (r: RoundResult): [number, number, number] => [Math.round(r.rps * 10) / 10, r.latencyUs.p50, r.latencyUs.p99]
const trace: Trace = {
  recordedAt: started.toISOString(),
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
const file = `bench/traces/demo-${started.toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`
// One round per line: compact, and a diff still shows what changed.
const text = JSON.stringify(trace)
  .replace(/\],\[/g, '],\n[')
  .replace(/"(base|head)":\[\[/g, '"$1":[\n[')
await writeFile(file, `${text}\n`)
console.log(
  `${file}: ${trace.entries.map((e) => `${e.key} ${e.base.length} pairs`).join(', ')}; CPU loop CV ${(before.cv * 100).toFixed(1)} % before, ${(after.cv * 100).toFixed(1)} % after; load ${before.loadAverage.toFixed(1)}`,
)
