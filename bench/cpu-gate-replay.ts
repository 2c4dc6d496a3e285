// Should `cpu` (server CPU time per request) be gated by default when Cannonade starts the app?
// Replayed from real rounds: every `run --against` run kept under bench/results/against-target (the
// node:http and FastAPI hashing services, one scenario, 4 connections, 5 s rounds after a 1 s
// warm-up, recorded 2026-12-02/03 at load 0.7–29) gives its pairs of rounds, base and head, each with
// req/s, p50, p99 and CPU per request. Each run's own mean difference per metric is taken out, so a
// run is a source of noise only (its real shape: heavy tails, the metrics' correlation within a
// round and between the two rounds of a pair); a trial is a block bootstrap (5 pairs a block) of one
// run, with a slowdown injected into the head:
// - "CPU": the handler does s more work: latencies × (1 + s), req/s ÷ (1 + s), CPU per request × (1 + s);
// - "wait": the handler waits s longer (I/O, a lock): the same, but CPU per request unchanged.
// Decided as the product decides a one-scenario suite: the configured 5 pairs, then one pair at a
// time while the entry is open (compare.ts entryDecided), as many pairs as 3 minutes hold at the run's own pace (14 of 12 s pairs),
// then the paired verdicts with the final look (sequential.ts), the suite's 1 % split by family.ts.
// Sources are grouped by their req/s pair noise: busy (pair SD ≥ 0.15, load 4–29) and quiet (< 0.15).
//
// BENCH_KEEP_OFFSETS=1 keeps the unchanged runs' own mean difference (their chance offsets, and any
// offset between the two launches of the app: bench/process-offset.ts); slowed runs are centred either way.
//
// BENCH_RELAUNCH=1 replays same-job with the apps started afresh for every pair (app.relaunch): each
// pair of a trial, unchanged or slowed, gets a launch offset of its own, drawn from the mean
// differences of the unchanged runs of the same app (each a launch offset plus its own sampling
// error, so the draw errs on the wide side), and every run is centred. Set alone, BENCH_KEEP_OFFSETS=1
// is one launch a side: the two files side by side show the trade.
//
// BENCH_PAIR_SCALE=r,c shrinks every pair's head-minus-base difference (after centring) by r for
// req/s, p50 and p99 and by c for CPU per request: what the rule would decide were pairs that much
// quieter (bench/process-offset.ts measures how much quieter both apps loaded at once make them).
//
// BENCH_SOURCE=pinned replays the same-job default instead (app.cpus: separate, the speed probe read
// in every round, the heaps padded): the runs under bench/results/against-target-pinned whose every
// round read the probe. Each replayed round carries its probe reading, so the pairs are adjusted by it
// as the product adjusts them (speed-adjust.ts); a slowdown moves the app, not the probe.
//
// Each replayed round carries its recorded seconds, so that the pairs' spread has the product's floor
// under it (sequential.ts, "A floor under the spread"); BENCH_NO_FLOOR=1 leaves them out, the rule
// before the floor (writes -nofloor.json).
//
// With the offsets kept, an unchanged trial draws from the unchanged runs only (a slowed run, centred,
// has no offset of its own to keep).
//
// A trial gets as many pairs as its source run's pace fits into the 3 minutes (14 of 12 s pairs for
// 5 s rounds, 29 of 6 s pairs for 2 s rounds); until 2026-12-05 evening it was 15 for every run.
// To set two round lengths side by side (bench/round-length.ts): BENCH_SOURCE=pinned,rounds,contended
// BENCH_SINCE=<ISO time> BENCH_ROUND=2s|5s, and BENCH_DEFAULT_ONLY=1 for the default's gates alone;
// BENCH_ONLY=<run> replays one run (where a cell's false alarms come from).
//
// Run: npx tsx bench/cpu-gate-replay.ts   (BENCH_TRIALS per cell, default 2000; seeded by BENCH_SEED)
// Writes bench/results/cpu-gate-replay.json (-offsets.json with the offsets kept, -scaled-r-c.json
// with BENCH_PAIR_SCALE, -pinned with BENCH_SOURCE=pinned) and prints markdown.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { entryDecided, pairedValues } from '../src/compare/compare.js'
import { entryShares, PRIMARY_WEIGHT, primarySplit, SUITE_ALPHA, type SplitRule } from '../src/compare/family.js'
import { sequentialVerdict } from '../src/compare/sequential.js'
import { covariateAdjusted } from '../src/compare/speed-adjust.js'
import type { ComparedMetric } from '../src/compare/types.js'
import { biggerIsBetter, type MetricName, type RegressionTolerance } from '../src/config/plan.js'
import { DEFAULT_TOLERANCE, GATED_BY_DEFAULT, GATED_BY_DEFAULT_WITH_APP } from '../src/config/tolerances.js'
import type { RoundResult, RoundSeries } from '../src/results/document.js'
import { seededRandom, stddev } from '../src/stats/stats.js'
import { replayRound } from './replay-round.js'

const TRIALS = Number(process.env.BENCH_TRIALS ?? 2000)
const random = seededRandom(process.env.BENCH_SEED ?? 'cpu-gate-replay')
// `rounds`: the default's runs of another round length (bench/against-target.ts with ONE_DURATION);
// `contended`: its runs beside stretches of other work (AGAINST_CONTEND=1), those that read the probe.
// Several folders may be named, `pinned,contended`. BENCH_ROUND=2s keeps only the runs of that round
// length (as measured), BENCH_ROUND=5s only those of the default's until 2026-12-05.
const SOURCES = (process.env.BENCH_SOURCE ?? '').split(',')
const PINNED = SOURCES.every((s) => ['pinned', 'rounds', 'contended'].includes(s))
const ROOTS = PINNED
  ? SOURCES.map((s) => path.resolve(`bench/results/against-target-${s}`))
  : [path.resolve('bench/results/against-target')]
const ROUND = process.env.BENCH_ROUND
// BENCH_ONLY=<part of a run's name>: that run alone (where a cell's false alarms come from).
const ONLY = process.env.BENCH_ONLY
/** A run's round length as BENCH_ROUND names it (`2.5s`): its first round's, to the half second. */
const lengthOf = (rounds: readonly RoundResult[]): string => `${Math.round((rounds[0]?.durationMs ?? NaN) / 500) / 2}s`
const CONFIGURED_PAIRS = 5
const BUDGET_MS = 180_000
// BENCH_SINCE=<ISO time>: only the runs measured from then on, replayed as one group besides busy and
// quiet (to set runs of two round lengths, measured in alternation, side by side).
const SINCE = Date.parse(process.env.BENCH_SINCE ?? '1970-01-01T00:00:00Z')
// BENCH_UNTIL=<ISO time>: only the runs that began before then (to replay a set of runs as it was).
const UNTIL = Date.parse(process.env.BENCH_UNTIL ?? '9999-12-31T00:00:00Z')
const BLOCK = 5
const BUSY_PAIR_SD = 0.15
const KEEP_OFFSETS = process.env.BENCH_KEEP_OFFSETS === '1'
const RELAUNCH = process.env.BENCH_RELAUNCH === '1'
const NO_FLOOR = process.env.BENCH_NO_FLOOR === '1'
const NO_ACCESS = process.env.BENCH_NO_ACCESS === '1'
// How a CPU slowdown moves the head's access to its CPU, log per log: a head computing 10 % more
// read a mean access 0.6–3.1 % lower than an unchanged one beside a busy process (cpu-access-kept.ts),
// so −0.2 by default (BENCH_ACCESS_BIAS), about the most of it; a wait moves it not at all.
const ACCESS_BIAS = Number(process.env.BENCH_ACCESS_BIAS ?? -0.2)
const PAIR_SCALE = process.env.BENCH_PAIR_SCALE?.split(',').map(Number)
const scaleOf = (k: number): number => (PAIR_SCALE === undefined ? 1 : k === 3 ? (PAIR_SCALE[1] ?? 1) : (PAIR_SCALE[0] ?? 1))

/** One round's logs: req/s, p50, p99, CPU per request. */
type Logs = [number, number, number, number]
/**
 * A recorded pair: base's and head's logs, then the speed probe's reading of each (µs a unit; NaN
 * where not read), then each round's seconds (their spread is what the pair's noise floor reads:
 * scale-free, so a slowdown injected as a factor leaves it as recorded), then each round's access to
 * its CPU (server.cpuAccess; NaN where not read, or with BENCH_NO_ACCESS=1).
 */
type Pair = [Logs, Logs, number, number, RoundSeries | undefined, RoundSeries | undefined, number, number]
interface Source {
  readonly run: string
  /** The app the run measured (node, python): relaunch offsets are drawn within it. */
  readonly app: string
  /** An unchanged run's mean difference per metric, before centring (its launch offset and sampling error). */
  readonly offset?: Logs
  readonly pairs: readonly Readonly<Pair>[]
  /** SD of the req/s log-ratio over the run's pairs. */
  readonly pairSd: number
  /** The pairs the 3-minute budget holds at this run's pace (a pair as long as its pairs took). */
  readonly maxPairs: number
}

/** A round's access to its CPU as the replay carries it: none with BENCH_NO_ACCESS. */
const accessOf = (r: RoundResult | undefined): number => (NO_ACCESS ? NaN : (r?.server?.cpuAccess ?? NaN))

/** A round's seconds as the replay carries them: none with BENCH_NO_FLOOR. */
const secondsOf = (r: RoundResult | undefined): RoundSeries | undefined => (NO_FLOOR ? undefined : r?.series)

function loadSources(): Source[] {
  const sources: Source[] = []
  for (const [root, run] of ROOTS.flatMap((root) => readdirSync(root).map((run) => [root, run] as const)).sort()) {
    if (ONLY !== undefined && !run.includes(ONLY)) continue
    const dir = path.join(root, run)
    if (!existsSync(path.join(dir, 'base-results.json'))) continue
    const entry = (file: string): { rounds: RoundResult[] } => JSON.parse(readFileSync(path.join(dir, file), 'utf8')).entries[0]
    const head = entry('results.json').rounds
    const base = entry('base-results.json').rounds
    const began = Date.parse(base[0]?.startedAt ?? '')
    if (!(began >= SINCE && began < UNTIL)) continue
    if (ROUND !== undefined && lengthOf(base) !== ROUND) continue
    const logs = (r: RoundResult): Logs | undefined => {
      const cpu = r.server?.cpuUsPerRequest
      return cpu === undefined || !r.valid
        ? undefined
        : [Math.log(r.rps), Math.log(r.latencyUs.p50), Math.log(r.latencyUs.p99), Math.log(cpu)]
    }
    const pairs: Pair[] = []
    for (const [i, h] of head.entries()) {
      const b = base[i]
      const hl = logs(h)
      const bl = b === undefined ? undefined : logs(b)
      if (hl !== undefined && bl !== undefined)
        pairs.push([bl, hl, b?.speedProbeUs ?? NaN, h.speedProbeUs ?? NaN, secondsOf(b), secondsOf(h), accessOf(b), accessOf(h)])
    }
    // The default's replay: only runs whose every kept pair read the probe on both sides.
    if (PINNED && !pairs.every(([, , pb, ph]) => pb > 0 && ph > 0)) continue
    if (pairs.length < 2 * BLOCK) continue // the fixed-rounds runs: too few pairs to bootstrap from
    // A relaunch run's mean difference is not one launch's offset; it is left out of the replay.
    if (run.includes('-relaunch-')) continue
    const unchanged = run.includes('-same')
    // The run's own change per metric. Where the probe was read, the part of the mean that the
    // machine's speed explains is not the run's change: a slowed run's pairs in which the machine ran
    // 40–50 % slower for the head's round read −60 to −85 % in req/s, and centring on the raw mean
    // took their β·x̄ out of every pair, which the product's adjustment then took out again, so a
    // trial's injected slowdown read about nothing (2 of the 15 busy runs; +10 % "cleared" in ~10 %).
    // So the change is the mean at x = 0: ȳ − β·x̄, β the product's slope fitted over the run.
    // With the access read too, its part of the mean is taken out of req/s and the latencies as well
    // (the product's two-covariate fit), and the access's own mean difference is then taken out of the
    // head's readings (below): a slowed run's lower access is its slowdown's doing, injected again as
    // ACCESS_BIAS.
    const meanLog = (b: number[], h: number[]): number => h.reduce((sum, x, i) => sum + Math.log(x / (b[i] ?? NaN)), 0) / h.length
    const readOf = (side: 2 | 3 | 6 | 7): number[] => pairs.map((pair) => pair[side])
    const xMean = meanLog(readOf(2), readOf(3))
    const accessRead = pairs.every(([, , , , , , ab, ah]) => ab > 0 && ah > 0)
    const accessMean = accessRead ? meanLog(readOf(6), readOf(7)) : 0
    const means = [0, 1, 2, 3].map((k) => {
      const mean = pairs.reduce((sum, [b, h]) => sum + (h[k] ?? 0) - (b[k] ?? 0), 0) / pairs.length
      if (!PINNED || !Number.isFinite(xMean)) return mean
      const valuesOf = (side: 0 | 1): number[] => pairs.map((pair) => Math.exp(pair[side][k] ?? NaN))
      const sign = k === 0 ? -1 : 1
      const speed = { base: readOf(2), head: readOf(3), prior: sign }
      const withAccess = accessRead && k < 3
      const fitted = covariateAdjusted(
        valuesOf(0),
        valuesOf(1),
        withAccess ? [speed, { base: readOf(6), head: readOf(7), prior: -sign }] : [speed],
      ).fitted
      return mean - (fitted[0] ?? NaN) * xMean - (withAccess ? (fitted[1] ?? NaN) * accessMean : 0)
    }) as Logs
    if (accessRead && !(KEEP_OFFSETS && unchanged && !RELAUNCH))
      for (const pair of pairs) pair[7] = Math.min(1, pair[7] * Math.exp(-accessMean))
    // The run's own mean difference out: what is left is the noise of its pairs. Relaunching takes an
    // unchanged run's offset out too (each pair then has an offset of its own, drawn in trial()).
    for (let k = 0; k < 4 && !(KEEP_OFFSETS && unchanged && !RELAUNCH); k++) {
      for (const [, h] of pairs) h[k] = (h[k] ?? 0) - (means[k] ?? 0)
    }
    // The req/s pair noise that sorts a run into busy or quiet is the recorded one, before any scaling.
    const pairSd = stddev(pairs.map(([b, h]) => h[0] - b[0]))
    for (const [b, h] of pairs) for (let k = 0; k < 4; k++) h[k] = (b[k] ?? 0) + scaleOf(k) * ((h[k] ?? 0) - (b[k] ?? 0))
    // The product starts a pair only if one as long as the last ends within the budget.
    const started = (r: RoundResult | undefined): number => Date.parse(r?.startedAt ?? '')
    const pairMs = (started(base.at(-1)) - started(base[0])) / (base.length - 1)
    const maxPairs = Math.floor(BUDGET_MS / pairMs)
    sources.push({ run, app: run.split('-')[0] ?? '', pairs, pairSd, maxPairs, ...(unchanged ? { offset: means } : {}) })
  }
  return sources
}

function round(n: number, [rps, p50, p99, cpu]: Logs, probe: number, series: RoundSeries | undefined, access: number): RoundResult {
  const r = replayRound(n, [Math.exp(rps), Math.exp(p50), Math.exp(p99)])
  return {
    ...r,
    ...(probe > 0 ? { speedProbeUs: probe } : {}),
    ...(series === undefined ? {} : { series }),
    server: {
      cpuPercent: 100,
      cpuUsPerRequest: Math.exp(cpu),
      rssMaxBytes: 1,
      rssMeanBytes: 1,
      rssEndBytes: 1,
      ...(access > 0 ? { cpuAccess: access } : {}),
    },
  }
}

interface Rule {
  readonly name: string
  readonly regression: readonly RegressionTolerance[]
  readonly split: SplitRule
}
const gate = (metrics: readonly MetricName[], cpuTolerance: number = DEFAULT_TOLERANCE.cpu): RegressionTolerance[] =>
  metrics.map((metric) => ({ metric, tolerance: metric === 'cpu' ? cpuTolerance : DEFAULT_TOLERANCE[metric as 'rps'], severity: 'fail' }))
const rpsPrimary = primarySplit({ closed: 'rps', open: 'p50' }, PRIMARY_WEIGHT)
const RULES: readonly Rule[] = [
  { name: 'rps, p50, p99 (before)', regression: gate(GATED_BY_DEFAULT), split: rpsPrimary },
  { name: '+ cpu 10 % (the default with an app)', regression: gate(GATED_BY_DEFAULT_WITH_APP), split: rpsPrimary },
  {
    name: '+ cpu 10 %, cpu the primary',
    regression: gate(GATED_BY_DEFAULT_WITH_APP),
    split: primarySplit({ closed: 'cpu', open: 'p50' }, PRIMARY_WEIGHT),
  },
  { name: '+ cpu 5 %', regression: gate(GATED_BY_DEFAULT_WITH_APP, 0.05), split: rpsPrimary },
]

interface Outcome {
  readonly regression: boolean
  readonly improvement: boolean
  readonly cleared: boolean
}

function trial(all: readonly Source[], rule: Rule, slowdown: number, kind: 'cpu' | 'wait'): Outcome {
  const pool = KEEP_OFFSETS && slowdown === 0 ? all.filter((s) => s.offset !== undefined) : all
  const source = pool[Math.floor(random() * pool.length)]
  if (source === undefined) throw new Error('no source')
  const offsets = sources.flatMap((s) => (s.app === source.app && s.offset !== undefined ? [s.offset] : []))
  const launch = (): Logs => (RELAUNCH ? (offsets[Math.floor(random() * offsets.length)] ?? [0, 0, 0, 0]) : [0, 0, 0, 0])
  const shares = entryShares({ regression: rule.regression }, SUITE_ALPHA, rule.split)
  const shift = Math.log(1 + slowdown)
  const base: RoundResult[] = []
  const head: RoundResult[] = []
  let block: Readonly<Pair>[] = []
  const add = (): void => {
    if (block.length === 0) {
      const start = Math.floor(random() * (source.pairs.length - BLOCK + 1))
      block = source.pairs.slice(start, start + BLOCK)
    }
    const pair = block.shift() ?? source.pairs[0]
    if (pair === undefined) throw new Error('no pair')
    const [b, h, probeBase, probeHead, secondsBase, secondsHead, accessBase, accessHead] = pair
    const [r, p50, p99, cpu] = launch()
    base.push(round(base.length + 1, b, probeBase, secondsBase, accessBase))
    head.push(
      round(
        head.length + 1,
        [h[0] + r - shift, h[1] + p50 + shift, h[2] + p99 + shift, h[3] + cpu + (kind === 'cpu' ? shift : 0)],
        probeHead,
        secondsHead,
        Math.min(1, accessHead * Math.exp(kind === 'cpu' ? ACCESS_BIAS * shift : 0)),
      ),
    )
  }
  for (let i = 0; i < CONFIGURED_PAIRS; i++) add()
  while (base.length < source.maxPairs && !entryDecided(base, head, rule.regression, shares)) add()
  // Judged as compare() judges paired rounds at publishing: the product's own values of each metric.
  const verdicts = rule.regression.map((t) => {
    const metric = t.metric as ComparedMetric
    const values = pairedValues(base, head, metric)
    if (values === undefined) return 'inconclusive'
    return sequentialVerdict(values.base, values.head, {
      relative: true,
      direction: biggerIsBetter(metric) ? 'higher-is-better' : 'lower-is-better',
      tolerance: t.tolerance,
      alarmAlpha: shares[metric] ?? 0,
      final: true,
      ...(values.noise === undefined ? {} : { noise: values.noise }),
    }).verdict
  })
  const regression = verdicts.includes('regression')
  return {
    regression,
    improvement: verdicts.includes('improvement'),
    cleared: !regression && entryDecided(base, head, rule.regression, shares, true),
  }
}

const sources = loadSources()
const groups = [
  ...(process.env.BENCH_SINCE === undefined ? [] : [{ name: `all since ${process.env.BENCH_SINCE}`, pool: sources }]),
  { name: `busy (req/s pair SD ≥ ${BUSY_PAIR_SD})`, pool: sources.filter((s) => s.pairSd >= BUSY_PAIR_SD) },
  { name: `quiet (req/s pair SD < ${BUSY_PAIR_SD})`, pool: sources.filter((s) => s.pairSd < BUSY_PAIR_SD) },
  // A group needs an unchanged run to replay unchanged heads from where the offsets are kept.
].filter((group) => group.pool.some((s) => !KEEP_OFFSETS || s.offset !== undefined))
const SLOWDOWNS = [0.05, 0.1, 0.25] as const
// The slowdowns whose req/s falls by more than its tolerance: a head of these cleared is a miss.
const MISSABLE = SLOWDOWNS.filter((s) => 1 / (1 + s) < 1 - DEFAULT_TOLERANCE.rps)
const pct = (k: number): string => `${((100 * k) / TRIALS).toFixed(1)} %`
const results: Record<string, unknown> = {}
const lines: string[] = [
  `Replayed${KEEP_OFFSETS ? ' (unchanged runs with their own offsets)' : ''}${RELAUNCH ? ' (fresh apps every pair: a launch offset drawn per pair)' : ''}${PAIR_SCALE === undefined ? '' : ` (pair differences × ${PAIR_SCALE[0]} for req/s, p50, p99, × ${PAIR_SCALE[1]} for CPU)`}: ${TRIALS} trials a cell, one scenario, as many pairs as 3 minutes hold at each run's pace (${Math.min(...sources.map((s) => s.maxPairs))}–${Math.max(...sources.map((s) => s.maxPairs))}); sources: ${sources.length} kept run --against runs${PINNED ? ' of the default (app.cpus: separate, the probe read in every round)' : ''}.\n`,
  `| noise | gated | unchanged: false alarms | unchanged: improvement claimed | unchanged: cleared | ${SLOWDOWNS.map((s) => `+${s * 100} % CPU caught`).join(' | ')} | ${MISSABLE.map((s) => `+${s * 100} % CPU cleared (a miss)`).join(' | ')} | ${SLOWDOWNS.map((s) => `+${s * 100} % wait caught`).join(' | ')} |`,
  `| --- | --- | ---: | ---: | ---: | ${[...SLOWDOWNS, ...MISSABLE, ...SLOWDOWNS].map(() => '---:').join(' | ')} |`,
]
for (const group of groups) {
  const sds = group.pool.map((s) => s.pairSd).sort((a, b) => a - b)
  const label = `${group.name}, ${group.pool.length} runs, ${sds[0]?.toFixed(2)}–${sds.at(-1)?.toFixed(2)}`
  // BENCH_DEFAULT_ONLY=1: the default's gates alone.
  for (const rule of process.env.BENCH_DEFAULT_ONLY === '1' ? RULES.filter((r) => r.name.includes('the default')) : RULES) {
    const count = (slowdown: number, kind: 'cpu' | 'wait'): { regression: number; improvement: number; cleared: number } => {
      const c = { regression: 0, improvement: 0, cleared: 0 }
      for (let t = 0; t < TRIALS; t++) {
        const o = trial(group.pool, rule, slowdown, kind)
        if (o.regression) c.regression++
        if (o.improvement) c.improvement++
        if (o.cleared) c.cleared++
      }
      return c
    }
    const same = count(0, 'cpu')
    const slowed = new Map(SLOWDOWNS.map((s) => [s, count(s, 'cpu')]))
    const cpu = SLOWDOWNS.map((s) => slowed.get(s)?.regression ?? 0)
    const missed = MISSABLE.map((s) => slowed.get(s)?.cleared ?? 0)
    const wait = SLOWDOWNS.map((s) => count(s, 'wait').regression)
    results[`${group.name} | ${rule.name}`] = {
      trials: TRIALS,
      unchanged: same,
      cpu,
      cpuCleared: missed,
      missable: MISSABLE,
      wait,
      slowdowns: SLOWDOWNS,
    }
    lines.push(
      `| ${label} | ${rule.name} | ${pct(same.regression)} | ${pct(same.improvement)} | ${pct(same.cleared)} | ${cpu.map(pct).join(' | ')} | ${missed.map(pct).join(' | ')} | ${wait.map(pct).join(' | ')} |`,
    )
  }
}
console.log(lines.join('\n'))
mkdirSync('bench/results', { recursive: true })
writeFileSync(
  `bench/results/cpu-gate-replay${PINNED ? `-${SOURCES.join('-')}` : ''}${ROUND === undefined ? '' : `-${ROUND}`}${KEEP_OFFSETS ? '-offsets' : ''}${NO_FLOOR ? '-nofloor' : ''}${NO_ACCESS ? '-noaccess' : ''}${RELAUNCH ? '-relaunch' : ''}${PAIR_SCALE === undefined ? '' : `-scaled-${PAIR_SCALE.join('-')}`}.json`,
  `${JSON.stringify({ trials: TRIALS, ...(PAIR_SCALE === undefined ? {} : { pairScale: PAIR_SCALE }), sources: sources.map((s) => ({ run: s.run, pairSd: s.pairSd })), results }, null, 2)}\n`,
)
