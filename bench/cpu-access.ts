// Would the app's access to its CPU, read from the kernel's scheduler statistics, take out of
// same-job pairs what the speed probe cannot: other work on the app's CPU taking a share of it?
// The probe times its own CPU time, so it sees the CPU running slower, not the CPU being shared; on a
// busy runner the app's share moves from round to round and throughput and latency with it.
//
// /proc/PID/task/TID/schedstat gives each thread's time on a CPU and time runnable but waiting for
// one. The access ratio a = run / (run + wait) is how much of the time the app wanted its CPU it got.
// Unlike the app's CPU share, it should not move with the code: an app that waits on I/O more wants
// the CPU less often, but gets the same part of the time it wants it. That is what this measures.
// Each round's access and CPU share are read by the product's own monitor (GroupMonitor, the
// sampler's server.cpuAccess), so the bench measures what the results record.
//
// Two node hashing services pinned to CPU 1 (as app.cpus: separate pins them), the speed probe there
// too, the load from this process on CPU 0, a contender on CPU 1 in stretches of 15 s (bench/
// contender.ts), rounds of ROUND_S seconds alternating base and head. The head: `same` (unchanged),
// `wait` (each request first waits HASH_WAIT_MS = 1 ms: costs time, no CPU), `cpu` (10 % more
// hashing), `thread` (a worker thread computing a fifth of the time beside the server: the app
// competes with itself for its CPU, so its access falls with the code's change, the case that would
// bias an adjustment by it). Per pair: y = Δ log req/s, x1 = Δ log probe, x2 = Δ log access. Prints, per head, the
// pairs' SD of y raw, after the probe (least squares), after probe and access, the fitted slopes, the
// change each model estimates (the intercept) and the mean Δ log access (≈ 0 if the code does not
// move it).
//
// Run: npx tsx bench/cpu-access.ts [same wait cpu]   (ACCESS_PAIRS=30, ROUND_S=2); writes
// bench/results/cpu-access.md.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import autocannon from 'autocannon'
import { GroupMonitor } from '../src/app/monitor.js'
import { freePort } from '../src/app/ports.js'
import { startSpeedProbe } from '../src/app/speed-probe.js'
import { HEAP_PAD_BYTES, HEAP_PAD_VARIABLE } from '../src/load/schedule.js'
import { mean, stddev } from '../src/stats/stats.js'
import { hashAppReady } from './apps/hash-config.js'
import { fit } from './least-squares.js'
import { startContender } from './contender.js'

const PAIRS = Number(process.env.ACCESS_PAIRS ?? 30)
const ROUND_S = Number(process.env.ROUND_S ?? 2)
const heads = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['same', 'wait', 'cpu']

const children: ChildProcess[] = []
process.on('exit', () => children.forEach((c) => c.kill()))
execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })

/** A hash app pinned to CPU 1, in a process group of its own, which the product's monitor samples. */
interface HashApp {
  readonly port: number
  readonly monitor: GroupMonitor
}

async function startHashApp(env: Record<string, string>): Promise<HashApp> {
  const port = await freePort()
  const child = spawn('taskset', ['-c', '1', process.execPath, 'hash-server.mjs'], {
    cwd: path.resolve('bench/apps'),
    env: { ...process.env, ...env, PORT: String(port), [HEAP_PAD_VARIABLE]: String(HEAP_PAD_BYTES) },
    stdio: 'ignore',
    detached: true,
  })
  children.push(child)
  await hashAppReady(port)
  return { port, monitor: new GroupMonitor(child.pid ?? 0) }
}

interface Round {
  readonly rps: number
  readonly probe: number
  readonly access: number
  readonly cpuShare: number
}

// Each round's access and CPU share as the product records them (src/app/sampler.ts: server.cpuAccess).
async function round(app: HashApp, probe: ReturnType<typeof startSpeedProbe>): Promise<Round> {
  app.monitor.begin()
  const from = Date.now()
  const result = await autocannon({ url: `http://127.0.0.1:${app.port}/search?q=x`, connections: 4, duration: ROUND_S })
  const to = Date.now()
  const usage = await app.monitor.end()
  return {
    rps: result.requests.total / ((to - from) / 1000),
    probe: probe.between(from, to) ?? NaN,
    access: usage?.cpuAccess ?? NaN,
    cpuShare: (usage?.cpuPercent ?? NaN) / 100,
  }
}

const probe = startSpeedProbe('1')
await probe.ready(10_000)
const contender = startContender(15_000)
children.push(contender)
const pct = (x: number): string => `${(100 * (Math.exp(x) - 1)).toFixed(1)} %`
const lines = [
  `| head | pairs | y SD raw | after probe | after probe + access | slopes (probe; probe, access) | change: raw / probe / probe + access | mean Δ log access | mean Δ log CPU share |`,
  '| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |',
]
for (const head of heads) {
  const base = await startHashApp({})
  const other = await startHashApp(
    head === 'wait'
      ? { HASH_WAIT_MS: process.env.HASH_WAIT_MS ?? '1' }
      : head === 'cpu'
        ? { HASH_SLOWDOWN: '10' }
        : head === 'thread'
          ? { HASH_BUSY_THREAD: '0.2' }
          : {},
  )
  const y: number[] = []
  const x1: number[] = []
  const x2: number[] = []
  const share: number[] = []
  for (let i = 0; i < PAIRS; i++) {
    const b = await round(base, probe)
    const h = await round(other, probe)
    if (![b.probe, h.probe, b.access, h.access].every(Number.isFinite)) continue
    y.push(Math.log(h.rps / b.rps))
    x1.push(Math.log(h.probe / b.probe))
    x2.push(Math.log(h.access / b.access))
    share.push(Math.log(h.cpuShare / b.cpuShare))
  }
  const one = fit(y, [x1])
  const two = fit(y, [x1, x2])
  lines.push(
    `| ${head} | ${y.length} | ${stddev(y).toFixed(3)} | ${one.sd.toFixed(3)} | ${two.sd.toFixed(3)} | ${one.coef[1]?.toFixed(2)}; ${two.coef[1]?.toFixed(2)}, ${two.coef[2]?.toFixed(2)} | ${pct(mean(y))} / ${pct(one.coef[0] ?? NaN)} / ${pct(two.coef[0] ?? NaN)} | ${mean(x2).toFixed(3)} | ${mean(share).toFixed(3)} |`,
  )
  process.stderr.write(`${lines.at(-1)}\n`)
  await Promise.all([base.monitor.close(), other.monitor.close()])
  for (const child of children.splice(children.indexOf(contender) + 1)) child.kill()
}
probe.stop()
console.log(lines.join('\n'))
await mkdir('bench/results', { recursive: true })
await writeFile('bench/results/cpu-access.md', `${lines.join('\n')}\n`)
process.exit(0)
