// Does a machine-speed probe follow the node service's slow stretches? On this machine a padded
// node app's CPU per request moves between two levels (about 225 and 440 µs) for 10–100 s at a time
// at a constant CPU share, pinned or not: the guest reports no steal time, so the vCPU itself runs
// slower. A probe that does a fixed piece of work every 100 ms and times it in its own CPU time sees
// the same slowdown, if it is the CPU's; the pairs can then be adjusted by it (issue 17, Deliver 2:
// a CUPED-style covariate; the product's is src/app/speed-probe.ts with src/compare/speed-adjust.ts).
//
// The service runs as app.cpus: separate runs it (the app on CPU 1, this process sending the load on
// CPU 0), with a probe process pinned to each CPU, and PROBE_NOISE (cpu1, the default, cpu0 or none)
// says where a `yes` loop runs beside them. Each 2 s window: the app's req/s and CPU per request, and
// each probe's median CPU µs a unit. Prints the correlations of the app's log CPU per request with each
// probe's log time, and the SD of the app's log CPU per request before and after taking the fitted
// share of the probe out. Results: bench/results/speed-probe-<noise>-<kind>.json (the README's
// *A speed probe* has the figures).
//
// Run: npx tsx bench/speed-probe.ts   (PROBE_SECONDS=150, PROBE_NOISE=cpu1|cpu0|none, PROBE_KIND=hash|loop)
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import autocannon from 'autocannon'
import { freePort } from '../src/app/ports.js'
import { HASHING_UNIT, startSpeedProbe } from '../src/app/speed-probe.js'
import { HEAP_PAD_BYTES, HEAP_PAD_VARIABLE } from '../src/load/schedule.js'
import { mean, median, stddev } from '../src/stats/stats.js'
import { hashAppReady } from './apps/hash-config.js'
import { cpuSeconds } from './one-scenario.js'

const seconds = Number(process.env.PROBE_SECONDS ?? 150)
const noise = process.env.PROBE_NOISE ?? 'cpu1'
// PROBE_KIND=hash (the default): the product's probe (src/app/speed-probe.ts), SHA-256 digests kept
// in objects and written as JSON, what a route does; loop: integer arithmetic only, timed alike.
const PROBE_KIND = process.env.PROBE_KIND ?? 'hash'
const LOOP_UNIT = 'let x = sink; for (let i = 0; i < 400000; i++) x = (x * 31 + i) % 1000003; sink = x'

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs)
  const my = mean(ys)
  let sxy = 0
  let sxx = 0
  let syy = 0
  xs.forEach((x, i) => {
    const y = ys[i] ?? NaN
    sxy += (x - mx) * (y - my)
    sxx += (x - mx) ** 2
    syy += (y - my) ** 2
  })
  return sxy / Math.sqrt(sxx * syy)
}

const port = await freePort()
const children: ChildProcess[] = []
const stop = (): void => {
  for (const c of children) c.kill()
}
process.on('exit', stop)
if (noise === 'cpu0' || noise === 'cpu1') children.push(spawn('taskset', ['-c', noise.slice(3), 'yes'], { stdio: 'ignore' }))
const app = spawn('taskset', ['-c', '1', process.execPath, 'hash-server.mjs'], {
  cwd: path.resolve('bench/apps'),
  env: { ...process.env, PORT: String(port), [HEAP_PAD_VARIABLE]: String(HEAP_PAD_BYTES) },
  stdio: 'ignore',
})
children.push(app)
execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })
const probes = [0, 1].map((cpu) => startSpeedProbe(String(cpu), PROBE_KIND === 'loop' ? LOOP_UNIT : HASHING_UNIT))
await hashAppReady(port)

// Per-second counts of answers, and the app's CPU at each second's end.
const answers: number[] = []
const appCpu: number[] = []
const started = Date.now()
let finished = (): void => undefined
const done = new Promise<void>((resolve) => (finished = resolve))
const instance = autocannon({ url: `http://127.0.0.1:${port}/search?q=x`, connections: 4, duration: seconds }, () => finished())
instance.on('response', () => {
  const second = Math.floor((Date.now() - started) / 1000)
  answers[second] = (answers[second] ?? 0) + 1
})
const pid = app.pid ?? 0
const ticker = setInterval(() => appCpu.push(cpuSeconds(pid)), 1000)
appCpu.push(cpuSeconds(pid))
await done
clearInterval(ticker)
stop()
for (const p of probes) p.stop()

interface Second {
  readonly rps: number
  readonly cpuPerRequest: number
  readonly probe: readonly number[]
}
const rows: Second[] = []
for (let s = 2; s < Math.min(answers.length, appCpu.length - 1) - 1; s++) {
  const rps = answers[s] ?? 0
  const cpu = (appCpu[s + 1] ?? NaN) - (appCpu[s] ?? NaN)
  const probe = probes.map((p) => p.between(started + s * 1000, started + (s + 1) * 1000 - 1) ?? NaN)
  if (rps > 0 && probe.every(Number.isFinite)) rows.push({ rps, cpuPerRequest: (cpu / rps) * 1e6, probe })
}
// CPU per request over 1 s is read in 10 ms ticks: 2 s windows keep its rounding below 1 %.
const windows: Second[] = []
for (let i = 0; i + 1 < rows.length; i += 2) {
  const [a, b] = [rows[i], rows[i + 1]]
  if (a === undefined || b === undefined) continue
  windows.push({
    rps: (a.rps + b.rps) / 2,
    cpuPerRequest: (a.cpuPerRequest * a.rps + b.cpuPerRequest * b.rps) / (a.rps + b.rps),
    probe: a.probe.map((p, k) => Math.sqrt(p * (b.probe[k] ?? NaN))),
  })
}
const logCpu = windows.map((w) => Math.log(w.cpuPerRequest))
const logRps = windows.map((w) => Math.log(w.rps))
const summary = {
  noise,
  probe: PROBE_KIND,
  seconds,
  windows: windows.length,
  sdLogCpuPerRequest: stddev(logCpu),
  sdLogRps: stddev(logRps),
  probes: [0, 1].map((cpu) => {
    const logProbe = windows.map((w) => Math.log(w.probe[cpu] ?? NaN))
    const r = correlation(logCpu, logProbe)
    const slope = (r * stddev(logCpu)) / stddev(logProbe)
    const adjusted = logCpu.map((x, i) => x - slope * ((logProbe[i] ?? 0) - mean(logProbe)))
    return {
      cpu,
      medianUnitUs: median(windows.map((w) => w.probe[cpu] ?? NaN)),
      sdLogProbe: stddev(logProbe),
      correlationWithCpuPerRequest: r,
      correlationWithRps: correlation(logRps, logProbe),
      slope,
      sdLogCpuPerRequestAdjusted: stddev(adjusted),
    }
  }),
}
console.log(JSON.stringify(summary, null, 2))
await mkdir('bench/results', { recursive: true })
await writeFile(
  `bench/results/speed-probe-${noise}-${PROBE_KIND}.json`,
  `${JSON.stringify({ ...summary, windowsData: windows }, null, 2)}\n`,
)
process.exit(0)
