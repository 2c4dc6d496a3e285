// Should server CPU per request (`cpu`) be gated by default? Two parts:
// 1. Real runs: for each `run --against` output directory given (results.json beside
//    base-results.json; see bench/cpu-apps/*.yml for the apps and how the runs were made), the pair
//    log-ratios of rps, p50, p99 and cpu: their mean change, standard deviation, t over the pairs,
//    and cpu's correlation with the others within a pair.
// 2. A seeded simulation with the noise and correlations measured in part 1 (the constants below):
//    one entry of a 3-entry suite deciding as it goes (at most 50 pairs), gated on rps, p50 and p99,
//    or on those and cpu, with the product's split (src/compare/family.ts); the share of suites
//    with a gated regression, unchanged and at +10 % and +25 % (a CPU slowdown moves cpu per request
//    by as much as it moves p50, as in the runs).
//
// Run: npx tsx bench/cpu-gate.ts [RUN_DIR ...]   (BENCH_TRIALS, default 1000). Prints markdown.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { normalSource } from '../__fixtures__/random.js'
import { entryShares } from '../src/compare/family.js'
import { sequentialVerdict } from '../src/compare/sequential.js'
import { DEFAULT_TOLERANCE } from '../src/config/tolerances.js'
import type { Results, RoundResult } from '../src/results/document.js'
import { correlation } from './correlation.js'

const METRICS = ['rps', 'p50', 'p99', 'cpu'] as const
type Metric = (typeof METRICS)[number]
const valueOf = (r: RoundResult, m: Metric): number | undefined =>
  m === 'rps' ? r.rps : m === 'cpu' ? r.server?.cpuUsPerRequest : r.latencyUs[m]

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
const sd = (xs: readonly number[]): number => {
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1))
}

// Part 1: the runs.
const runs = process.argv.slice(2).filter((d) => existsSync(path.join(d, 'results.json')) && existsSync(path.join(d, 'base-results.json')))
if (runs.length > 0) {
  console.log('| run | pairs | rps change (sd, t) | p50 | p99 | cpu | cpu–rps, cpu–p50 correlation |')
  console.log('| --- | ---: | --- | --- | --- | --- | --- |')
}
for (const dir of runs) {
  const head: Results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'))
  const base: Results = JSON.parse(readFileSync(path.join(dir, 'base-results.json'), 'utf8'))
  for (const entry of head.entries) {
    const baseEntry = base.entries.find((e) => e.key === entry.key)
    if (baseEntry === undefined) continue
    const byRound = new Map(baseEntry.rounds.filter((r) => r.valid).map((r) => [r.round, r]))
    const ys: Record<Metric, number[]> = { rps: [], p50: [], p99: [], cpu: [] }
    for (const h of entry.rounds) {
      const b = byRound.get(h.round)
      if (!h.valid || b === undefined) continue
      const row = METRICS.map((m) => Math.log((valueOf(h, m) ?? NaN) / (valueOf(b, m) ?? NaN)))
      if (!row.every(Number.isFinite)) continue
      for (const [i, m] of METRICS.entries()) ys[m].push(row[i] ?? NaN)
    }
    const n = ys.rps.length
    if (n < 3) continue
    const cell = (m: Metric): string =>
      `${((Math.exp(mean(ys[m])) - 1) * 100).toFixed(1)} % (${sd(ys[m]).toFixed(2)}, ${((mean(ys[m]) / sd(ys[m])) * Math.sqrt(n)).toFixed(1)})`
    const corr = `${correlation(ys.cpu, ys.rps).toFixed(2)}, ${correlation(ys.cpu, ys.p50).toFixed(2)}`
    console.log(`| ${path.basename(dir)} ${entry.key} | ${n} | ${METRICS.map(cell).join(' | ')} | ${corr} |`)
  }
}

// Part 2: the simulation. Medians of the runs of 2026-12-03 (README, "Server CPU per request").
const PAIR_SD: Readonly<Record<Metric, number>> = { rps: 0.31, p50: 0.32, p99: 0.5, cpu: 0.21 }
const CORRELATION = [
  [1, -0.85, -0.6, -0.8],
  [-0.85, 1, 0.5, 0.8],
  [-0.6, 0.5, 1, 0.45],
  [-0.8, 0.8, 0.45, 1],
]
const factor = CORRELATION.map(() => CORRELATION.map(() => 0))
for (let i = 0; i < CORRELATION.length; i++) {
  for (let j = 0; j <= i; j++) {
    let sum = CORRELATION[i]?.[j] ?? 0
    for (let k = 0; k < j; k++) sum -= (factor[i]?.[k] ?? 0) * (factor[j]?.[k] ?? 0)
    const row = factor[i]
    if (row !== undefined) row[j] = i === j ? Math.sqrt(sum) : sum / (factor[j]?.[j] ?? 1)
  }
}
const TRIALS = Number(process.env.BENCH_TRIALS ?? 1000)
const ENTRIES = 3
const MAX_PAIRS = 50

/** One entry deciding as it goes: whether a gated metric was called a regression. */
function caught(normal: () => number, slowdown: number, gated: readonly Metric[]): boolean {
  const regression = gated.map((metric) => ({ metric, tolerance: DEFAULT_TOLERANCE[metric], severity: 'fail' as const }))
  const shares = entryShares({ regression }, 0.01 / ENTRIES)
  const ys: number[][] = []
  for (let n = 1; n <= MAX_PAIRS; n++) {
    const z = METRICS.map(() => normal())
    ys.push(
      factor.map((row, i) => {
        const m = METRICS[i] ?? 'rps'
        const shift = (m === 'rps' ? -1 : 1) * Math.log1p(slowdown)
        return PAIR_SD[m] * row.reduce((s, c, k) => s + c * (z[k] ?? 0), 0) + shift
      }),
    )
    if (n < 5) continue
    let open = false
    for (const m of gated) {
      const i = METRICS.indexOf(m)
      const base = ys.map(() => 1000)
      const head = ys.map((y) => 1000 * Math.exp(y[i] ?? 0))
      const rule = {
        relative: true,
        direction: m === 'rps' ? 'higher-is-better' : 'lower-is-better',
        tolerance: DEFAULT_TOLERANCE[m],
        alarmAlpha: shares[m] ?? 0,
      } as const
      const { verdict } = sequentialVerdict(base, head, rule)
      if (verdict === 'regression') return true
      if (verdict === 'inconclusive') open = true
    }
    if (!open) return false
  }
  return false
}

console.log(`\n| gated (one entry of a ${ENTRIES}-entry suite, ≤ ${MAX_PAIRS} pairs) | unchanged | +10 % | +25 % |`)
console.log('| --- | ---: | ---: | ---: |')
for (const gated of [
  ['rps', 'p50', 'p99'],
  ['rps', 'p50', 'p99', 'cpu'],
] as const) {
  const cells = [0, 0.1, 0.25].map((s) => {
    const normal = normalSource(`cpu-gate:${s}`)
    let k = 0
    for (let t = 0; t < TRIALS; t++) if (caught(normal, s, gated)) k++
    return `${((100 * k) / TRIALS).toFixed(1)} %`
  })
  console.log(`| ${gated.join(', ')} | ${cells.join(' | ')} |`)
}
console.log(`\nPair SDs ${METRICS.map((m) => `${m} ${PAIR_SD[m]}`).join(', ')}; ${TRIALS} trials a cell; seeded.`)
