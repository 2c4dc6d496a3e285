// Accuracy over thousands of trials, from real rounds: replays the round series recorded on this
// machine (bench/traces/*.json, written by record-traces.ts: the demo routes measured the same-job
// way, two unchanged copies side by side) through the real decision code (src/compare/), with the
// noise rescaled to a chosen round CV, run-to-run drift added, and slowdowns injected.
//
// How a trial is built from a trace:
// - An entry's series is a block bootstrap of the recorded pairs (blocks of 5 consecutive pairs,
//   from one recorded entry), so the real shape of the noise stays: heavy tails, the correlation of
//   rps, p50 and p99 within a round, and that of the base and head rounds of a pair, which ran back
//   to back on the same busy machine.
// - Rescaled to a round CV: every metric's log deviations from its recorded level are multiplied by
//   one factor, so that req/s has the chosen round-to-round CV; "native" keeps the recorded noise.
// - Drift: in the artifact modes the base run and the head run are separate runs, each shifted by
//   its own machine factor (log-normal, σ = 0.15: ±30 % at two standard deviations; req/s down when
//   latency is up); same-job runs get the same ±30 % as a linear drift across the run, which falls
//   on both sides of each pair alike.
// - A slowdown s multiplies the head's latencies by 1 + s and divides its req/s by 1 + s.
// Modes: artifact baseline without history (the assumed spread) and with 10 runs of history, both
// 5 rounds; same-job fixed 5 rounds (fixed samples); same-job deciding as you go (pipeline/deciding.ts's
// rule, compare.ts entryDecided, then the paired verdicts), scheduled by the product's own schedule
// (load/deciding.ts): 5 rounds every entry, then one pair per open entry per pass until 50 rounds or
// the budget (5 minutes, 1.25 s per round: the demo's 1 s rounds after a 250 ms warm-up).
//
// Schedule table (BENCH_PARTS=schedule): each group of traces recorded by the product's schedule
// (record-traces.ts --order abba|alternating, one entry or ten) replayed as a one-scenario suite
// with its own recorded noise and no added drift, so the carryover of A B B A stays in the pairs
// exactly as recorded; the other tables replay only traces where no app follows itself.
//
// Run: npm run bench:replay   (BENCH_SUITES, default 1000 suites per cell, 2000 single entries; --quick: 200;
//   BENCH_PARTS=schedule,suites,entries picks the tables)
// Seeded (BENCH_SEED), deterministic. Writes bench/results/replay.json (replay-<parts>.json for some
// parts only) and prints markdown tables.
import { readdir, readFile, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { normalSource } from '../__fixtures__/random.js'
import { entryDecided, fixedVerdict } from '../src/compare/compare.js'
import { SUITE_ALPHA, suiteBudget, type EntryShares } from '../src/compare/family.js'
import { DRIFT_SHARE, spreadFor, type RunToRunSpread } from '../src/compare/run-to-run.js'
import { resolvableChange, sequentialVerdict } from '../src/compare/sequential.js'
import type { RegressionTolerance } from '../src/config/plan.js'
import { afterPair, MAX_ADAPTIVE_ROUNDS, nextDecidingStep, startDeciding, stillOpen } from '../src/load/deciding.js'
import type { RoundResult } from '../src/results/document.js'
import { cannotRegress, seededRandom, stddev, type Verdict } from '../src/stats/stats.js'
import { demoRoutesPlan } from './demo-routes.js'
import type { Trace } from './trace-format.js'
import { replayRound, type Row } from './replay-round.js'

const quick = process.argv.includes('--quick')
const SUITES = Number(process.env.BENCH_SUITES ?? (quick ? 200 : 1000))
const SEED = process.env.BENCH_SEED ?? 'replay'
const ENTRIES = 10
const ROUNDS = 5
const ROUND_S = 1.25
const SUITE_BUDGET_S = 300
const ENTRY_BUDGET_S = 180
/** The slowdowns the one-scenario schedule table injects, smallest first. */
const SCHEDULE_SLOWDOWNS = [0.05, 0.1, 0.25, 0.5] as const
/** Pair log-ratio SDs of req/s a quiet runner shows, for the rescaled one-scenario rows. */
const QUIET_PAIR_SDS = [0.03, 0.06, 0.1] as const
const ENTRY_TRIALS_SCHEDULE = Number(process.env.BENCH_SUITES ?? (quick ? 200 : 1000)) * 2
const DRIFT_SIGMA = 0.15
const HISTORY_RUNS = 10
/** Bootstrap resamples of the fixed-sample interval shown (95 %); the alarm level is Welch's t. */
const RESAMPLES = 200

// The gated metrics and tolerances of the demo config (the defaults: rps 5 %, p50 10 %, p99 15 %).
const TOLERANCES: readonly RegressionTolerance[] = (
  demoRoutesPlan({ port: 1, slowdown: 0, duration: '1s', rounds: 5 }).scenarios[0]?.regression ?? []
).filter((t) => t.metric === 'rps' || t.metric === 'p50' || t.metric === 'p99')
const METRICS = ['rps', 'p50', 'p99'] as const

/** A recorded entry as log values per metric, centred on its own level, with its req/s round CV. */
interface Source {
  readonly name: string
  /** The trace's side order and app (trace-format.ts); 'three entries' for the first recordings. */
  readonly group: string
  /** Log deviations: pairs × [base, head] × metric. */
  readonly pairs: readonly (readonly [Row, Row])[]
  readonly rpsCv: number
}

async function loadSources(): Promise<{ sources: Source[]; traces: Trace[] }> {
  const dir = path.resolve('bench/traces')
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()
  const traces: Trace[] = []
  for (const f of files) traces.push(JSON.parse(await readFile(path.join(dir, f), 'utf8')))
  const sources: Source[] = []
  for (const trace of traces) {
    for (const entry of trace.entries) {
      const logs = (rows: readonly Row[]): Row[] => rows.map((r) => [Math.log(r[0]), Math.log(r[1]), Math.log(r[2])])
      const base = logs(entry.base)
      const head = logs(entry.head)
      const all = [...base, ...head]
      const level = METRICS.map((_, i) => all.reduce((s, r) => s + (r[i] ?? 0), 0) / all.length)
      const centre = (r: Row): Row => [r[0] - (level[0] ?? 0), r[1] - (level[1] ?? 0), r[2] - (level[2] ?? 0)]
      const rps = all.map((r) => r[0])
      const sd = Math.sqrt(rps.reduce((s, x) => s + (x - (level[0] ?? 0)) ** 2, 0) / (rps.length - 1))
      sources.push({
        name: `${trace.recordedAt.slice(11, 16)} ${entry.key}`,
        group:
          trace.schedule === undefined
            ? 'demo, 3 entries interleaved'
            : `${trace.app ?? 'demo'}, ${trace.entries.length} ${trace.entries.length === 1 ? 'entry' : 'entries'}, ${trace.schedule}`,
        pairs: base.map((b, i): [Row, Row] => [centre(b), centre(head[i] ?? b)]),
        rpsCv: Math.sqrt(Math.exp(sd * sd) - 1),
      })
    }
  }
  return { sources, traces }
}

const loaded = await loadSources()
const { traces } = loaded
// Traces of the old A B B A order feed only the schedule table (what that order cost); every other
// table replays rounds measured in an order where no app follows itself.
const sources = loaded.sources.filter((s) => !s.group.endsWith('abba'))
const uniform = seededRandom(SEED)
const normal = normalSource(`${SEED}:normal`)
const pick = <T>(xs: readonly T[]): T => {
  const x = xs[Math.floor(uniform() * xs.length)]
  if (x === undefined) throw new Error('nothing to pick from')
  return x
}

/** How a trial's rounds are made. */
interface Noise {
  /** Target req/s round CV, or undefined for the recorded noise. */
  readonly cv: number | undefined
  readonly drift: boolean
}

/** A generator of one entry's pairs, in order: [base, head] values (req/s, p50 µs, p99 µs). */
function pairStream(
  noise: Noise,
  slowdown: number,
  runDrift: { base: number; head: number; trend: number },
  pool: readonly Source[] = sources,
): (i: number, of: number) => [Row, Row] {
  const source = pick(pool)
  const scale = noise.cv === undefined ? 1 : Math.log(1 + noise.cv) / Math.max(1e-9, Math.log(1 + source.rpsCv))
  let block: (readonly [Row, Row])[] = []
  const BLOCK = 5
  return (i, of) => {
    if (block.length === 0) {
      const start = Math.floor(uniform() * Math.max(1, source.pairs.length - BLOCK + 1))
      block = source.pairs.slice(start, start + BLOCK)
    }
    const [b, h] = block.shift() ?? [
      [0, 0, 0],
      [0, 0, 0],
    ]
    // Within a same-job run the drift moves along the run, the same for both rounds of a pair.
    const along = runDrift.trend * (of <= 1 ? 0 : i / (of - 1))
    const values = (r: Row, shift: number, slow: number): Row => [
      (1000 * Math.exp(scale * r[0] - shift - along)) / slow,
      5000 * Math.exp(scale * r[1] + shift + along) * slow,
      20000 * Math.exp(scale * r[2] + shift + along) * slow,
    ]
    return [values(b, runDrift.base, 1), values(h, runDrift.head, 1 + slowdown)]
  }
}

const noDrift = { base: 0, head: 0, trend: 0 }
function driftOf(noise: Noise): typeof noDrift {
  if (!noise.drift) return noDrift
  return { base: DRIFT_SIGMA * normal(), head: DRIFT_SIGMA * normal(), trend: 2 * DRIFT_SIGMA * (uniform() * 2 - 1) }
}

const column = (rows: readonly Row[], i: number): number[] => rows.map((r) => r[i] ?? NaN)
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2
}

interface EntryOutcome {
  readonly verdicts: readonly Verdict[]
  readonly pairs: number
  /** No gated metric can still regress beyond its tolerance: the gate's question is answered "pass". */
  readonly cleared: boolean
  /** Same-job: the smallest req/s change the pairs could resolve (what the report says). */
  readonly resolvable?: number
}
const regressed = (o: EntryOutcome): boolean => o.verdicts.includes('regression')

/** Fixed samples: 5 base rounds and 5 head rounds; separate runs (artifact) or side by side (fixed). */
function fixedEntry(
  mode: 'artifact' | 'artifact-history' | 'fixed',
  noise: Noise,
  slowdown: number,
  alpha: EntryShares,
  seed: string,
): EntryOutcome {
  const separate = mode !== 'fixed'
  const drift = driftOf(noise)
  let base: Row[]
  let head: Row[]
  let spreads: (RunToRunSpread | undefined)[] = [undefined, undefined, undefined]
  if (separate) {
    // Two runs at different times: the base side of one stream, the head side of another.
    const baseRun = pairStream(noise, 0, { ...drift, head: drift.base, trend: 0 })
    const headRun = pairStream(noise, slowdown, { ...drift, base: drift.head, trend: 0 })
    base = Array.from({ length: ROUNDS }, (_, i) => baseRun(i, ROUNDS)[0])
    head = Array.from({ length: ROUNDS }, (_, i) => headRun(i, ROUNDS)[1])
    const history: Row[] = []
    const runs = mode === 'artifact-history' ? HISTORY_RUNS : 1
    for (let r = 1; r < runs; r++) {
      const shift = noise.drift ? DRIFT_SIGMA * normal() : 0
      const run = pairStream(noise, 0, { base: shift, head: shift, trend: 0 })
      const rows = Array.from({ length: ROUNDS }, (_, i) => run(i, ROUNDS)[0])
      history.push([median(column(rows, 0)), median(column(rows, 1)), median(column(rows, 2))])
    }
    history.push([median(column(base, 0)), median(column(base, 1)), median(column(base, 2))])
    // The product's rule for separate runs: robust spread, floored by the rounds, capped (run-to-run.ts).
    spreads = METRICS.map((_, i) => spreadFor(column(history, i), [], column(base, i), column(head, i)))
  } else {
    // Side by side in one run: only the drift along the run, on both sides of each pair alike;
    // judged as the product judges pairs (compare.ts, paired), not as separate samples.
    const run = pairStream(noise, slowdown, { ...noDrift, trend: drift.trend })
    const rows = Array.from({ length: ROUNDS }, (_, i) => run(i, ROUNDS))
    return pairedOutcome(
      rows.map((r, i) => replayRound(i + 1, r[0])),
      rows.map((r, i) => replayRound(i + 1, r[1])),
      alpha,
    )
  }
  const judged = TOLERANCES.map((t) => {
    const i = METRICS.indexOf(t.metric === 'rps' ? 'rps' : t.metric === 'p50' ? 'p50' : 'p99')
    const spread = spreads[i]
    const direction = t.metric === 'rps' ? 'higher-is-better' : 'lower-is-better'
    const result = fixedVerdict(column(base, i), column(head, i), {
      seed: `${seed}:${t.metric}`,
      direction,
      tolerance: t.tolerance,
      alarmAlpha: alpha[t.metric === 'rps' ? 'rps' : t.metric === 'p50' ? 'p50' : 'p99'] ?? 0,
      // One drift event per pair of runs, paid once for the suite (run-to-run.ts).
      driftAlpha: SUITE_ALPHA * DRIFT_SHARE,
      relative: true,
      resamples: RESAMPLES,
      ...(spread === undefined ? {} : { spread }),
    })
    return { verdict: result.verdict, clear: result.verdict !== 'regression' && cannotRegress(result, direction, t.tolerance) }
  })
  return { verdicts: judged.map((j) => j.verdict), pairs: ROUNDS, cleared: judged.every((j) => j.clear) }
}

/** Same-job, deciding as you go: a suite of `entries` scheduled as the product does, within `budgetS`. */
function decideSuite(
  entries: number,
  noise: Noise,
  slowdown: number,
  alpha: EntryShares,
  budgetS: number,
  pool: readonly Source[] = sources,
  roundS: number = ROUND_S,
): EntryOutcome[] {
  const maxPairs = Math.min(MAX_ADAPTIVE_ROUNDS, Math.floor(budgetS / (2 * roundS)))
  const drift = { ...noDrift, trend: driftOf(noise).trend }
  const streams = Array.from({ length: entries }, () => pairStream(noise, slowdown, drift, pool))
  const sides = streams.map(() => ({ base: [] as RoundResult[], head: [] as RoundResult[] }))
  const add = (e: number): void => {
    const s = sides[e]
    const stream = streams[e]
    if (s === undefined || stream === undefined) return
    const [b, h] = stream(s.base.length, maxPairs)
    s.base.push(replayRound(s.base.length + 1, b))
    s.head.push(replayRound(s.head.length + 1, h))
  }
  for (let r = 0; r < ROUNDS; r++) for (let e = 0; e < entries; e++) add(e)
  const pairS = 2 * roundS
  const decided = (e: number): boolean => {
    const s = sides[e]
    return s === undefined || !stillOpen(s.base.length, MAX_ADAPTIVE_ROUNDS, () => entryDecided(s.base, s.head, TOLERANCES, alpha))
  }
  // The product's own schedule (load/deciding.ts), its clock the replayed seconds: every pair takes
  // the same time here, so it is known before the first one.
  let state = startDeciding(
    sides.map((_, e) => e).filter((e) => !decided(e)),
    { elapsedMs: 1000 * entries * ROUNDS * pairS, expectedPairMs: 1000 * pairS },
  )
  for (let step = nextDecidingStep(state, 1000 * budgetS); 'pair' in step; step = nextDecidingStep(state, 1000 * budgetS)) {
    add(step.pair)
    state = afterPair(state, { open: !decided(step.pair), pairMs: 1000 * pairS, elapsedMs: state.elapsedMs + 1000 * pairS })
  }
  return sides.map((s) => pairedOutcome(s.base, s.head, alpha))
}

/** The verdicts of rounds measured in pairs once the measurement has ended, as compare() gives them (final look included). */
function pairedOutcome(base: readonly RoundResult[], head: readonly RoundResult[], alpha: EntryShares): EntryOutcome {
  let resolvable = Infinity
  const verdicts = TOLERANCES.map((t) => {
    const values = (rounds: readonly RoundResult[]): number[] =>
      rounds.map((r) => (t.metric === 'rps' ? r.rps : t.metric === 'p50' ? r.latencyUs.p50 : r.latencyUs.p99))
    const { verdict, interval } = sequentialVerdict(values(base), values(head), {
      relative: true,
      direction: t.metric === 'rps' ? 'higher-is-better' : 'lower-is-better',
      tolerance: t.tolerance,
      alarmAlpha: alpha[t.metric === 'rps' ? 'rps' : t.metric === 'p50' ? 'p50' : 'p99'] ?? 0,
      final: true,
    })
    if (t.metric === 'rps') resolvable = resolvableChange(interval, true)
    return verdict
  })
  const cleared = !verdicts.includes('regression') && entryDecided(base, head, TOLERANCES, alpha, true)
  return { verdicts, pairs: base.length, cleared, resolvable }
}

type Mode = 'artifact' | 'artifact-history' | 'fixed' | 'decide'
const MODES: readonly Mode[] = ['artifact', 'artifact-history', 'fixed', 'decide']
const MODE_NAMES: Record<Mode, string> = {
  artifact: 'artifact baseline, no history (assumed spread)',
  'artifact-history': `artifact baseline, ${HISTORY_RUNS} runs of history`,
  fixed: 'same-job, fixed 5 rounds',
  decide: 'same-job, decide as you go',
}

function suiteOutcomes(mode: Mode, noise: Noise, slowdown: number, t: number, entries: number, budgetS: number): EntryOutcome[] {
  // The product's split (family.ts): every entry gates the same metrics, so all get the same shares.
  const alpha = suiteBudget(Array.from({ length: entries }, () => ({ regression: TOLERANCES }))).shares[0] ?? {}
  if (mode === 'decide') return decideSuite(entries, noise, slowdown, alpha, budgetS)
  return Array.from({ length: entries }, (_, e) => fixedEntry(mode, noise, slowdown, alpha, `${SEED}:${t}:${e}`))
}

const pct = (k: number, n: number): string => `${((100 * k) / n).toFixed(1)} %`
const started = performance.now()
const nativeCv = median(sources.map((s) => s.rpsCv))
const NOISES: readonly { label: string; noise: Noise }[] = [
  { label: '5 % CV', noise: { cv: 0.05, drift: false } },
  { label: '15 % CV', noise: { cv: 0.15, drift: false } },
  { label: '5 % CV, ±30 % drift', noise: { cv: 0.05, drift: true } },
  { label: '15 % CV, ±30 % drift', noise: { cv: 0.15, drift: true } },
  { label: `recorded (${(nativeCv * 100).toFixed(0)} % CV), ±30 % drift`, noise: { cv: undefined, drift: true } },
]

const lines: string[] = []
const parts = (process.env.BENCH_PARTS ?? 'schedule,suites,entries').split(',')

// One-scenario suites on the recorded schedules: the same app recorded with the old order (A B B A,
// an app's second round in a row in every pair from the second) and with the product's (A B A B),
// replayed with their recorded noise and slowdowns injected, decided as the product decides.
const scheduleResults: Record<string, unknown> = {}
if (parts.includes('schedule')) {
  const groups = [...new Set(loaded.sources.map((s) => s.group))].filter((g) => !g.startsWith('demo, 3'))
  lines.push(
    `## One-scenario suite on the real schedule (recorded noise, no added drift; ${ENTRY_BUDGET_S / 60} min budget, 6 s rounds; ${ENTRY_TRIALS_SCHEDULE} trials per cell)\n`,
  )
  lines.push(
    `| recorded | pair log-ratio SD | order effect (second round in a row) | unchanged: false alarms | unchanged: improvement claimed | unchanged: cleared | unchanged: median pairs | ${SCHEDULE_SLOWDOWNS.map((s) => `+${Math.round(s * 100)} %: caught`).join(' | ')} | +10 %: median pairs | smallest caught in ≥ 90 % | the configured 5 pairs alone: smallest caught in ≥ 90 % |`,
  )
  lines.push(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ${SCHEDULE_SLOWDOWNS.map(() => '---: | ').join('')}---: | ---: | ---: |`)
  // Each recorded group at its own noise; the one-entry A B A B recordings also rescaled to the pair
  // noise run --against measured on this machine when it was quiet (a pair log-ratio SD of 0.03–0.11
  // at load 1–2.5, bench/results/against-target), keeping their shape: heavy tails, the metrics'
  // correlation. A one-entry group is one recorded source, so one round CV sets its pair SD.
  const variants = groups.flatMap((group) => {
    const pool = loaded.sources.filter((s) => s.group === group)
    const source = pool[0]
    if (pool.length !== 1 || source === undefined || !group.includes('alternating'))
      return [{ group, label: group, cv: undefined as number | undefined }]
    const recordedSd = stddev(source.pairs.map(([b, h]) => h[0] - b[0]))
    return [
      { group, label: group, cv: undefined as number | undefined },
      ...QUIET_PAIR_SDS.map((sd) => ({
        group,
        label: `${group}, rescaled to a pair SD of ${sd}`,
        cv: Math.exp((sd / recordedSd) * Math.log(1 + source.rpsCv)) - 1,
      })),
    ]
  })
  for (const { group, label, cv } of variants) {
    const pool = loaded.sources.filter((s) => s.group === group)
    const scale = (s: Source): number => (cv === undefined ? 1 : Math.log(1 + cv) / Math.max(1e-9, Math.log(1 + s.rpsCv)))
    const ys = pool.flatMap((s) => s.pairs.map(([b, h]) => scale(s) * (h[0] - b[0])))
    const sd = stddev(ys)
    // Under A B B A, pair k ≥ 2 starts with a second round in a row: the head's when k is even, the
    // base's when k is odd, so half the odd-minus-even difference of the req/s log-ratio is the
    // carryover (a positive number: that much slower). Under A B A B it estimates nothing but noise.
    const odd = pool.flatMap((s) => s.pairs.filter((_, k) => k >= 2 && k % 2 === 0).map(([b, h]) => scale(s) * (h[0] - b[0])))
    const even = pool.flatMap((s) => s.pairs.filter((_, k) => k % 2 === 1).map(([b, h]) => scale(s) * (h[0] - b[0])))
    const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
    const order = Math.exp((avg(odd) - avg(even)) / 2) - 1
    const cell = { label, noise: { cv, drift: false } satisfies Noise }
    // budgetS: the entry's 3 minutes deciding as it goes, or 0 for the configured 5 pairs alone
    // (run --against with a budget of 1 ms: no pair after the configured rounds).
    const outcome = (
      slowdown: number,
      budgetS = ENTRY_BUDGET_S,
    ): { alarms: number; cleared: number; caught: number; improved: number; pairs: number } => {
      let alarms = 0
      let cleared = 0
      let improved = 0
      const pairs: number[] = []
      for (let t = 0; t < ENTRY_TRIALS_SCHEDULE; t++) {
        const [o] = decideSuite(1, cell.noise, slowdown, suiteBudget([{ regression: TOLERANCES }]).shares[0] ?? {}, budgetS, pool, 6)
        if (o === undefined) continue
        if (regressed(o)) alarms++
        if (o.cleared) cleared++
        if (o.verdicts.includes('improvement')) improved++
        pairs.push(o.pairs)
      }
      return { alarms, cleared, caught: alarms, improved, pairs: median(pairs) }
    }
    const same = outcome(0)
    const slowed = SCHEDULE_SLOWDOWNS.map((s) => ({ slowdown: s, ...outcome(s) }))
    const slow = slowed.find((s) => s.slowdown === 0.1)
    // The smallest slowdown caught in ≥ 90 % of trials, with every larger one caught as often.
    const smallestOf = (rows: readonly { slowdown: number; caught: number }[]): number | undefined => {
      let smallest: number | undefined
      for (const s of [...rows].reverse()) {
        if (s.caught < 0.9 * ENTRY_TRIALS_SCHEDULE) break
        smallest = s.slowdown
      }
      return smallest
    }
    const smallest = smallestOf(slowed)
    const fivePairs = smallestOf(SCHEDULE_SLOWDOWNS.map((s) => ({ slowdown: s, ...outcome(s, 0) })))
    const named = (s: number | undefined): string =>
      s === undefined ? `> +${Math.round((SCHEDULE_SLOWDOWNS.at(-1) ?? 0) * 100)} %` : `+${Math.round(s * 100)} %`
    scheduleResults[label] = { pairSd: sd, orderEffect: order, unchanged: same, slowed, smallest, fivePairs }
    lines.push(
      `| ${label} (${pool.length} entries, ${ys.length} pairs) | ${sd.toFixed(3)} | ${(order * 100).toFixed(1)} % | ${pct(same.alarms, ENTRY_TRIALS_SCHEDULE)} | ${pct(same.improved, ENTRY_TRIALS_SCHEDULE)} | ${pct(same.cleared, ENTRY_TRIALS_SCHEDULE)} | ${same.pairs} | ${slowed.map((s) => `${pct(s.caught, ENTRY_TRIALS_SCHEDULE)} | `).join('')}${slow?.pairs ?? '–'} | ${named(smallest)} | ${named(fivePairs)} |`,
    )
  }
  lines.push('')
  process.stderr.write('schedule done\n')
}

const falseAlarms: Record<string, Record<string, number>> = {}
if (parts.includes('suites')) {
  lines.push(
    `## False alarms per ${ENTRIES}-entry suite (unchanged; any of ${ENTRIES * TOLERANCES.length} gated metrics; bound 1 %; ${SUITES} suites per cell)\n`,
  )
  lines.push(`| mode | ${NOISES.map((n) => n.label).join(' | ')} |`)
  lines.push(`| --- | ${NOISES.map(() => '---:').join(' | ')} |`)
  for (const mode of MODES) {
    const cells: string[] = []
    for (const { label, noise } of NOISES) {
      let failed = 0
      for (let t = 0; t < SUITES; t++) {
        if (suiteOutcomes(mode, noise, 0, t, ENTRIES, SUITE_BUDGET_S).some(regressed)) failed++
      }
      ;(falseAlarms[mode] ??= {})[label] = failed / SUITES
      cells.push(pct(failed, SUITES))
    }
    lines.push(`| ${MODE_NAMES[mode]} | ${cells.join(' | ')} |`)
    process.stderr.write(`false alarms: ${mode} done\n`)
  }
}

const ENTRY_TRIALS = SUITES * 2
const detection: Record<string, unknown> = {}
for (const { label, noise } of [NOISES[0], NOISES[1], NOISES[4]].filter(
  (n): n is { label: string; noise: Noise } => n !== undefined && parts.includes('entries'),
)) {
  lines.push(`\n## One entry (3 gated metrics), ${label}: caught = a gated regression; ${ENTRY_TRIALS} trials per cell\n`)
  lines.push(
    '| mode | unchanged: cleared | unchanged: median pairs | unchanged: smallest resolvable rps change | +5 % caught | +10 % caught | +10 %: median pairs | +20 % caught |',
  )
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const mode of MODES) {
    const row: string[] = []
    const stats: Record<string, unknown> = {}
    for (const slowdown of [0, 0.05, 0.1, 0.2]) {
      let caught = 0
      let cleared = 0
      const pairs: number[] = []
      const resolvable: number[] = []
      for (let t = 0; t < ENTRY_TRIALS; t++) {
        const [o] = suiteOutcomes(mode, noise, slowdown, t, 1, ENTRY_BUDGET_S)
        if (o === undefined) continue
        if (regressed(o)) caught++
        if (o.cleared) cleared++
        pairs.push(o.pairs)
        if (o.resolvable !== undefined) resolvable.push(o.resolvable)
      }
      stats[`${slowdown}`] = {
        caught: caught / ENTRY_TRIALS,
        cleared: cleared / ENTRY_TRIALS,
        medianPairs: median(pairs),
        medianResolvable: resolvable.length === 0 ? null : median(resolvable),
      }
      const r = median(resolvable)
      if (slowdown === 0)
        row.push(pct(cleared, ENTRY_TRIALS), `${median(pairs)}`, resolvable.length === 0 ? '–' : Number.isFinite(r) ? pct(r, 1) : 'none')
      else row.push(pct(caught, ENTRY_TRIALS))
      if (slowdown === 0.1) row.push(`${median(pairs)}`)
    }
    detection[`${mode} ${label}`] = stats
    lines.push(`| ${MODE_NAMES[mode]} | ${row.join(' | ')} |`)
  }
  process.stderr.write(`detection at ${label} done\n`)
}
const seconds = (performance.now() - started) / 1000
lines.push(
  `\nTraces: ${traces.map((t) => `${t.recordedAt.slice(0, 16)} (CPU loop CV ${(t.cpuLoopCv.before * 100).toFixed(0)}–${(t.cpuLoopCv.after * 100).toFixed(0)} %, load ${t.loadAverage.before.toFixed(1)})`).join(', ')}; ` +
    `${sources.length} recorded entries, req/s round CV ${sources.map((s) => `${(s.rpsCv * 100).toFixed(0)} %`).join(', ')}. ` +
    `Pairs are ${ROUND_S * 2} s (1 s rounds + 250 ms warm-up, a side); suites get ${SUITE_BUDGET_S / 60} min, one entry ${ENTRY_BUDGET_S / 60} min, at most ${MAX_ADAPTIVE_ROUNDS} rounds. Seed "${SEED}"; ${seconds.toFixed(0)} s.`,
)
const text = lines.join('\n')
console.log(text)
await mkdir('bench/results', { recursive: true })
await writeFile(
  // A part alone (BENCH_PARTS=schedule) keeps its own file, so the full tables are not overwritten.
  `bench/results/${quick ? 'replay-quick' : 'replay'}${parts.length === 3 ? '' : `-${parts.join('-')}`}.json`,
  `${JSON.stringify({ seed: SEED, suites: SUITES, entryTrials: ENTRY_TRIALS, scheduleResults, falseAlarms, detection, seconds, text }, null, 2)}\n`,
)
