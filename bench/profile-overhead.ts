// What the profiler costs the app it watches: the demo app's /checkout (priceBasket, CPU-bound) and
// /users (cheap, mostly HTTP) measured plain, under V8's profiler (the preload src/profile uses), and
// under perf record (cpu-clock, 499 Hz, -g, Node with --perf-basic-prof), in interleaved rounds of
// autocannon at 2 connections. Prints the median req/s of each and the ratio to plain, with the
// machine's CPU noise (bench/cpu-noise.ts) and load average before and after.
//   npx tsx bench/profile-overhead.ts [rounds=6] [seconds=2]
import autocannon from 'autocannon'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { startApp, waitUntilReady, type RunningApp } from '../src/app/process.js'
import { freePort } from '../src/app/ports.js'
import type { AppPlan } from '../src/config/plan.js'
import { liveGroupPids } from '../src/app/monitor.js'
import { NODE_PRELOAD, PERF_SAMPLING, perfUnavailable, profiledApp } from '../src/profile/profilers.js'
import { cpuLoopNoise } from './cpu-noise.js'

const rounds = Number(process.argv[2] ?? 6)
const seconds = Number(process.argv[3] ?? 2)
const routes = ['/checkout', '/users']

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

async function rps(url: string): Promise<number> {
  const result = await autocannon({ url, connections: 2, duration: seconds })
  return result.requests.average
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-profile-overhead-'))
const preload = path.join(dir, 'preload.cjs')
await writeFile(preload, NODE_PRELOAD)
const before = cpuLoopNoise()
const variants: { name: string; app: RunningApp; url: string; perf?: ChildProcess }[] = []
try {
  const perfProblem = perfUnavailable()
  const kinds: ('plain' | 'node' | 'perf')[] = ['plain', 'node', ...(perfProblem === undefined ? ['perf' as const] : [])]
  if (perfProblem !== undefined) process.stdout.write(`perf left out: ${perfProblem}\n`)
  for (const name of kinds) {
    const port = await freePort()
    const plain: AppPlan = {
      command: 'exec node server.mjs',
      build: { kind: 'none' },
      cwd: path.resolve('__fixtures__/demo'),
      env: { PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/health`,
      readyTimeoutMs: 30_000,
      stopTimeoutMs: 5000,
    }
    const app = name === 'plain' ? plain : profiledApp(plain, { kind: name }, dir, preload)
    const running = await startApp(app, `http://127.0.0.1:${port}/health`, path.join(dir, `${name}.log`))
    await waitUntilReady(running, app, `http://127.0.0.1:${port}`)
    const perf =
      name === 'perf'
        ? spawn('perf', ['record', ...PERF_SAMPLING, '-o', path.join(dir, 'perf.data'), '-p', liveGroupPids(running.pgid).join(',')], {
            detached: true,
            stdio: 'ignore',
          })
        : undefined
    variants.push({ name, app: running, url: `http://127.0.0.1:${port}`, ...(perf === undefined ? {} : { perf }) })
  }
  for (const route of routes) {
    const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]))
    // Warm every variant's JIT before the rounds that count.
    for (const v of variants) await rps(`${v.url}${route}`)
    for (let r = 0; r < rounds; r++) {
      // Rotate the order each round, so no variant always follows the same one.
      const order = variants.map((_, i) => variants[(i + r) % variants.length]).filter((v) => v !== undefined)
      for (const v of order) samples.get(v.name)?.push(await rps(`${v.url}${route}`))
    }
    const plainRps = median(samples.get('plain') ?? [])
    for (const v of variants) {
      const values = samples.get(v.name) ?? []
      const m = median(values)
      process.stdout.write(
        `${route} ${v.name.padEnd(5)} median ${m.toFixed(0).padStart(6)} req/s  (${values.map((x) => x.toFixed(0)).join(' ')})  ${v.name === 'plain' ? '' : `ratio to plain ${(m / plainRps).toFixed(3)}`}\n`,
      )
    }
  }
} finally {
  for (const v of variants) {
    if (v.perf?.pid !== undefined) process.kill(-v.perf.pid, 'SIGINT')
    await v.app.stop()
  }
  await rm(dir, { recursive: true, force: true })
  for (const v of variants) await rm(`/tmp/perf-${v.app.pgid}.map`, { force: true })
}
const after = cpuLoopNoise()
process.stdout.write(
  `CPU loop noise (CV per second): before ${(before.cv * 100).toFixed(1)} %, after ${(after.cv * 100).toFixed(1)} %; load average ${before.loadAverage.toFixed(2)} → ${after.loadAverage.toFixed(2)} (${os.cpus().length} cores)\n`,
)
