// Where two launches of the same app run, and whether that explains their offset. Same-job compares a
// base process with a head process; on this machine an unchanged node head has read 13–22 % dearer in
// CPU per request, with a p99 twice the base's, in every pair of a run, while a CPU-bound process
// kept one of the two CPUs busy. The scheduler keeps a process on the CPU it last ran on when it can,
// so if one app settles beside the busy process and the other does not, the offset is placement.
//
// The bench starts two copies of the node hashing service (bench/apps/hash-server.mjs), one after the
// other as the product starts base and head, loads them in alternating rounds (4 connections, the
// load generator in this process), and samples, ten times a second during each round, which CPU each
// app's main thread is on (/proc/PID/stat, field 39). Per launch: each copy's CPU per request, p99,
// and share of samples on the busy CPU; then whether the copy on the busy CPU is the dearer one.
//
// Run: taskset -c 1 yes >/dev/null & npx tsx bench/placement.ts; kill %1
//   PLACEMENT_LAUNCHES (default 6), PLACEMENT_PAIRS (default 6), PLACEMENT_ROUND_S (default 2),
//   PLACEMENT_BUSY_CPU (default 1: the CPU the busy process is pinned to)
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import path from 'node:path'
import { readGroupUsage } from '../src/app/monitor.js'
import { freePort } from '../src/app/ports.js'
import { mean, stddev } from '../src/stats/stats.js'
import { hashAppLoad, hashAppReady } from './apps/hash-config.js'
import { correlation } from './correlation.js'

const LAUNCHES = Number(process.env.PLACEMENT_LAUNCHES ?? 6)
const PAIRS = Number(process.env.PLACEMENT_PAIRS ?? 6)
const ROUND_S = Number(process.env.PLACEMENT_ROUND_S ?? 2)
const BUSY_CPU = Number(process.env.PLACEMENT_BUSY_CPU ?? 1)
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function start(port: number): ChildProcess {
  const env = { ...process.env, PORT: String(port), HASH_SLOWDOWN: '0' }
  return spawn(process.execPath, [path.resolve('bench/apps/hash-server.mjs')], { env, stdio: 'ignore', detached: true })
}

/** The CPU a process last ran on: field 39 of /proc/PID/stat, counted after the command name. */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return Number(fields[36])
}

interface Round {
  readonly cpuUs: number
  readonly p99Ms: number
  readonly rps: number
  /** Share of the samples with the app's main thread on the busy CPU. */
  readonly onBusy: number
}

async function round(port: number, pid: number): Promise<Round> {
  const before = readGroupUsage(pid).cpuMs
  const samples: number[] = []
  const timer = setInterval(() => samples.push(cpuOf(pid)), 100)
  const result = await hashAppLoad(port, ROUND_S)
  clearInterval(timer)
  const cpuMs = readGroupUsage(pid).cpuMs - before
  return {
    cpuUs: (1000 * cpuMs) / Math.max(1, result.requests.total),
    p99Ms: result.latency.p99,
    rps: result.requests.average,
    onBusy: samples.filter((c) => c === BUSY_CPU).length / Math.max(1, samples.length),
  }
}

const rows: string[] = []
const launches: { cpuLog: number; p99Log: number; busyDiff: number }[] = []
for (let launch = 1; launch <= LAUNCHES; launch++) {
  const ports = [await freePort(), await freePort()]
  // Started one after the other, each waited for, as the product starts base and then head.
  const apps: ChildProcess[] = []
  for (const port of ports) {
    apps.push(start(port))
    await hashAppReady(port)
  }
  try {
    const rounds: [Round[], Round[]] = [[], []]
    for (let i = 0; i < 2 * PAIRS + 1; i++) {
      for (const side of [0, 1] as const) {
        const r = await round(ports[side] ?? 0, apps[side]?.pid ?? 0)
        // The first pair warms both up and is not counted.
        if (i > 0) rounds[side].push(r)
      }
    }
    const [a, b] = rounds
    const cpuLog = mean(b.map((r, i) => Math.log(r.cpuUs / (a[i]?.cpuUs ?? NaN))))
    const p99Log = mean(b.map((r, i) => Math.log(r.p99Ms / (a[i]?.p99Ms ?? NaN))))
    const busyA = mean(a.map((r) => r.onBusy))
    const busyB = mean(b.map((r) => r.onBusy))
    launches.push({ cpuLog, p99Log, busyDiff: busyB - busyA })
    const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(Math.expm1(x) * 100).toFixed(1)} %`
    const row =
      `| ${launch} | ${mean(a.map((r) => r.cpuUs)).toFixed(0)} / ${mean(b.map((r) => r.cpuUs)).toFixed(0)} µs | ${pct(cpuLog)} ` +
      `| ${mean(a.map((r) => r.p99Ms)).toFixed(1)} / ${mean(b.map((r) => r.p99Ms)).toFixed(1)} ms | ${pct(p99Log)} ` +
      `| ${(busyA * 100).toFixed(0)} / ${(busyB * 100).toFixed(0)} % | ${(loadavg()[0] ?? NaN).toFixed(1)} |`
    rows.push(row)
    process.stderr.write(`${row}\n`)
  } finally {
    for (const app of apps) if (app.pid !== undefined) process.kill(-app.pid, 'SIGKILL')
  }
  await sleep(500)
}

console.log(
  [
    `## Two launches of the node hashing service, started one after the other; CPU ${BUSY_CPU} the busy one (${PAIRS * 2} pairs of ${ROUND_S} s rounds a launch)\n`,
    '| launch | CPU per request, first / second started | second vs first | p99, first / second | second vs first | main thread on the busy CPU, first / second | load |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Second started vs first, over launches: CPU per request ${(Math.expm1(mean(launches.map((l) => l.cpuLog))) * 100).toFixed(1)} % (SD ${(stddev(launches.map((l) => l.cpuLog)) * 100).toFixed(1)} %), ` +
      `p99 ${(Math.expm1(mean(launches.map((l) => l.p99Log))) * 100).toFixed(1)} %. ` +
      `Correlation of the CPU offset with the difference in time on the busy CPU: ${correlation(
        launches.map((l) => l.cpuLog),
        launches.map((l) => l.busyDiff),
      ).toFixed(2)}; of the p99 offset: ${correlation(
        launches.map((l) => l.p99Log),
        launches.map((l) => l.busyDiff),
      ).toFixed(2)}.`,
  ].join('\n'),
)
