// The load generator's memory over a response body far larger than it keeps: the demo app streams
// one body of BODY_MIB MiB (default 600) per round, one round measured by request count, and this
// prints how much the measuring process's heap and RSS grew at their peak. Before bodies were limited
// (src/load/bodies.ts) the body was kept as one string: its size in heap, and over ~512 MiB a crash.
//   npx tsx bench/big-body.ts            BODY_MIB=300 npx tsx bench/big-body.ts
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freePort } from '../src/app/ports.js'
import { parsePlan } from '../src/config/load.js'
import { measure } from '../src/load/schedule.js'
import { cpuLoopNoise } from './cpu-noise.js'

const mib = Number(process.env['BODY_MIB'] ?? 600)
const repeats = 3

async function once(outDir: string): Promise<{ heapMiB: number; rssMiB: number; seconds: number }> {
  const port = await freePort()
  const plan = parsePlan(
    [
      'app:',
      '  command: node server.mjs',
      `  env: { PORT: "${port}" }`,
      `  ready: http://127.0.0.1:${port}/health`,
      `baseUrl: http://127.0.0.1:${port}`,
      'warmupSuite: false',
      'defaults: { warmup: 0s, rounds: 1, connections: 1, amount: 1, timeout: 120s }',
      'scenarios:',
      `  - { name: big, path: "/stream?mib=${mib}" }`,
    ].join('\n'),
    'big-body.yml',
    path.resolve('__fixtures__/demo'),
  )
  const start = process.memoryUsage()
  let heap = start.heapUsed
  let rss = start.rss
  const timer = setInterval(() => {
    const now = process.memoryUsage()
    heap = Math.max(heap, now.heapUsed)
    rss = Math.max(rss, now.rss)
  }, 10)
  const began = performance.now()
  const { results, failure } = await measure(plan, { outDir })
  clearInterval(timer)
  if (failure !== undefined || results.entries[0]?.rounds[0]?.valid !== true) throw new Error(`round failed: ${String(failure)}`)
  const toMiB = (bytes: number): number => Math.round(bytes / 1024 / 1024)
  return { heapMiB: toMiB(heap - start.heapUsed), rssMiB: toMiB(rss - start.rss), seconds: (performance.now() - began) / 1000 }
}

const outDir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-bench-big-'))
try {
  const before = cpuLoopNoise()
  for (let i = 0; i < repeats; i++) {
    const r = await once(outDir)
    console.log(`${mib} MiB body: heap +${r.heapMiB} MiB, RSS +${r.rssMiB} MiB at peak, ${r.seconds.toFixed(1)} s`)
  }
  const after = cpuLoopNoise()
  console.log(
    `machine noise: CPU-loop CV ${(before.cv * 100).toFixed(1)} % before, ${(after.cv * 100).toFixed(1)} % after; load average ${os.loadavg()[0]?.toFixed(1)} on ${os.availableParallelism()} cores`,
  )
} finally {
  await rm(outDir, { recursive: true, force: true })
}
