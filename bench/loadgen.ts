// Cannonade's load generator against wrk on the same trivial loopback server, same connections, in
// one run: how much of a C load generator's throughput do we reach? Run: npm run bench:loadgen
// (needs wrk: apt-get install wrk). Prints a table and writes bench/results/loadgen.json.
import { execFileSync, spawn } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { once } from 'node:events'
import { parsePlan } from '../src/config/load.js'
import { median } from '../src/stats/stats.js'
import { runRound } from '../src/load/round.js'

const seconds = Number(process.env.BENCH_SECONDS ?? 5)
const repeats = Number(process.env.BENCH_REPEATS ?? 3)
const levels = (process.env.BENCH_CONNECTIONS ?? '1,10,50').split(',').map(Number)

const server = spawn(process.execPath, ['bench/trivial-server.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] })
const [line] = (await once(server.stdout, 'data')) as [Buffer]
const port = Number(/listening (\d+)/.exec(line.toString())?.[1])
const baseUrl = `http://127.0.0.1:${port}`

function wrk(connections: number): number {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, `${baseUrl}/`], { encoding: 'utf8' })
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
}

async function cannonade(connections: number): Promise<number> {
  const plan = parsePlan(
    `baseUrl: ${baseUrl}\nscenarios: [{ name: b, path: /, connections: ${connections}, duration: ${seconds}s, warmup: 500ms }]`,
    'bench.yml',
    '.',
  )
  const scenario = plan.scenarios[0]
  const level = scenario?.levels[0]
  if (scenario === undefined || level === undefined) throw new Error('bench plan has no scenario')
  const m = await runRound({ baseUrl, scenario, level })
  return (m.ok / m.durationMs) * 1000
}

const rows: { connections: number; wrk: number; cannonade: number; ratio: number }[] = []
try {
  for (const connections of levels) {
    const w: number[] = []
    const c: number[] = []
    // Alternate the order so slow drift of the machine does not favour either tool.
    for (let i = 0; i < repeats; i++) {
      if (i % 2 === 0) {
        w.push(wrk(connections))
        c.push(await cannonade(connections))
      } else {
        c.push(await cannonade(connections))
        w.push(wrk(connections))
      }
    }
    const row = { connections, wrk: median(w), cannonade: median(c), ratio: median(c) / median(w) }
    rows.push(row)
    console.log(
      `${connections} conn: wrk ${row.wrk.toFixed(0)} req/s, cannonade ${row.cannonade.toFixed(0)} req/s, ratio ${row.ratio.toFixed(2)}`,
    )
  }
} finally {
  server.kill()
}
await mkdir('bench/results', { recursive: true })
await writeFile('bench/results/loadgen.json', `${JSON.stringify({ seconds, repeats, rows }, null, 2)}\n`)
