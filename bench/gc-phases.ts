// Where in the collector does one launch of the node hashing service spend more than another?
// bench/process-offset.ts found that a launch's CPU offset follows its young-generation pauses with
// the number of scavenges unchanged, so the pause per scavenge differs. This bench starts two copies
// of the service with V8's `--trace-gc-nvp` (one line per collection, each phase's milliseconds),
// warms each for one round, measures them in alternating rounds as process-offset does, and splits
// every launch's scavenges into phases: per phase, the mean a scavenge over the launches, the
// head-minus-base difference's RMS over the launches, and how closely that difference follows the
// difference in whole pauses (correlation over launches). The phase that carries the offset is the
// one whose difference is as large as the pause's and follows it.
//
// Run: npx tsx bench/gc-phases.ts   (GC_PHASES_LAUNCHES (default 6), GC_PHASES_PAIRS (default 12),
//   GC_PHASES_ROUND_S (default 2); GC_PHASES_WRAP="env LD_PRELOAD=…" starts both apps through a
//   command, e.g. another allocator; GC_PHASES_NAME=x adds -x to the file's name)
// Writes bench/results/gc-phases-node[-x].json and prints markdown, with the load and the CPU loop's
// CV before and after. The app's own env passes through (HASH_IMPL=js measures the pure-JS hashing).
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { freePort } from '../src/app/ports.js'
import { mean } from '../src/stats/stats.js'
import { hashAppLoad, hashAppReady } from './apps/hash-config.js'
import { correlation } from './correlation.js'
import { cpuLoopNoise } from './cpu-noise.js'

const LAUNCHES = Number(process.env.GC_PHASES_LAUNCHES ?? 6)
const PAIRS = Number(process.env.GC_PHASES_PAIRS ?? 12)
const ROUND_S = Number(process.env.GC_PHASES_ROUND_S ?? 2)
const WRAP = process.env.GC_PHASES_WRAP?.split(' ').filter(Boolean) ?? []
const APPS_DIR = path.resolve('bench/apps')
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
// Fields of a trace line that are sizes, counts or rates, not a phase's milliseconds.
const NOT_PHASES = /size|allocated|promoted|survived|nodes_|ratio|rate|throughput|count|chunks|reduce_memory|mutator/

/** The scavenges (`gc=s`) of a trace from byte `from` on, each as its fields' numbers. */
function scavenges(file: string, from: number): Record<string, number>[] {
  const lines = readFileSync(file, 'utf8').slice(from).split('\n')
  return lines
    .filter((line) => line.includes(' gc=s '))
    .map((line) => Object.fromEntries([...line.matchAll(/([a-z_.]+)=([0-9.]+)/g)].map((m) => [m[1] ?? '', Number(m[2])])))
}

interface App {
  readonly port: number
  readonly trace: string
  readonly child: ChildProcess
  from: number
  requests: number
}
interface AppPhases {
  /** Scavenges per 1,000 requests. */
  readonly perKRequests: number
  /** Each field's mean over the measured scavenges (phases in ms). */
  readonly means: Record<string, number>
}

const dir = path.join(tmpdir(), `gc-phases-${process.pid}`)
mkdirSync(dir, { recursive: true })
const before = { load: loadavg()[0] ?? NaN, cv: cpuLoopNoise().cv }
const launches: AppPhases[][] = []
for (let l = 0; l < LAUNCHES; l++) {
  const apps: App[] = []
  for (const side of ['a', 'b']) {
    const port = await freePort()
    const trace = path.join(dir, `${l}-${side}.log`)
    const out = openSync(trace, 'w')
    const argv = [...WRAP, process.execPath, '--trace-gc-nvp', path.join(APPS_DIR, 'hash-server.mjs')]
    const child = spawn(argv[0] ?? 'false', argv.slice(1), {
      cwd: APPS_DIR,
      env: { ...process.env, PORT: String(port), HASH_SLOWDOWN: '0' },
      stdio: ['ignore', out, 'ignore'],
    })
    closeSync(out)
    await hashAppReady(port)
    apps.push({ port, trace, child, from: 0, requests: 0 })
  }
  for (const app of apps) await hashAppLoad(app.port, ROUND_S)
  for (const app of apps) app.from = statSync(app.trace).size
  for (let pair = 0; pair < PAIRS; pair++) {
    for (const app of apps) {
      app.requests += (await hashAppLoad(app.port, ROUND_S)).requests.total
      await sleep(200)
    }
  }
  for (const app of apps) app.child.kill()
  const phases = apps.map((app): AppPhases => {
    const rows = scavenges(app.trace, app.from)
    const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))]
    const means = Object.fromEntries(keys.map((key) => [key, mean(rows.map((row) => row[key] ?? 0))]))
    return { perKRequests: (1000 * rows.length) / Math.max(1, app.requests), means }
  })
  launches.push(phases)
  const [a, b] = phases
  console.error(
    `launch ${l + 1}: pause a scavenge ${a?.means.pause?.toFixed(2)} / ${b?.means.pause?.toFixed(2)} ms, scavenges per 1k ${a?.perKRequests.toFixed(1)} / ${b?.perKRequests.toFixed(1)}`,
  )
  await sleep(500)
}
const after = { load: loadavg()[0] ?? NaN, cv: cpuLoopNoise().cv }
rmSync(dir, { recursive: true, force: true })

const diff = (key: string): number[] => launches.map(([a, b]) => (b?.means[key] ?? 0) - (a?.means[key] ?? 0))
const pauseDiff = diff('pause')
const fields = Object.keys(launches[0]?.[0]?.means ?? {}).filter((key) => !NOT_PHASES.test(key))
const rows = fields
  .map((key) => ({
    phase: key,
    mean: mean(launches.flat().map((app) => app.means[key] ?? 0)),
    rmsDiff: Math.sqrt(mean(diff(key).map((d) => d * d))),
    followsPause: correlation(diff(key), pauseDiff),
  }))
  .filter((row) => row.mean >= 0.005)
  .sort((x, y) => y.rmsDiff - x.rmsDiff)
const label = WRAP.length > 0 ? `${WRAP.join(' ')} node` : 'node'
const lines = [
  `## Scavenge phases of two launches of the node hashing service (${label}${process.env.HASH_IMPL === 'js' ? ', pure-JS hashing' : ''}), ${LAUNCHES} launches × ${PAIRS} pairs of ${ROUND_S} s rounds`,
  '',
  `Load ${before.load.toFixed(1)} → ${after.load.toFixed(1)}, CPU loop CV ${(100 * before.cv).toFixed(1)} % → ${(100 * after.cv).toFixed(1)} %.`,
  `Scavenges per 1,000 requests: ${launches.map((ls) => ls.map((app) => app.perKRequests.toFixed(1)).join(' / ')).join(', ')}.`,
  '',
  '| phase | mean a scavenge (ms) | head − base, RMS over launches (ms) | follows the whole pause (correlation over launches) | each launch, base / head (ms) |',
  '| --- | ---: | ---: | ---: | --- |',
  ...rows.map(
    (row) =>
      `| ${row.phase} | ${row.mean.toFixed(3)} | ${row.rmsDiff.toFixed(3)} | ${row.followsPause.toFixed(2)} | ${launches.map((ls) => ls.map((app) => (app.means[row.phase] ?? 0).toFixed(2)).join(' / ')).join(', ')} |`,
  ),
]
console.log(lines.join('\n'))
mkdirSync('bench/results', { recursive: true })
const name = process.env.GC_PHASES_NAME === undefined ? '' : `-${process.env.GC_PHASES_NAME}`
writeFileSync(
  `bench/results/gc-phases-node${name}.json`,
  `${JSON.stringify({ wrap: WRAP, hashImpl: process.env.HASH_IMPL ?? 'native', pairs: PAIRS, roundS: ROUND_S, before, after, phases: rows, launches }, null, 2)}\n`,
)
