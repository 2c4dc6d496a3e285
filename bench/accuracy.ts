// How often does Cannonade cry wolf, and how often does it catch a real slowdown? Runs the demo app
// in separate runs (each run starts the app afresh, like two CI jobs would), some unchanged (A) and
// some with DEMO_SLOWDOWN at 5, 10 and 20 %, then compares every A run against every other A run
// (false alarms) and every A run against every slowed run (detection).
//
// Run: npm run bench:accuracy   (about 10 minutes on 2 cores; BENCH_A_RUNS, BENCH_SLOW_RUNS,
// BENCH_DURATION and BENCH_ROUNDS shrink or grow it). Writes bench/results/accuracy.json and prints
// the markdown table that goes into the README.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { compare } from '../src/compare/compare.js'
import { measure } from '../src/load/schedule.js'
import type { Results } from '../src/results/format.js'
import { demoRoutesPlan } from './demo-routes.js'

const aRuns = Number(process.env.BENCH_A_RUNS ?? 10)
const slowRuns = Number(process.env.BENCH_SLOW_RUNS ?? 5)
const duration = process.env.BENCH_DURATION ?? '1s'
const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const slowdowns = [5, 10, 20]
const port = 3990

async function run(slowdown: number, index: number): Promise<Results> {
  const plan = demoRoutesPlan({ port, slowdown, duration, rounds })
  const { results, failure } = await measure(plan, {
    outDir: path.resolve('bench/results/accuracy-app'),
    git: { sha: `run-${slowdown}-${index}` },
  })
  if (failure !== undefined) throw failure
  process.stderr.write(`run ${slowdown} % #${index + 1} done\n`)
  return results
}

/** Share of gated metric comparisons judged a regression, over all pairs. */
function regressionRate(pairs: [Results, Results][]): { rate: number; judged: number; perMetric: Record<string, number> } {
  let judged = 0
  let flagged = 0
  const perMetric: Record<string, [number, number]> = {}
  for (const [base, head] of pairs) {
    for (const entry of compare(base, head).entries) {
      for (const m of entry.metrics) {
        if (!m.gated) continue
        judged++
        const key = `${entry.scenario} ${m.metric}`
        const counts = perMetric[key] ?? [0, 0]
        perMetric[key] = counts
        counts[1]++
        if (m.verdict === 'regression') {
          flagged++
          counts[0]++
        }
      }
    }
  }
  const rates = Object.fromEntries(Object.entries(perMetric).map(([k, [f, n]]) => [k, f / n]))
  return { rate: judged === 0 ? 0 : flagged / judged, judged, perMetric: rates }
}

/** Share of (A, slowed) pairs in which the slowed entry got at least one gated regression, per entry. */
function detectionRate(pairs: [Results, Results][]): Record<string, number> {
  const hits: Record<string, [number, number]> = {}
  for (const [base, head] of pairs) {
    for (const entry of compare(base, head).entries) {
      const counts = hits[entry.scenario] ?? [0, 0]
      hits[entry.scenario] = counts
      counts[1]++
      if (entry.metrics.some((m) => m.gated && m.verdict === 'regression')) counts[0]++
    }
  }
  return Object.fromEntries(Object.entries(hits).map(([k, [f, n]]) => [k, f / n]))
}

const started = performance.now()
const unchanged: Results[] = []
const slowed = new Map<number, Results[]>(slowdowns.map((s) => [s, []]))
// Interleave unchanged and slowed runs so drift of the machine does not line up with the slowdown.
for (let i = 0; i < Math.max(aRuns, slowRuns); i++) {
  if (i < aRuns) unchanged.push(await run(0, i))
  if (i < slowRuns) for (const s of slowdowns) slowed.get(s)?.push(await run(s, i))
}

const aPairs: [Results, Results][] = []
for (let i = 0; i < unchanged.length; i++) {
  for (let j = 0; j < unchanged.length; j++) {
    const [a, b] = [unchanged[i], unchanged[j]]
    if (i !== j && a !== undefined && b !== undefined) aPairs.push([a, b])
  }
}
const falseAlarms = regressionRate(aPairs)
const detection = Object.fromEntries(
  slowdowns.map((s) => {
    const pairs = unchanged.flatMap((a) => (slowed.get(s) ?? []).map((b): [Results, Results] => [a, b]))
    return [s, detectionRate(pairs)]
  }),
)
const minutes = (performance.now() - started) / 60_000

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`
const scenarios = Object.keys(detection[20] ?? {})
const lines = [
  `| | ${scenarios.join(' | ')} |`,
  `| --- | ${scenarios.map(() => '---:').join(' | ')} |`,
  `| false alarms (A vs A, per gated metric) | ${scenarios
    .map((s) => {
      const rates = Object.entries(falseAlarms.perMetric).filter(([k]) => k.startsWith(`${s} `))
      return pct(Math.max(0, ...rates.map(([, r]) => r)))
    })
    .join(' | ')} |`,
  ...slowdowns.map((s) => `| detected at +${s} % | ${scenarios.map((name) => pct(detection[s]?.[name] ?? 0)).join(' | ')} |`),
]
const table = lines.join('\n')
console.log(table)
console.log(
  `\n${unchanged.length} unchanged and ${slowRuns} x ${slowdowns.length} slowed runs of ${rounds} rounds x ${duration}; ` +
    `${aPairs.length} A-vs-A pairs, ${falseAlarms.judged} gated metric comparisons, overall false-alarm rate ${pct(falseAlarms.rate)}; ${minutes.toFixed(1)} min`,
)
await mkdir('bench/results', { recursive: true })
await writeFile(
  'bench/results/accuracy.json',
  `${JSON.stringify({ aRuns, slowRuns, rounds, duration, falseAlarms, detection, minutes, table }, null, 2)}\n`,
)
