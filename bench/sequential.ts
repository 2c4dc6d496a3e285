// Deciding as you go, simulated: false alarms per 10-entry suite, power, and rounds to a verdict of
// the same-job rule (a confidence sequence looked at after every pair of rounds, alpha split over
// the suite's gated metrics) against the fixed schedule (5 rounds a side, bootstrap interval).
// Rounds are simulated, not measured: each round has a shared machine factor that moves rps, p50 and
// p99 together, plus noise of its own for each metric (the tail is the noisiest). The verdicts go
// through the real code: sequentialVerdict / classify / bootstrapRatio and the suite's error budget.
// Run: npm run bench:sequential   (about a minute; BENCH_TRIALS, BENCH_FIXED_TRIALS change its size)
import { errorBudget } from '../src/compare/family.js'
import { MIXTURE_VARIANCE, sequentialVerdict } from '../src/compare/sequential.js'
import { normalSource } from '../__fixtures__/random.js'
import { bootstrapRatio, classify, type Direction, type Verdict } from '../src/stats/stats.js'

const trials = Number(process.env.BENCH_TRIALS ?? 2000)
const fixedTrials = Number(process.env.BENCH_FIXED_TRIALS ?? 300)
const FIXED_ROUNDS = 5
const MIN_ROUNDS = 5
const MAX_ROUNDS = 50
const ENTRIES = 10
const G = Number(process.env.BENCH_G ?? MIXTURE_VARIANCE)

interface Metric {
  readonly name: string
  readonly direction: Direction
  readonly tolerance: number
  /** How the shared factor moves it (+1 latency, −1 throughput) and its own noise, as a share of the CV. */
  readonly sign: 1 | -1
  readonly own: number
}
// The default gated metrics: rps 5 %, p50 10 %, p99 15 %.
const METRICS: readonly Metric[] = [
  { name: 'rps', direction: 'higher-is-better', tolerance: 0.05, sign: -1, own: 0.3 },
  { name: 'p50', direction: 'lower-is-better', tolerance: 0.1, sign: 1, own: 0.3 },
  { name: 'p99', direction: 'lower-is-better', tolerance: 0.15, sign: 1, own: 1 },
]

const gaussian = normalSource(process.env.BENCH_SEED ?? 'sequential')

/** One round of one entry: a value per metric; `slowdown` 0.1 = 10 % more work per request. */
function round(cv: number, slowdown: number): number[] {
  const shared = cv * gaussian()
  return METRICS.map((m) => 1000 * Math.exp(m.sign * (shared + Math.log(1 + slowdown)) + m.own * cv * gaussian()))
}

interface Series {
  readonly base: number[][]
  readonly head: number[][]
}
const column = (rows: readonly number[][], i: number): number[] => rows.map((r) => r[i] ?? NaN)

function sequentialVerdicts(series: Series, alpha: number): Verdict[] {
  return METRICS.map((m, i) => {
    return sequentialVerdict(column(series.base, i), column(series.head, i), {
      alarmAlpha: alpha,
      relative: true,
      direction: m.direction,
      tolerance: m.tolerance,
      g: G,
    }).verdict
  })
}

/** Same-job, decide as you go: the entry's verdicts and the pairs it took. */
function runSequential(cv: number, slowdown: number, alpha: number): { verdicts: Verdict[]; rounds: number } {
  const series: Series = { base: [], head: [] }
  for (let n = 1; n <= MAX_ROUNDS; n++) {
    series.base.push(round(cv, 0))
    series.head.push(round(cv, slowdown))
    if (n < MIN_ROUNDS) continue
    const verdicts = sequentialVerdicts(series, alpha)
    // As the schedule does: an entry stops once every gated metric is decided or one is a regression.
    if (n === MAX_ROUNDS || verdicts.includes('regression') || verdicts.every((v) => v !== 'inconclusive')) return { verdicts, rounds: n }
  }
  throw new Error('unreachable')
}

/** The fixed schedule: 5 rounds a side, bootstrap interval at the suite-adjusted level. */
function runFixed(cv: number, slowdown: number, alpha: number, seed: string): Verdict[] {
  const base = Array.from({ length: FIXED_ROUNDS }, () => round(cv, 0))
  const head = Array.from({ length: FIXED_ROUNDS }, () => round(cv, slowdown))
  return METRICS.map((m, i) => {
    const ci = bootstrapRatio(column(base, i), column(head, i), { seed: `${seed}:${m.name}`, resamples: 2000, confidence: 1 - 2 * alpha })
    return classify(ci, m.direction, m.tolerance)
  })
}

const pct = (k: number, n: number): string => `${((k / n) * 100).toFixed(1)} %`
const medianOf = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor((s.length - 1) / 2)] ?? NaN
}

const suiteBudget = errorBudget(ENTRIES * METRICS.length)
const entryBudget = errorBudget(METRICS.length)
const started = performance.now()

console.log(
  `## False alarms per ${ENTRIES}-entry suite (unchanged; any of ${ENTRIES * METRICS.length} gated metrics; bound ${pct(suiteBudget.suiteAlpha, 1)})\n`,
)
console.log(
  `| round CV | decide as you go (${trials} suites) | median rounds to a verdict | undecided at ${MAX_ROUNDS} rounds | fixed ${FIXED_ROUNDS} rounds (${fixedTrials} suites) | fixed: entries inconclusive |`,
)
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |')
for (const cv of [0.05, 0.15]) {
  let seqAlarms = 0
  let fixedAlarms = 0
  let undecided = 0
  let fixedInconclusive = 0
  const rounds: number[] = []
  for (let t = 0; t < trials; t++) {
    let alarm = false
    for (let e = 0; e < ENTRIES; e++) {
      const run = runSequential(cv, 0, suiteBudget.perTest)
      rounds.push(run.rounds)
      if (run.verdicts.includes('regression')) alarm = true
      if (run.verdicts.includes('inconclusive')) undecided++
    }
    if (alarm) seqAlarms++
  }
  for (let t = 0; t < fixedTrials; t++) {
    let alarm = false
    for (let e = 0; e < ENTRIES; e++) {
      const verdicts = runFixed(cv, 0, suiteBudget.perTest, `${cv}:${t}:${e}`)
      if (verdicts.includes('regression')) alarm = true
      if (verdicts.includes('inconclusive')) fixedInconclusive++
    }
    if (alarm) fixedAlarms++
  }
  console.log(
    `| ${pct(cv, 1)} | ${pct(seqAlarms, trials)} | ${medianOf(rounds)} | ${pct(undecided, trials * ENTRIES)} | ${pct(fixedAlarms, fixedTrials)} | ${pct(fixedInconclusive, fixedTrials * ENTRIES)} |`,
  )
}

console.log(`\n## Power: one entry (3 gated metrics), slowed down, 5 % round CV; "caught" = any gated metric a regression\n`)
console.log(`| slowdown | decide as you go: caught | within 15 pairs | median pairs to a verdict | fixed ${FIXED_ROUNDS} rounds: caught |`)
console.log('| ---: | ---: | ---: | ---: | ---: |')
for (const slowdown of [0.05, 0.1, 0.2]) {
  let caught = 0
  let caughtEarly = 0
  let fixedCaught = 0
  const rounds: number[] = []
  for (let t = 0; t < trials; t++) {
    const run = runSequential(0.05, slowdown, entryBudget.perTest)
    rounds.push(run.rounds)
    if (run.verdicts.includes('regression')) {
      caught++
      if (run.rounds <= 15) caughtEarly++
    }
  }
  for (let t = 0; t < fixedTrials; t++) {
    if (runFixed(0.05, slowdown, entryBudget.perTest, `p${slowdown}:${t}`).includes('regression')) fixedCaught++
  }
  console.log(
    `| +${pct(slowdown, 1)} | ${pct(caught, trials)} | ${pct(caughtEarly, trials)} | ${medianOf(rounds)} | ${pct(fixedCaught, fixedTrials)} |`,
  )
}
console.log(
  `\nalpha: ${pct(suiteBudget.suiteAlpha, 1)} per suite, split over gated metrics (${suiteBudget.tests} in the suite, ${entryBudget.tests} for one entry); ` +
    `rounds ${MIN_ROUNDS} to ${MAX_ROUNDS} a side; ${((performance.now() - started) / 1000).toFixed(0)} s`,
)
