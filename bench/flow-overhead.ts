// What carrying values between steps costs the load generator: the same two-step scenario (POST
// /login, GET /me) run plain and as a flow (a data row per pass, the token captured from the JSON
// body into a header, a helper in the path), in alternating rounds against one trivial server in its
// own process. The flow parses each login body and builds each request anew, on the thread that
// times the responses; the ratio of their throughputs is that cost on this machine. Printed with the
// machine's noise (the pure CPU loop's CV) and load average. Run: npx tsx bench/flow-overhead.ts
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parsePlan } from '../src/config/load.js'
import { runRound } from '../src/load/round.js'
import { median } from '../src/stats/stats.js'
import { cpuLoopNoise } from './cpu-noise.js'

const ROUNDS = 5
const SERVER = `const http = require('node:http')
let n = 0
http.createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    const body = req.url === '/login' ? JSON.stringify({ token: 't-' + ++n, user: 'x' }) : 'ok'
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
}).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-flow-bench-'))
  const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const port = await new Promise<number>((resolve) =>
      server.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))),
    )
    await writeFile(path.join(dir, 'users.csv'), `user,password\n${Array.from({ length: 100 }, (_, i) => `u${i},p${i}`).join('\n')}\n`)
    const config = (flow: boolean): string => `baseUrl: http://127.0.0.1:${port}
scenarios:
  - name: s
    connections: 10
    duration: 3s
    warmup: 1s
${flow ? '    data: users.csv\n' : ''}    requests:
      - method: POST
        path: /login
        body: ${flow ? '{ user: "{{user}}", password: "{{password}}" }' : '{ user: u1, password: p1 }'}
${flow ? '        capture: { token: $.token }\n' : ''}      - path: /me${flow ? '?n={{$seq}}' : '?n=1'}
        headers: { authorization: "Bearer ${flow ? '{{token}}' : 't-1'}" }
`
    const scenarioOf = (flow: boolean) => {
      const [s] = parsePlan(config(flow), 'bench.yml', dir).scenarios
      if (s === undefined) throw new Error('one scenario')
      return s
    }
    const plain = scenarioOf(false)
    const flow = scenarioOf(true)
    const before = cpuLoopNoise()
    const rps: Record<'plain' | 'flow', number[]> = { plain: [], flow: [] }
    for (let round = 0; round < ROUNDS; round++) {
      // Alternating, and starting with the other one each round, so drift falls on both alike.
      const order = round % 2 === 0 ? (['plain', 'flow'] as const) : (['flow', 'plain'] as const)
      for (const which of order) {
        const scenario = which === 'plain' ? plain : flow
        const m = await runRound({ baseUrl: `http://127.0.0.1:${port}`, scenario, level: { connections: 10 } })
        if (m.ok !== m.requests) throw new Error(`${which}: ${m.requests - m.ok} failed requests`)
        rps[which].push((m.ok / m.durationMs) * 1000)
      }
    }
    const after = cpuLoopNoise()
    const ratios = rps.flow.map((f, i) => f / (rps.plain[i] ?? NaN))
    const fmt = (list: readonly number[]): string => list.map((v) => v.toFixed(0)).join(', ')
    console.log(`plain req/s per round: ${fmt(rps.plain)} (median ${median(rps.plain).toFixed(0)})`)
    console.log(`flow  req/s per round: ${fmt(rps.flow)} (median ${median(rps.flow).toFixed(0)})`)
    console.log(`flow / plain per round: ${ratios.map((r) => r.toFixed(3)).join(', ')} (median ${median(ratios).toFixed(3)})`)
    console.log(
      `machine noise: CPU loop CV ${(before.cv * 100).toFixed(1)} % before, ${(after.cv * 100).toFixed(1)} % after; load average ${after.loadAverage.toFixed(2)} on ${os.availableParallelism()} cores`,
    )
  } finally {
    server.kill()
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
