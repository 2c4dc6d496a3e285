// How the suite's false-alarm budget is best split over an entry's gated metrics (src/compare/family.ts),
// measured as the issue asks: power on +10 % and +25 % slowdowns at equal false alarms, over the
// round series recorded on this machine (bench/traces) replayed through the real decision code, and
// over seeded Gaussian pairs correlated like the traces.
//
// Splits tried (each entry's share α/E; within it):
// - even: plain Bonferroni, α/(E·3) for rps, p50 and p99 (what the product did before);
// - rps 0.5 / 0.8 / 0.9: throughput, the closed loop's primary, gets that part, p50 and p99 the rest;
// - p50 0.8: p50 as the primary instead.
// Every split is a weighted Bonferroni, valid under any dependence; the false-alarm columns check it.
//
// Trials:
// - replay: an entry's pairs are a block bootstrap of one recorded entry's pairs (blocks of 5), with
//   its real noise ("recorded") or rescaled so that req/s has a 5 % or 15 % round CV, as
//   bench/replay.ts builds them; the real correlation of rps, p50 and p99 within a round is kept.
// - gaussian: pair log-ratios drawn from a normal with the traces' median correlation (rps–p50 −0.8,
//   rps–p99 −0.7, p50–p99 +0.3) and pair SDs in the traces' median proportions (rps 0.10, p50 0.08,
//   p99 0.16).
// A slowdown s divides the head's req/s by 1 + s and multiplies its latencies by 1 + s (a CPU-bound
// handler in closed loop); "tail" multiplies only the head's p99 by 1.5.
// Modes: same-job deciding as you go (the product's rule: compare.ts entryDecided, then the paired
// verdicts; one entry within 3 minutes, 1.25 s rounds, at most 50 rounds) and same-job fixed 5 rounds
// (fixedVerdict). False alarms are per suite of E entries (any gated regression).
//
// Run: npx tsx bench/family.ts   (BENCH_TRIALS, default 1000; --quick: 200). Seeded (BENCH_SEED).
// Writes bench/results/family.json and prints markdown tables.
import { readdir, readFile, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { cholesky, normalSource } from '../__fixtures__/random.js'
import { entryDecided, fixedVerdict } from '../src/compare/compare.js'
import { DEFAULT_TOLERANCE } from '../src/config/tolerances.js'
import { EVEN_SPLIT, primarySplit, suiteBudget, type EntryShares, type SplitRule } from '../src/compare/family.js'
import { sequentialVerdict } from '../src/compare/sequential.js'
import type { RegressionTolerance } from '../src/config/plan.js'
import { MAX_ADAPTIVE_ROUNDS } from '../src/load/deciding.js'
import type { RoundResult } from '../src/results/document.js'
import { seededRandom } from '../src/stats/stats.js'
import type { Trace } from './trace-format.js'
import { replayRound, type Row } from './replay-round.js'

const quick = process.argv.includes('--quick')
const TRIALS = Number(process.env.BENCH_TRIALS ?? (quick ? 200 : 1000))
const SEED = process.env.BENCH_SEED ?? 'family'
const ROUNDS = 5
const ROUND_S = 1.25
const ENTRY_BUDGET_S = 180
const METRICS = ['rps', 'p50', 'p99'] as const
type Metric = (typeof METRICS)[number]
const TOLERANCES: readonly RegressionTolerance[] = METRICS.map((metric) => ({
  metric,
  tolerance: DEFAULT_TOLERANCE[metric],
  severity: 'fail',
}))

const SPLITS: readonly { readonly name: string; readonly rule: SplitRule }[] = [
  { name: 'even (Bonferroni) 1/3 each', rule: EVEN_SPLIT },
  { name: 'rps 0.5, p50 0.25, p99 0.25', rule: primarySplit({ closed: 'rps', open: 'p50' }, 0.5) },
  { name: 'rps 0.67, p50 0.17, p99 0.17', rule: primarySplit({ closed: 'rps', open: 'p50' }, 2 / 3) },
  { name: 'rps 0.8, p50 0.1, p99 0.1', rule: primarySplit({ closed: 'rps', open: 'p50' }, 0.8) },
  { name: 'rps 0.45, p50 0.1, p99 0.45', rule: { weights: { closed: { rps: 4.5, p50: 1, p99: 4.5 }, open: {} } } },
  { name: 'p50 0.8, rps 0.1, p99 0.1', rule: primarySplit({ closed: 'p50', open: 'p50' }, 0.8) },
]

/** A recorded entry's pairs as log deviations from its own level, and its req/s round CV. */
interface Source {
  readonly pairs: readonly (readonly [Row, Row])[]
  readonly rpsCv: number
}

async function loadSources(): Promise<{ sources: Source[]; traces: Trace[] }> {
  const dir = path.resolve('bench/traces')
  const traces: Trace[] = []
  for (const f of (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()) {
    traces.push(JSON.parse(await readFile(path.join(dir, f), 'utf8')))
  }
  const sources: Source[] = []
  for (const trace of traces) {
    for (const entry of trace.entries) {
      const logs = (r: Row): Row => [Math.log(r[0]), Math.log(r[1]), Math.log(r[2])]
      const all = [...entry.base, ...entry.head].map(logs)
      const level = [0, 1, 2].map((i) => all.reduce((s, r) => s + (r[i] ?? 0), 0) / all.length)
      const centre = (r: Row): Row => {
        const l = logs(r)
        return [l[0] - (level[0] ?? 0), l[1] - (level[1] ?? 0), l[2] - (level[2] ?? 0)]
      }
      const sd = Math.sqrt(all.reduce((s, r) => s + (r[0] - (level[0] ?? 0)) ** 2, 0) / (all.length - 1))
      sources.push({
        pairs: entry.base.map((b, i): [Row, Row] => [centre(b), centre(entry.head[i] ?? b)]),
        rpsCv: Math.sqrt(Math.exp(sd * sd) - 1),
      })
    }
  }
  return { sources, traces }
}

const { sources, traces } = await loadSources()
// Common random numbers: every split sees the same pairs in the same trial (reseeded per trial), so
// the differences between splits are the splits', not the draws'.
let uniform = seededRandom(SEED)
let normal = normalSource(`${SEED}:normal`)
function reseed(trial: string): void {
  uniform = seededRandom(`${SEED}:${trial}`)
  normal = normalSource(`${SEED}:${trial}:normal`)
}

/** How a trial's pairs are drawn. */
type Noise = { readonly kind: 'replay'; readonly cv: number | undefined } | { readonly kind: 'gaussian'; readonly sd: Row }
/** How the head differs: a CPU slowdown s, or a slower tail. */
type Change = { readonly kind: 'slowdown'; readonly s: number } | { readonly kind: 'tail' }

// Cholesky factor of the traces' median correlation of rps, p50 and p99 log-ratios.
const CORRELATION = [
  [1, -0.8, -0.7],
  [-0.8, 1, 0.3],
  [-0.7, 0.3, 1],
] as const
const FACTOR = cholesky(CORRELATION)

/** One entry's pairs, in order: [base, head] as (req/s, p50 µs, p99 µs). */
function pairStream(noise: Noise, change: Change): () => [Row, Row] {
  const slow = change.kind === 'slowdown' ? 1 + change.s : 1
  const tail = change.kind === 'tail' ? 1.5 : 1
  const values = (r: Row, factor: number, tailFactor: number): Row => [
    (1000 * Math.exp(r[0])) / factor,
    5000 * Math.exp(r[1]) * factor,
    20000 * Math.exp(r[2]) * factor * tailFactor,
  ]
  if (noise.kind === 'gaussian') {
    return () => {
      const z = [normal(), normal(), normal()]
      const y = FACTOR.map((row, i) => (noise.sd[i] ?? 0) * row.reduce((s, c, k) => s + c * (z[k] ?? 0), 0))
      // The whole pair noise goes on the head; the base stays at its level.
      return [values([0, 0, 0], 1, 1), values([y[0] ?? 0, y[1] ?? 0, y[2] ?? 0], slow, tail)]
    }
  }
  const source = sources[Math.floor(uniform() * sources.length)]
  if (source === undefined) throw new Error('no recorded entries in bench/traces')
  const scale = noise.cv === undefined ? 1 : Math.log(1 + noise.cv) / Math.max(1e-9, Math.log(1 + source.rpsCv))
  let block: (readonly [Row, Row])[] = []
  return () => {
    if (block.length === 0) {
      const start = Math.floor(uniform() * Math.max(1, source.pairs.length - 4))
      block = source.pairs.slice(start, start + 5)
    }
    const [b, h] = block.shift() ?? [
      [0, 0, 0],
      [0, 0, 0],
    ]
    const scaled = (r: Row): Row => [scale * r[0], scale * r[1], scale * r[2]]
    return [values(scaled(b), 1, 1), values(scaled(h), slow, tail)]
  }
}

const valueOf = (r: Row, m: Metric): number => (m === 'rps' ? r[0] : m === 'p50' ? r[1] : r[2])
const direction = (m: Metric): 'higher-is-better' | 'lower-is-better' => (m === 'rps' ? 'higher-is-better' : 'lower-is-better')

/** Same-job, deciding as you go, one entry alone within its budget: whether any gated metric regressed. */
function decideEntry(noise: Noise, change: Change, shares: EntryShares): { regressed: boolean; pairs: number } {
  const next = pairStream(noise, change)
  const maxPairs = Math.min(MAX_ADAPTIVE_ROUNDS, Math.floor(ENTRY_BUDGET_S / (2 * ROUND_S)))
  const rows: [Row, Row][] = []
  const base: RoundResult[] = []
  const head: RoundResult[] = []
  const add = (): void => {
    const pair = next()
    rows.push(pair)
    base.push(replayRound(base.length + 1, pair[0]))
    head.push(replayRound(head.length + 1, pair[1]))
  }
  for (let r = 0; r < ROUNDS; r++) add()
  while (rows.length < maxPairs && !entryDecided(base, head, TOLERANCES, shares)) add()
  const regressed = METRICS.some((m) => {
    const alarmAlpha = shares[m]
    if (alarmAlpha === undefined) return false
    const tolerance = DEFAULT_TOLERANCE[m]
    const b = rows.map((p) => valueOf(p[0], m))
    const h = rows.map((p) => valueOf(p[1], m))
    return sequentialVerdict(b, h, { relative: true, direction: direction(m), tolerance, alarmAlpha }).verdict === 'regression'
  })
  return { regressed, pairs: rows.length }
}

/** Same-job, fixed 5 rounds a side. */
function fixedEntry(noise: Noise, change: Change, shares: EntryShares, seed: string): boolean {
  const next = pairStream(noise, change)
  const rows = Array.from({ length: ROUNDS }, () => next())
  return METRICS.some((m) => {
    const alarmAlpha = shares[m]
    if (alarmAlpha === undefined) return false
    const b = rows.map((p) => valueOf(p[0], m))
    const h = rows.map((p) => valueOf(p[1], m))
    const rule = {
      seed: `${seed}:${m}`,
      direction: direction(m),
      tolerance: DEFAULT_TOLERANCE[m],
      alarmAlpha,
      relative: true,
      resamples: 200,
    }
    return fixedVerdict(b, h, rule).verdict === 'regression'
  })
}

const sharesFor = (rule: SplitRule, entries: number): EntryShares =>
  suiteBudget(
    Array.from({ length: entries }, () => ({ regression: TOLERANCES })),
    undefined,
    rule,
  ).shares[0] ?? {}

const pct = (k: number, n: number): string => `${((100 * k) / n).toFixed(1)} %`
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

const NOISES: readonly { label: string; noise: Noise }[] = [
  { label: 'recorded noise', noise: { kind: 'replay', cv: undefined } },
  { label: '15 % CV', noise: { kind: 'replay', cv: 0.15 } },
  { label: '5 % CV', noise: { kind: 'replay', cv: 0.05 } },
  { label: 'gaussian, pair SD rps 0.10, p50 0.08, p99 0.16', noise: { kind: 'gaussian', sd: [0.1, 0.08, 0.16] } },
]
const CHANGES: readonly { label: string; change: Change }[] = [
  { label: '+10 %', change: { kind: 'slowdown', s: 0.1 } },
  { label: '+25 %', change: { kind: 'slowdown', s: 0.25 } },
  { label: 'p99 ×1.5 only', change: { kind: 'tail' } },
]
const SUITE_SIZES: readonly number[] = [1, 3]
const FA_ENTRIES = 3

const started = performance.now()
const lines: string[] = []
const results: Record<string, unknown> = {}
for (const mode of ['decide', 'fixed'] as const) {
  for (const { label, noise } of NOISES) {
    lines.push(
      `\n## ${mode === 'decide' ? 'Same-job, deciding as you go (one entry ≤ 3 min; caught (median pairs))' : 'Same-job, fixed 5 rounds'}, ${label}; ${TRIALS} trials per cell\n`,
    )
    lines.push(
      `| split | false alarms, ${FA_ENTRIES}-entry suite | ${SUITE_SIZES.flatMap((e) => CHANGES.map((c) => `${c.label} caught (${e}-entry suite)`)).join(' | ')} |`,
    )
    lines.push(`| --- | ---: | ${SUITE_SIZES.flatMap(() => CHANGES.map(() => '---:')).join(' | ')} |`)
    for (const { name, rule } of SPLITS) {
      const cell: Record<string, number> = {}
      const shareOf = new Map(SUITE_SIZES.map((e) => [e, sharesFor(rule, e)]))
      const run = (change: Change, entries: number, trial: string): { regressed: boolean; pairs: number } => {
        reseed(`${mode}:${label}:${trial}`)
        const shares = shareOf.get(entries) ?? {}
        if (mode === 'decide') return decideEntry(noise, change, shares)
        return { regressed: fixedEntry(noise, change, shares, `${SEED}:${trial}`), pairs: ROUNDS }
      }
      let alarms = 0
      for (let t = 0; t < TRIALS; t++) {
        let any = false
        for (let e = 0; e < FA_ENTRIES; e++) if (run({ kind: 'slowdown', s: 0 }, FA_ENTRIES, `0:${t}:${e}`).regressed) any = true
        if (any) alarms++
      }
      cell['falseAlarms'] = alarms / TRIALS
      const cells = [pct(alarms, TRIALS)]
      for (const entries of SUITE_SIZES) {
        for (const { label: c, change } of CHANGES) {
          let caught = 0
          const pairs: number[] = []
          for (let t = 0; t < TRIALS; t++) {
            const o = run(change, entries, `${c}:${t}`)
            if (o.regressed) caught++
            pairs.push(o.pairs)
          }
          cell[`${c} (${entries})`] = caught / TRIALS
          cell[`${c} (${entries}) median pairs`] = median(pairs)
          cells.push(mode === 'decide' ? `${pct(caught, TRIALS)} (${median(pairs)})` : pct(caught, TRIALS))
        }
      }
      results[`${mode} | ${label} | ${name}`] = cell
      lines.push(`| ${name} | ${cells.join(' | ')} |`)
    }
    process.stderr.write(`${mode} ${label} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`)
  }
}
const seconds = (performance.now() - started) / 1000
lines.push(
  `\nTraces: ${traces.map((t) => `${t.recordedAt.slice(0, 16)} (CPU loop CV ${(t.cpuLoopCv.before * 100).toFixed(0)}–${(t.cpuLoopCv.after * 100).toFixed(0)} %, load ${t.loadAverage.before.toFixed(1)})`).join(', ')}; ` +
    `recorded req/s round CV ${median(sources.map((s) => s.rpsCv)) * 100 > 0 ? `${(median(sources.map((s) => s.rpsCv)) * 100).toFixed(0)} % (median)` : '?'}. A caught slowdown is a gated regression of the entry; false alarms are unchanged ${FA_ENTRIES}-entry suites with any. Seed "${SEED}"; ${seconds.toFixed(0)} s.`,
)
const text = lines.join('\n')
console.log(text)
await mkdir('bench/results', { recursive: true })
await writeFile(
  `bench/results/${quick ? 'family-quick' : 'family'}.json`,
  `${JSON.stringify({ seed: SEED, trials: TRIALS, results, seconds, text }, null, 2)}\n`,
)
