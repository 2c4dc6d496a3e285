// Measurement integrity, in one run of a few minutes: npm run bench:integrity
//   (a) throughput against wrk on a trivial loopback server at 1, 10, 50 and 100 connections: alone,
//       with the server monitor sampling, and with the monitor and 300 idle extra processes present
//       (wrk: apt-get install wrk; this part is skipped with a note without it);
//   (b) arrival times recorded by a test server at 300 and 1000 req/s: inter-arrival CV, the median
//       gap error (the spacing itself, which a machine's occasional stalls do not move), largest gap;
//   (c) a server that stalls 100 ms every second, at 200 req/s: the p99 and p99.9 Cannonade reports
//       against the values the stall schedule implies.
// Beside them, the machine's own noise: a pure CPU loop's second-to-second CV. Prints a markdown
// table and writes bench/results/integrity.json. BENCH_SECONDS (default 2) sets each measurement,
// BENCH_REPEATS (default 2) how often each (a) pair runs, BENCH_PARTS (wrk,pacing,stall) which parts.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { GroupMonitor, type WindowUsage } from '../src/app/monitor.js'
import { median } from '../src/stats/stats.js'
import { parsePlan } from '../src/config/load.js'
import type { LoadMeasurement } from '../src/load/round.js'
import { runEntryRound, threadCount } from '../src/load/threads.js'

const seconds = Number(process.env.BENCH_SECONDS ?? 2)
// BENCH_PARTS=pacing (or wrk, stall; comma-separated) runs only those parts.
const parts = new Set((process.env.BENCH_PARTS ?? 'wrk,pacing,stall').split(','))
const repeats = Number(process.env.BENCH_REPEATS ?? 2)
const children: ChildProcess[] = []

function stopAll(): void {
  for (const child of children) {
    // Each child leads a process group of its own: the extra processes go with it.
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
}

async function startServer(script: string, env: Record<string, string> = {}): Promise<{ baseUrl: string; pid: number }> {
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'], detached: true, env: { ...process.env, ...env } })
  children.push(child)
  const stdout = child.stdout
  if (stdout === null || child.pid === undefined) throw new Error(`could not start ${script}`)
  const [line]: unknown[] = await once(stdout, 'data')
  return { baseUrl: `http://127.0.0.1:${/listening (\d+)/.exec(String(line))?.[1] ?? 0}`, pid: child.pid }
}

function scenarioFor(baseUrl: string, load: string, durationS = seconds): Parameters<typeof runEntryRound>[0] {
  const plan = parsePlan(
    `baseUrl: ${baseUrl}\nscenarios: [{ name: b, path: /, ${load}, duration: ${durationS}s, warmup: 500ms }]`,
    'bench.yml',
    '.',
  )
  const scenario = plan.scenarios[0]
  const level = scenario?.levels[0]
  if (scenario === undefined || level === undefined) throw new Error('bench plan has no scenario')
  return { baseUrl, scenario, level }
}

/** A pure CPU loop's iterations per second, second by second: the machine's own noise. */
function cpuNoise(samples: number): { cv: number; samples: number } {
  const counts: number[] = []
  for (let s = 0; s < samples; s++) {
    const end = performance.now() + 1000
    let n = 0
    while (performance.now() < end) for (let i = 0; i < 1000; i++) n += i % 3
    counts.push(n)
  }
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length
  const sd = Math.sqrt(counts.reduce((a, b) => a + (b - mean) ** 2, 0) / counts.length)
  return { cv: sd / mean, samples }
}

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' })
    return true
  } catch (error) {
    // wrk --version exits 1 after printing its version.
    return typeof error === 'object' && error !== null && 'status' in error && error.status === 1
  }
}

function wrk(baseUrl: string, connections: number): number {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, `${baseUrl}/`], { encoding: 'utf8' })
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
}

async function cannonade(
  baseUrl: string,
  connections: number,
  monitor: GroupMonitor | undefined,
  threads: number | 'auto',
): Promise<{ rps: number; cpuUsPerResponse: number }> {
  let usage: Promise<WindowUsage | undefined> | undefined
  const m = await runEntryRound(scenarioFor(baseUrl, `connections: ${connections}, threads: ${threads}`), {
    onMeasureStart: () => monitor?.begin(),
    onMeasureEnd: () => (usage = monitor?.end()),
  })
  await usage
  // CPU of the load thread(s) per response, µs: what one response costs the load generator.
  const cpuUs = (m.loadgenCpuPercent / 100) * m.durationMs * 1000 * threadCount({ threads }, { connections })
  return { rps: (m.ok / m.durationMs) * 1000, cpuUsPerResponse: m.ok === 0 ? NaN : cpuUs / m.ok }
}

interface WrkRow {
  readonly condition: string
  readonly connections: number
  readonly threads: number
  readonly wrk: number
  readonly cannonade: number
  readonly ratio: number
  readonly cpuUsPerResponse: number
}

async function againstWrk(): Promise<WrkRow[]> {
  const server = await startServer('bench/trivial-server.mjs')
  const rows: WrkRow[] = []
  const monitor = new GroupMonitor(server.pid)
  const conditions: { name: string; monitor?: GroupMonitor; extra?: boolean; threads?: number }[] = [
    { name: 'alone' },
    { name: 'monitor', monitor },
    { name: 'monitor + 300 processes', monitor, extra: true },
    // What a second load thread does here (auto takes one on 2 cores, two on 4).
    { name: 'monitor + 300 processes, 2 threads', monitor, threads: 2 },
  ]
  try {
    for (const condition of conditions) {
      if (condition.extra === true) {
        // 300 idle processes in a group of their own, as a busy CI runner has.
        const idle = spawn('sh', ['-c', 'for i in $(seq 300); do sleep 600 & done; wait'], { stdio: 'ignore', detached: true })
        children.push(idle)
        await new Promise((resolve) => setTimeout(resolve, 1500))
      }
      for (const connections of [1, 10, 50, 100]) {
        const w: number[] = []
        const c: number[] = []
        const cpu: number[] = []
        // Alternate the order so slow drift of the machine favours neither.
        for (let i = 0; i < repeats; i++) {
          if (i % 2 === 0) w.push(wrk(server.baseUrl, connections))
          const measured = await cannonade(server.baseUrl, connections, condition.monitor, condition.threads ?? 'auto')
          c.push(measured.rps)
          cpu.push(measured.cpuUsPerResponse)
          if (i % 2 === 1) w.push(wrk(server.baseUrl, connections))
        }
        const threads = threadCount({ threads: condition.threads ?? 'auto' }, { connections })
        const row = {
          condition: condition.name,
          connections,
          threads,
          wrk: median(w),
          cannonade: median(c),
          ratio: median(c) / median(w),
          cpuUsPerResponse: median(cpu),
        }
        rows.push(row)
        console.error(
          `${row.condition}, ${connections} conn: wrk ${row.wrk.toFixed(0)}, cannonade ${row.cannonade.toFixed(0)} req/s, ratio ${row.ratio.toFixed(2)}`,
        )
      }
    }
  } finally {
    await monitor.close()
  }
  return rows
}

interface PacingRow {
  readonly rate: number
  readonly requests: number
  readonly cv: number
  /** The median of |gap − interval| / interval: the spacing itself, robust to the machine's stalls. */
  readonly medianGapError: number
  readonly maxGapMs: number
  readonly maxGapIntervals: number
}

async function pacing(): Promise<PacingRow[]> {
  const server = await startServer('__fixtures__/arrivals/server.mjs')
  const rows: PacingRow[] = []
  for (const rate of [300, 1000]) {
    await fetch(`${server.baseUrl}/arrivals`)
    const spec = scenarioFor(server.baseUrl, `rate: ${rate}, connections: 10`)
    await runEntryRound(spec)
    const times: unknown = await (await fetch(`${server.baseUrl}/arrivals`)).json()
    if (!Array.isArray(times)) throw new Error('no arrival times')
    // The measured window only: the warm-up's requests come first.
    const kept = times.filter((t): t is number => typeof t === 'number').slice(Math.round((rate * spec.scenario.warmupMs) / 1000))
    const gaps = kept.slice(1).map((t, i) => t - (kept[i] ?? t))
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length)
    const maxGapMs = Math.max(...gaps)
    const errors = gaps.map((gap) => Math.abs(gap - 1000 / rate) / (1000 / rate)).sort((a, b) => a - b)
    const medianGapError = errors[Math.floor(errors.length / 2)] ?? NaN
    rows.push({ rate, requests: kept.length, cv: sd / mean, medianGapError, maxGapMs, maxGapIntervals: maxGapMs / (1000 / rate) })
    console.error(
      `pacing ${rate} req/s: CV ${(sd / mean).toFixed(3)}, median gap error ${medianGapError.toFixed(3)}, largest gap ${maxGapMs.toFixed(1)} ms`,
    )
  }
  return rows
}

interface StallRow {
  readonly metric: 'p99' | 'p999'
  readonly reportedMs: number
  readonly impliedMs: number
  readonly ratio: number
}

async function stall(): Promise<StallRow[]> {
  const stallMs = 100
  const everyMs = 1000
  const server = await startServer('__fixtures__/arrivals/server.mjs', { STALL_MS: String(stallMs), STALL_EVERY_MS: String(everyMs) })
  // Several stalls in the window, so the tail is not down to where one falls.
  const m: LoadMeasurement = await runEntryRound(scenarioFor(server.baseUrl, 'rate: 200, connections: 10', Math.max(5, seconds)))
  // Evenly spaced requests: the share stallMs / everyMs of them is meant to leave during a stall and
  // waits for its end, 0 to stallMs; the rest answer at once. Percentile q (above 1 - share) is
  // then stallMs × (q - (1 - share)) / share, plus the service time (the median).
  const share = stallMs / everyMs
  const implied = (q: number): number => (stallMs * (q - (1 - share))) / share + m.latencyUs.p50 / 1000
  const rows: StallRow[] = [
    { metric: 'p99', reportedMs: m.latencyUs.p99 / 1000, impliedMs: implied(0.99), ratio: m.latencyUs.p99 / 1000 / implied(0.99) },
    { metric: 'p999', reportedMs: m.latencyUs.p999 / 1000, impliedMs: implied(0.999), ratio: m.latencyUs.p999 / 1000 / implied(0.999) },
  ]
  for (const row of rows)
    console.error(`stall ${row.metric}: reported ${row.reportedMs.toFixed(1)} ms, implied ${row.impliedMs.toFixed(1)} ms`)
  return rows
}

const started = performance.now()
const noiseBefore = cpuNoise(5)
console.error(`machine noise: CPU loop CV ${(noiseBefore.cv * 100).toFixed(1)} % per second`)
let wrkRows: WrkRow[] = []
let wrkNote: string | undefined
let pacingRows: PacingRow[] = []
let stallRows: StallRow[] = []
try {
  if (!parts.has('wrk')) wrkNote = 'not run (BENCH_PARTS)'
  else if (hasWrk()) wrkRows = await againstWrk()
  else wrkNote = 'wrk not found (apt-get install wrk): the comparison with wrk was skipped'
  if (parts.has('pacing')) pacingRows = await pacing()
  if (parts.has('stall')) stallRows = await stall()
} finally {
  stopAll()
}
const noiseAfter = cpuNoise(5)
const machine = {
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  cores: os.availableParallelism(),
  node: process.version,
  loadAverage: os.loadavg()[0],
}

const lines: string[] = []
lines.push(
  `Machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; noise (a pure CPU loop's second-to-second CV): ${(noiseBefore.cv * 100).toFixed(1)} % before, ${(noiseAfter.cv * 100).toFixed(1)} % after; 1-minute load average ${machine.loadAverage?.toFixed(1)}.`,
)
lines.push('')
if (wrkNote !== undefined) lines.push(`(a) ${wrkNote}.`)
else {
  lines.push('| (a) condition | connections | load threads | wrk req/s | Cannonade req/s | ratio | Cannonade CPU per response |')
  lines.push('| :-- | --: | --: | --: | --: | --: | --: |')
  for (const r of wrkRows)
    lines.push(
      `| ${r.condition} | ${r.connections} | ${r.threads} | ${r.wrk.toFixed(0)} | ${r.cannonade.toFixed(0)} | ${r.ratio.toFixed(2)} | ${r.cpuUsPerResponse.toFixed(0)} µs |`,
    )
}
lines.push('')
lines.push('| (b) rate | requests | inter-arrival CV | median gap error | largest gap |')
lines.push('| --: | --: | --: | --: | --: |')
for (const r of pacingRows)
  lines.push(
    `| ${r.rate} req/s | ${r.requests} | ${r.cv.toFixed(3)} | ${(r.medianGapError * 100).toFixed(1)} % | ${r.maxGapMs.toFixed(1)} ms (${r.maxGapIntervals.toFixed(1)} intervals) |`,
  )
lines.push('')
lines.push('| (c) stall 100 ms/s at 200 req/s | reported | implied by the schedule | ratio |')
lines.push('| :-- | --: | --: | --: |')
for (const r of stallRows)
  lines.push(
    `| ${r.metric === 'p999' ? 'p99.9' : 'p99'} | ${r.reportedMs.toFixed(1)} ms | ${r.impliedMs.toFixed(1)} ms | ${r.ratio.toFixed(2)} |`,
  )
console.log(lines.join('\n'))
console.error(`total ${((performance.now() - started) / 1000).toFixed(0)} s`)
await mkdir('bench/results', { recursive: true })
await writeFile(
  'bench/results/integrity.json',
  `${JSON.stringify({ seconds, repeats, machine, noise: { before: noiseBefore, after: noiseAfter }, wrk: wrkRows, wrkNote, pacing: pacingRows, stall: stallRows }, null, 2)}\n`,
)
