// Do two launches of the same app cost the same? Same-job compares a base process with a head
// process, so an offset between two launches of identical code is read as a change. This bench starts
// two copies of the same hashing service (bench/apps) again and again, measures them in alternating
// rounds like the product's A B A B, and splits each launch's pairs into two halves:
// - an offset that belongs to the launch (memory layout, the runtime's heap sizing or compiled code)
//   shows as halves that agree with each other and launches that disagree;
// - noise that only moves over time (where the scheduler puts each app) shows as halves that disagree.
// Each launch is measured twice over: the apps free to run on any CPU (as the product runs them), and
// both apps pinned to the same CPU with this process on another (`taskset`), which takes away where
// each app runs as a difference between them.
// Per mode: the launches' mean log-ratio of CPU per request and req/s with its standard error, the
// agreement of the halves (correlation over launches) and the launch-to-launch SD left after the
// within-launch noise is taken out (a method-of-moments estimate: var(launch means) − mean(SE²)).
//
// PROCESS_MODES=free,pinned,frozen,flags,together picks the ways of running them (frozen: the app
// not measured is stopped with SIGSTOP for the other's round; flags: free, node started with
// PROCESS_NODE_FLAGS, to test what a runtime setting does to the offset; together: both apps loaded
// at once, each by its own connections, for as long as a pair of rounds takes, so whatever the
// machine does in that window falls on both); PROCESS_GAP_MS pauses after each pair, as the product
// does while it decides. On node, each round also reads the app's collector pauses (GET /gc), so a
// launch's offset can be split into what its garbage collector costs and the rest.
//
// Run: npx tsx bench/process-offset.ts   (PROCESS_APP=node|python, PROCESS_LAUNCHES (default 6),
//   PROCESS_PAIRS per half (default 6), PROCESS_ROUND_S (default 2); needs taskset and 2+ CPUs)
// PROCESS_NAME=x adds -x to the file's name (a flags run names its flags); PROCESS_WRAP="setarch x86_64 -R"
// starts the flags mode's apps through that command.
// Writes bench/results/process-offset-<app>[-<modes>[-<name>]].json and prints markdown, with the
// load and the CPU loop's CV before and after.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import path from 'node:path'
import { readGroupUsage } from '../src/app/monitor.js'
import { freePort } from '../src/app/ports.js'
import { mean, median, stddev } from '../src/stats/stats.js'
import { hashAppLoad, hashAppReady } from './apps/hash-config.js'
import { correlation } from './correlation.js'
import { cpuLoopNoise } from './cpu-noise.js'

const APP = process.env.PROCESS_APP === 'python' ? 'python' : 'node'
const LAUNCHES = Number(process.env.PROCESS_LAUNCHES ?? 6)
const PAIRS = Number(process.env.PROCESS_PAIRS ?? 6)
const ROUND_S = Number(process.env.PROCESS_ROUND_S ?? 2)
const GAP_MS = Number(process.env.PROCESS_GAP_MS ?? 0)
const CPUS = availableParallelism()
const APPS_DIR = path.resolve('bench/apps')
type Mode = 'free' | 'pinned' | 'frozen' | 'flags' | 'together'
const NODE_FLAGS = process.env.PROCESS_NODE_FLAGS?.split(' ').filter(Boolean) ?? []
// A command the flags mode starts the app through, e.g. `setarch x86_64 -R` (no address-space
// randomisation): with PROCESS_NODE_FLAGS, the way to ask whether a launch's offset is its layout.
const WRAP = process.env.PROCESS_WRAP?.split(' ').filter(Boolean) ?? []
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function start(port: number, mode: Mode): ChildProcess {
  const env = { ...process.env, PORT: String(port), HASH_SLOWDOWN: '0', HASH_GC_STATS: '1' }
  const command =
    APP === 'node'
      ? [process.execPath, ...(mode === 'flags' ? NODE_FLAGS : []), path.join(APPS_DIR, 'hash-server.mjs')]
      : ['/usr/bin/python3', '-m', 'uvicorn', 'hash_app:app', '--port', String(port), '--log-level', 'warning']
  // Pinned: both apps on the last CPU, so neither can run where the other does not.
  const argv = mode === 'pinned' ? ['taskset', '-c', String(CPUS - 1), ...command] : mode === 'flags' ? [...WRAP, ...command] : command
  const [file, ...args] = argv
  // A process group of its own, read as the product reads an app (src/app/monitor.ts readGroupUsage).
  return spawn(file ?? 'false', args, { env, cwd: APPS_DIR, stdio: 'ignore', detached: true })
}

interface GcTotals {
  readonly minor: { readonly ms: number; readonly count: number }
  readonly major: { readonly ms: number; readonly count: number }
}
async function gcTotals(port: number): Promise<GcTotals | undefined> {
  if (APP !== 'node') return undefined
  return (await (await fetch(`http://127.0.0.1:${port}/gc`)).json()) as GcTotals
}

interface Round {
  readonly rps: number
  /** CPU per request, µs. */
  readonly cpu: number
  /** The main thread's collector pauses per request, µs (node only; NaN otherwise). */
  readonly gc: number
  /** Minor collections per 1,000 requests (node only): how much the young generation holds. */
  readonly scavenges: number
}
async function round(port: number, pid: number, seconds = ROUND_S): Promise<Round> {
  const gcBefore = await gcTotals(port)
  const before = readGroupUsage(pid).cpuMs
  const result = await hashAppLoad(port, seconds)
  const cpuMs = readGroupUsage(pid).cpuMs - before
  const gcAfter = await gcTotals(port)
  const requests = Math.max(1, result.requests.total)
  const gcMs = gcBefore && gcAfter ? gcAfter.minor.ms + gcAfter.major.ms - gcBefore.minor.ms - gcBefore.major.ms : NaN
  const scavenges = gcBefore && gcAfter ? gcAfter.minor.count - gcBefore.minor.count : NaN
  return {
    rps: result.requests.average,
    cpu: (1000 * cpuMs) / requests,
    gc: (1000 * gcMs) / requests,
    scavenges: (1000 * scavenges) / requests,
  }
}

const se = (xs: readonly number[]): number => stddev(xs) / Math.sqrt(xs.length)

interface Launch {
  readonly mode: Mode
  readonly cpu: { readonly halves: [number, number]; readonly se: [number, number] }
  readonly rps: { readonly mean: number; readonly se: number }
  /** The SD of a pair's log-ratio within the launch: the noise a same-job decision works against. */
  readonly pairSd: { readonly cpu: number; readonly rps: number }
  /**
   * Each app's mean CPU per request and its lowest and highest round (µs), its collector pauses per
   * request (µs) and scavenges per 1,000 requests.
   */
  readonly apps: ReadonlyArray<{
    readonly cpu: number
    readonly cpuRange: readonly [number, number]
    readonly gc: number
    readonly scavenges: number
  }>
  readonly load: number
}

async function launch(mode: Mode): Promise<Launch> {
  const ports = [await freePort(), await freePort()] as const
  const apps = ports.map((port) => start(port, mode))
  try {
    await Promise.all(ports.map(hashAppReady))
    await Promise.all(ports.map((port) => hashAppLoad(port, 1))) // warm-up, as the product's suite warm-up
    const cpu: number[] = []
    const rps: number[] = []
    const rounds: [Round[], Round[]] = [[], []]
    // Frozen: the app not being measured is stopped (SIGSTOP) for the other's round, so that no work
    // of its own (a collector tidying up after its round, timers) lands in the other's.
    const hold = (i: 0 | 1, frozen: boolean): void => {
      if (mode === 'frozen') apps[i]?.kill(frozen ? 'SIGSTOP' : 'SIGCONT')
    }
    const pair = async (): Promise<[Round, Round]> => {
      if (mode === 'together') {
        return Promise.all([round(ports[0], apps[0]?.pid ?? 0, 2 * ROUND_S), round(ports[1], apps[1]?.pid ?? 0, 2 * ROUND_S)])
      }
      hold(1, true)
      const a = await round(ports[0], apps[0]?.pid ?? 0)
      hold(1, false)
      hold(0, true)
      const b = await round(ports[1], apps[1]?.pid ?? 0)
      hold(0, false)
      return [a, b]
    }
    for (let i = 0; i < 2 * PAIRS; i++) {
      const [a, b] = await pair()
      // The product decides between pairs: a pause after the head's round, none before it.
      await sleep(GAP_MS)
      rounds[0].push(a)
      rounds[1].push(b)
      cpu.push(Math.log(b.cpu / a.cpu))
      rps.push(Math.log(b.rps / a.rps))
    }
    const first = cpu.slice(0, PAIRS)
    const second = cpu.slice(PAIRS)
    return {
      mode,
      cpu: { halves: [mean(first), mean(second)], se: [se(first), se(second)] },
      rps: { mean: mean(rps), se: se(rps) },
      pairSd: { cpu: stddev(cpu), rps: stddev(rps) },
      apps: rounds.map((rs) => ({
        cpu: mean(rs.map((r) => r.cpu)),
        cpuRange: [Math.min(...rs.map((r) => r.cpu)), Math.max(...rs.map((r) => r.cpu))],
        gc: mean(rs.map((r) => r.gc)),
        scavenges: mean(rs.map((r) => r.scavenges)),
      })),
      load: loadavg()[0] ?? NaN,
    }
  } finally {
    for (const app of apps) app.kill('SIGKILL')
  }
}

if (process.platform !== 'linux') throw new Error('bench/process-offset.ts reads /proc: Linux only')
const pinnable =
  CPUS >= 2 &&
  (() => {
    try {
      execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' }) // this process (the load) on CPU 0
      execFileSync('taskset', ['-p', '-c', `0-${CPUS - 1}`, String(process.pid)], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()
const modes: Mode[] = (process.env.PROCESS_MODES?.split(',') as Mode[] | undefined) ?? (pinnable ? ['free', 'pinned'] : ['free'])
const before = { load: loadavg()[0] ?? NaN, cv: cpuLoopNoise().cv }
const launches: Launch[] = []
for (let i = 0; i < LAUNCHES; i++) {
  for (const mode of modes) {
    // The load generator: anywhere when the apps are free, CPU 0 when they are pinned to the last one.
    execFileSync('taskset', ['-p', '-c', mode === 'pinned' ? '0' : `0-${CPUS - 1}`, String(process.pid)], { stdio: 'ignore' })
    const l = await launch(mode)
    launches.push(l)
    const pct = (x: number): string => `${(100 * x).toFixed(1)} %`
    process.stderr.write(
      `launch ${i + 1} ${mode}: cpu halves ${pct(l.cpu.halves[0])} ± ${pct(l.cpu.se[0])}, ${pct(l.cpu.halves[1])} ± ${pct(l.cpu.se[1])}; rps ${pct(l.rps.mean)} ± ${pct(l.rps.se)}; ` +
        `apps cpu (rounds' range)/gc µs, scavenges/1k: ${l.apps.map((a) => `${a.cpu.toFixed(0)} (${a.cpuRange.map((x) => x.toFixed(0)).join('–')})/${a.gc.toFixed(0)}, ${a.scavenges.toFixed(1)}`).join(' vs ')}; load ${l.load.toFixed(1)}\n`,
    )
  }
}
const after = { load: loadavg()[0] ?? NaN, cv: cpuLoopNoise().cv }

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`
const lines = [
  `## Two launches of the same ${APP} hashing service, alternating ${ROUND_S} s rounds, ${LAUNCHES} launches × ${2 * PAIRS} pairs a mode\n`,
  `Load ${before.load.toFixed(1)} → ${after.load.toFixed(1)}, CPU loop CV ${pct(before.cv)} → ${pct(after.cv)}.\n`,
  '| apps | CPU per request, each launch (first half / second half) | halves agree (correlation over launches) | launch-to-launch SD beyond the noise | pair SD within a launch, CPU / req/s (median) | req/s, each launch | collector pauses per request, each launch (µs, A / B) | the CPU difference that follows the pauses (correlation over launches) |',
  '| --- | --- | ---: | ---: | ---: | --- | --- | ---: |',
]
const summary: Record<string, unknown> = {}
for (const mode of modes) {
  const ls = launches.filter((l) => l.mode === mode)
  const means = ls.map((l) => mean(l.cpu.halves))
  // The SE of a launch's mean from its two halves' SEs.
  const ses = ls.map((l) => Math.sqrt((l.cpu.se[0] ** 2 + l.cpu.se[1] ** 2) / 4))
  const between = Math.sqrt(Math.max(0, stddev(means) ** 2 - mean(ses.map((s) => s * s))))
  const agree = correlation(
    ls.map((l) => l.cpu.halves[0]),
    ls.map((l) => l.cpu.halves[1]),
  )
  // Does a launch's CPU offset go with its collector's? The head's minus the base's µs per request,
  // CPU against collector pauses, over the launches.
  const gcFollows = correlation(
    ls.map((l) => (l.apps[1]?.cpu ?? NaN) - (l.apps[0]?.cpu ?? NaN)),
    ls.map((l) => (l.apps[1]?.gc ?? NaN) - (l.apps[0]?.gc ?? NaN)),
  )
  const label =
    mode === 'free'
      ? 'free (as the product runs them)'
      : mode === 'frozen'
        ? 'free, the other app stopped (SIGSTOP) during each round'
        : mode === 'flags'
          ? `free, ${[...WRAP, 'node', ...NODE_FLAGS].join(' ')}`
          : mode === 'together'
            ? `free, both loaded at once for ${2 * ROUND_S} s a pair`
            : `both on CPU ${CPUS - 1}, the load on CPU 0`
  summary[mode] = { launches: ls, between, agree, gcFollows, ...(mode === 'flags' ? { flags: NODE_FLAGS, wrap: WRAP } : {}) }
  lines.push(
    `| ${label} | ${ls.map((l) => `${pct(l.cpu.halves[0])} / ${pct(l.cpu.halves[1])}`).join(', ')} | ${agree.toFixed(2)} | ${pct(between)} | ${pct(median(ls.map((l) => l.pairSd.cpu)))} / ${pct(median(ls.map((l) => l.pairSd.rps)))} | ${ls.map((l) => `${pct(l.rps.mean)} ± ${pct(l.rps.se)}`).join(', ')} | ${ls.map((l) => l.apps.map((a) => a.gc.toFixed(0)).join(' / ')).join(', ')} | ${gcFollows.toFixed(2)} |`,
  )
}
console.log(lines.join('\n'))
mkdirSync('bench/results', { recursive: true })
// One file per app and set of modes: a run of other modes does not overwrite the default's figures.
const named =
  process.env.PROCESS_MODES === undefined
    ? ''
    : `-${modes.join('-')}${process.env.PROCESS_NAME === undefined ? '' : `-${process.env.PROCESS_NAME}`}`
writeFileSync(
  `bench/results/process-offset-${APP}${named}.json`,
  `${JSON.stringify({ app: APP, pairsPerHalf: PAIRS, roundS: ROUND_S, before, after, summary }, null, 2)}\n`,
)
