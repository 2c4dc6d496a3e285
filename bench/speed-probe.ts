// Does a machine-speed probe follow the node service's slow stretches? On this machine a padded
// node app's CPU per request moves between two levels (about 225 and 440 µs) for 10–100 s at a time
// at a constant CPU share, pinned or not: the guest reports no steal time, so the vCPU itself runs
// slower. A probe that does a fixed piece of work every 100 ms and times it in its own CPU time sees
// the same slowdown, if it is the CPU's; the pairs can then be adjusted by it (issue 17, Deliver 2:
// a CUPED-style covariate; the product's is src/app/speed-probe.ts with src/compare/speed-adjust.ts).
//
// The service runs as app.cpus: separate runs it (the app on CPU 1, this process sending the load on
// CPU 0), with a probe process pinned to each CPU, and PROBE_NOISE (cpu1, the default, cpu0 or none)
// says where a `yes` loop runs beside them. Each window of PROBE_WINDOW seconds: the app's req/s and
// CPU per request, and each probe's units summed up three ways (median, mean, mean speed). Prints, per
// probe and summary, the correlations of the app's log CPU per request with the probe's log time and
// the SD of the app's log CPU per request before and after taking the fitted share of the probe out;
// and the same for consecutive windows taken as pairs, as the product's rounds are. Results:
// bench/results/speed-probe-<noise>-<kind>[-<window>s].json (ACCURACY.md's *A speed probe* has the
// figures).
//
// PROBE_COMPARE=1: both probes on the app's CPU instead, the one before 2026-12-05 (500 digests every
// 100 ms) and the product's (125 every 20 ms), read over the same windows: probes[0] is the old one,
// probes[1] the product's (src/app/speed-probe.ts has the figures).
//
// Run: npx tsx bench/speed-probe.ts
//   (PROBE_SECONDS=150, PROBE_WINDOW=2, PROBE_NOISE=cpu1|cpu0|none, PROBE_KIND=hash|loop, PROBE_COMPARE=1)
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import autocannon from 'autocannon'
import { freePort } from '../src/app/ports.js'
import { HASHING_UNIT, meanSpeedUs, PRODUCT_PROBE, startSpeedProbe, type ProbeWork } from '../src/app/speed-probe.js'
import { HEAP_PAD_BYTES, HEAP_PAD_VARIABLE } from '../src/load/schedule.js'
import { mean, median, stddev } from '../src/stats/stats.js'
import { hashAppReady } from './apps/hash-config.js'
import { correlation } from './correlation.js'
import { cpuSeconds } from './one-scenario.js'

const seconds = Number(process.env.PROBE_SECONDS ?? 150)
const noise = process.env.PROBE_NOISE ?? 'cpu1'
// PROBE_KIND=hash (the default): the product's probe (src/app/speed-probe.ts), SHA-256 digests kept
// in objects and written as JSON, what a route does; loop: integer arithmetic only, timed alike.
const PROBE_KIND = process.env.PROBE_KIND ?? 'hash'
const LOOP_UNIT = 'let x = sink; for (let i = 0; i < 400000; i++) x = (x * 31 + i) % 1000003; sink = x'

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
const COMPARE = process.env.PROBE_COMPARE === '1'
// The probe before 2026-12-05: four times the product's unit, five times as seldom.
const OLD_PROBE: ProbeWork = { body: HASHING_UNIT, size: 500, intervalMs: 100 }
const probes = COMPARE
  ? [startSpeedProbe('1', OLD_PROBE), startSpeedProbe('1')]
  : [0, 1].map((cpu) => startSpeedProbe(String(cpu), PROBE_KIND === 'loop' ? { body: LOOP_UNIT, size: 1, intervalMs: 100 } : PRODUCT_PROBE))
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

// How a window's units are summed up into one speed: the median (the product's first choice), the
// mean time a unit, and the mean speed (units over the summed inverse times, a harmonic mean). A round
// that straddles a change of regime is a mixture in time; the app's CPU per request over it is total
// CPU over total answers, which weights each stretch by its speed, as the mean speed does.
const SUMMARIES: ReadonlyArray<{ readonly name: string; readonly of: (us: readonly number[]) => number }> = [
  { name: 'median', of: median },
  { name: 'mean', of: mean },
  { name: 'mean speed', of: meanSpeedUs },
]

// Windows of PROBE_WINDOW seconds (the product's rounds are 5 s): CPU per request over 1 s is read in
// 10 ms ticks, so windows of 2 s or more keep its rounding below 1 %.
const windowSeconds = Number(process.env.PROBE_WINDOW ?? 2)
interface Window {
  readonly rps: number
  readonly cpuPerRequest: number
  /** Per probe (CPU 0, CPU 1), per summary (SUMMARIES' order). */
  readonly probe: ReadonlyArray<readonly number[]>
}
const windows: Window[] = []
const last = Math.min(answers.length, appCpu.length - 1) - 1
for (let s = 2; s + windowSeconds <= last; s += windowSeconds) {
  let count = 0
  for (let k = s; k < s + windowSeconds; k++) count += answers[k] ?? 0
  const cpu = (appCpu[s + windowSeconds] ?? NaN) - (appCpu[s] ?? NaN)
  const units = probes.map((p) => p.unitsBetween(started + s * 1000, started + (s + windowSeconds) * 1000 - 1))
  if (count === 0 || units.some((u) => u.length < 3)) continue
  windows.push({
    rps: count / windowSeconds,
    cpuPerRequest: (cpu / count) * 1e6,
    probe: units.map((us) => SUMMARIES.map((summary) => summary.of(us))),
  })
}
const logCpu = windows.map((w) => Math.log(w.cpuPerRequest))
const logRps = windows.map((w) => Math.log(w.rps))
// Consecutive windows as the product's pairs: the log-ratio of the second over the first, raw and with
// the probe's log-ratio taken out at slope 1 (the adjustment's prior) and at the fitted slope.
const pairs = Array.from({ length: Math.floor(windows.length / 2) }, (_, i): [Window | undefined, Window | undefined] => [
  windows[2 * i],
  windows[2 * i + 1],
])
const pairLogCpu = pairs.map(([a, b]) => Math.log((b?.cpuPerRequest ?? NaN) / (a?.cpuPerRequest ?? NaN)))
function fit(ys: readonly number[], xs: readonly number[]): { r: number; slope: number; adjustedSd: number } {
  const r = correlation(ys, xs)
  const slope = (r * stddev(ys)) / stddev(xs)
  return { r, slope, adjustedSd: stddev(ys.map((y, i) => y - slope * ((xs[i] ?? 0) - mean(xs)))) }
}
const summary = {
  noise,
  probe: PROBE_KIND,
  seconds,
  windowSeconds,
  windows: windows.length,
  sdLogCpuPerRequest: stddev(logCpu),
  sdLogRps: stddev(logRps),
  pairs: pairs.length,
  pairSdLogCpuPerRequest: stddev(pairLogCpu),
  probes: [0, 1].map((cpu) => ({
    ...(COMPARE ? { probe: cpu === 0 ? '500 digests every 100 ms (before 2026-12-05)' : 'the product’s' } : { cpu }),
    summaries: SUMMARIES.map(({ name }, k) => {
      const logProbe = windows.map((w) => Math.log(w.probe[cpu]?.[k] ?? NaN))
      const window = fit(logCpu, logProbe)
      const pairLogProbe = pairs.map(([a, b]) => Math.log((b?.probe[cpu]?.[k] ?? NaN) / (a?.probe[cpu]?.[k] ?? NaN)))
      const pair = fit(pairLogCpu, pairLogProbe)
      return {
        summary: name,
        medianUnitUs: median(windows.map((w) => w.probe[cpu]?.[k] ?? NaN)),
        sdLogProbe: stddev(logProbe),
        correlationWithCpuPerRequest: window.r,
        correlationWithRps: correlation(logRps, logProbe),
        slope: window.slope,
        sdLogCpuPerRequestAdjusted: window.adjustedSd,
        pairCorrelation: pair.r,
        pairSlope: pair.slope,
        pairSdAdjusted: pair.adjustedSd,
        pairSdAdjustedAtSlope1: stddev(pairLogCpu.map((y, i) => y - (pairLogProbe[i] ?? NaN))),
      }
    }),
  })),
}
console.log(JSON.stringify(summary, null, 2))
await mkdir('bench/results', { recursive: true })
await writeFile(
  `bench/results/speed-probe-${noise}-${COMPARE ? 'compare' : PROBE_KIND}${windowSeconds === 2 ? '' : `-${windowSeconds}s`}.json`,
  `${JSON.stringify({ ...summary, windowsData: windows }, null, 2)}\n`,
)
process.exit(0)
