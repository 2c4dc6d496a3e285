// The precise mode's accuracy: base and head started side by side and measured in one run with
// interleaved rounds (what `baseline: same-job` does), some pairs unchanged and some with the head
// slowed by DEMO_SLOWDOWN. Compare with bench/accuracy.ts, where base and head are separate runs.
//
// Run: npm run bench:accuracy-ab   (about 13 minutes on 2 cores; BENCH_AA_PAIRS, BENCH_SLOW_PAIRS,
// BENCH_DURATION, BENCH_ROUNDS change it). Writes bench/results/accuracy-ab.json and prints a table.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { freePort } from '../src/app/ports.js'
import { compare } from '../src/compare/compare.js'
import type { Plan } from '../src/config/plan.js'
import { measureSides } from '../src/load/schedule.js'
import { demoRoutesPlan } from './demo-routes.js'

const aaPairs = Number(process.env.BENCH_AA_PAIRS ?? 8)
const slowPairs = Number(process.env.BENCH_SLOW_PAIRS ?? 4)
const duration = process.env.BENCH_DURATION ?? '1s'
const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const slowdowns = [5, 10, 20]
const outDir = path.resolve('bench/results/accuracy-app')

async function plan(slowdown: number): Promise<Plan> {
  return demoRoutesPlan({ port: await freePort(), slowdown, duration, rounds })
}

/** Measures one pair side by side and returns, per entry, whether a gated metric regressed. */
async function pair(
  headSlowdown: number,
  index: number,
): Promise<{ gated: number; flagged: Record<string, boolean>; regressed: string[] }> {
  const [base, head] = await measureSides(
    [
      { plan: await plan(0), outDir, label: 'base', git: { sha: `ab-base-${index}` } },
      { plan: await plan(headSlowdown), outDir, label: 'head', git: { sha: `ab-head-${headSlowdown}-${index}` } },
    ],
    { outDir },
  )
  if (base?.failure !== undefined || head?.failure !== undefined || base === undefined || head === undefined)
    throw new Error('a side failed')
  const comparison = compare(base.results, head.results)
  const flagged: Record<string, boolean> = {}
  const regressed: string[] = []
  let gated = 0
  for (const entry of comparison.entries) {
    const bad = entry.metrics.filter((m) => m.gated && m.verdict === 'regression')
    flagged[entry.scenario] = bad.length > 0
    regressed.push(...bad.map((m) => `${entry.scenario} ${m.metric} ${(m.change * 100).toFixed(1)} %`))
    gated += entry.metrics.filter((m) => m.gated).length
  }
  process.stderr.write(`pair ${headSlowdown} % #${index + 1} done${regressed.length > 0 ? `: ${regressed.join(', ')}` : ''}\n`)
  return { gated, flagged, regressed }
}

const started = performance.now()
const results = new Map<number, { gated: number; flagged: Record<string, boolean>; regressed: string[] }[]>(
  [0, ...slowdowns].map((s) => [s, []]),
)
for (let i = 0; i < Math.max(aaPairs, slowPairs); i++) {
  if (i < aaPairs) results.get(0)?.push(await pair(0, i))
  if (i < slowPairs) for (const s of slowdowns) results.get(s)?.push(await pair(s, i))
}
const scenarios = Object.keys(results.get(0)?.[0]?.flagged ?? {})
const rate = (s: number, name: string): string => {
  const runs = results.get(s) ?? []
  return `${((runs.filter((r) => r.flagged[name]).length / Math.max(1, runs.length)) * 100).toFixed(0)} %`
}
const table = [
  `| | ${scenarios.join(' | ')} |`,
  `| --- | ${scenarios.map(() => '---:').join(' | ')} |`,
  `| unchanged pairs with any gated regression (A vs A, ${aaPairs} pairs) | ${scenarios.map((n) => rate(0, n)).join(' | ')} |`,
  ...slowdowns.map((s) => `| detected at +${s} % (${slowPairs} pairs) | ${scenarios.map((n) => rate(s, n)).join(' | ')} |`),
].join('\n')
console.log(table)
const minutes = (performance.now() - started) / 60_000
console.log(`\n${rounds} rounds x ${duration} per side, interleaved; ${minutes.toFixed(1)} min`)
await mkdir('bench/results', { recursive: true })
await writeFile(
  'bench/results/accuracy-ab.json',
  `${JSON.stringify({ aaPairs, slowPairs, rounds, duration, table, minutes, pairs: Object.fromEntries(results) }, null, 2)}\n`,
)
