// Seeded simulation of comparisons of separately measured runs, shared by the unit test of the rule
// (__tests__/compare/run-to-run.test.ts) and the README's figures: one machine factor per run for
// every entry and metric (req/s down when latency is up), log-normal round noise, a history of
// earlier runs' medians, and the real decision code (compare.ts fixedVerdict, run-to-run.ts).
import { fixedVerdict } from '../src/compare/compare.js'
import { errorBudget, SUITE_ALPHA } from '../src/compare/family.js'
import { DRIFT_SHARE, spreadFor } from '../src/compare/run-to-run.js'
import { median, seededRandom, type Verdict } from '../src/stats/stats.js'
import { normalSource } from './random.js'

/** The gated metrics of the default config: req/s 5 %, p50 10 %, p99 15 %. */
const GATED = [
  { metric: 'rps', tolerance: 0.05, sign: -1 },
  { metric: 'p50', tolerance: 0.1, sign: 1 },
  { metric: 'p99', tolerance: 0.15, sign: 1 },
] as const

/** One simulated setting. */
export interface SeparateRunsCase {
  readonly seed: string
  readonly entries: number
  /** Per-run machine factor σ (log scale) of the base branch's runs, the baseline run and the head run. */
  readonly drift: number
  /** Round-to-round CV within a run. */
  readonly roundCv: number
  readonly rounds: number
  /** Runs of history before the baseline run (0: the baseline alone, the spread assumed). */
  readonly historyRuns: number
  /** The head is slower by this factor (2 = twice the latency, half the req/s); 1 unchanged. */
  readonly slowdown: number
  /** Multiply one history run's latencies by this and divide its req/s (a broken or crafted run). */
  readonly outlierFactor?: number
  /** History runs alternate between level×this and level/this (a hostile artifact). */
  readonly alternate?: number
  /**
   * One round of the baseline run and one of the head run, each at a random position, this many
   * times slower or faster (a coin decides, per run and metric): a neighbour's burst in one round.
   */
  readonly outlierRound?: number
  /**
   * The level wanders: a random walk between runs with this σ a step (log scale), on top of the
   * per-run machine factor, through the history, the baseline run and the head run in that order.
   */
  readonly wander?: number
  /**
   * A merged change: the base branch's level moved by this factor (2 = twice the latency) before its
   * last `stepRuns` runs of history, the baseline run and the head run keeping the new level.
   */
  readonly step?: number
  /** How many runs of history (before the baseline run) are at the stepped level; 0 with `step`: only the baseline run. */
  readonly stepRuns?: number
}

/** What one simulated suite decided. */
export interface SuiteOutcome {
  /** Some gated metric was called a regression. */
  readonly failed: boolean
  /** Some gated metric was called an improvement. */
  readonly improved: boolean
  /** Some gated metric was undecided but probably far worse (the ⚠️ headline). */
  readonly probable: boolean
  readonly verdicts: readonly Verdict[]
}

/** Simulates `trials` suites of a case; deterministic for its seed. */
export function simulateSeparateRuns(c: SeparateRunsCase, trials: number): SuiteOutcome[] {
  const normal = normalSource(c.seed)
  const perTest = errorBudget(c.entries * GATED.length).perTest
  const run = (factor: number, slow: number, level: number, sign: number): number[] =>
    Array.from({ length: c.rounds }, () => level * Math.exp(sign * (factor + Math.log(slow)) + c.roundCv * normal()))
  const uniform = seededRandom(`${c.seed}:outlier rounds`)
  const withOutlierRound = (rounds: number[]): number[] => {
    const factor = c.outlierRound
    if (factor === undefined) return rounds
    const at = Math.floor(uniform() * rounds.length)
    const by = uniform() < 0.5 ? factor : 1 / factor
    return rounds.map((v, i) => (i === at ? v * by : v))
  }
  const outcomes: SuiteOutcome[] = []
  for (let t = 0; t < trials; t++) {
    // One machine factor per run, for every entry and metric of the suite.
    // A wandering level (random walk) and a step add to each run's factor, in time order.
    let walk = 0
    const factorAt = (i: number): number => {
      if (c.wander !== undefined) walk += c.wander * normal()
      const stepped = c.step !== undefined && i >= c.historyRuns - (c.stepRuns ?? 0) ? Math.log(c.step) : 0
      return c.drift * normal() + walk + stepped
    }
    const historyFactors = Array.from({ length: c.historyRuns }, (_, i) => factorAt(i))
    const baseFactor = factorAt(c.historyRuns)
    const headFactor = factorAt(c.historyRuns + 1)
    const verdicts: Verdict[] = []
    let probable = false
    for (let e = 0; e < c.entries; e++) {
      for (const g of GATED) {
        const level = g.metric === 'rps' ? 1000 : g.metric === 'p50' ? 5000 : 20000
        const medians = historyFactors.map((f, i) => {
          let extra = 1
          if (c.outlierFactor !== undefined && i === Math.floor(c.historyRuns / 2)) extra = c.outlierFactor
          if (c.alternate !== undefined) extra = i % 2 === 0 ? c.alternate : 1 / c.alternate
          return median(run(f, extra, level, g.sign))
        })
        const base = withOutlierRound(run(baseFactor, 1, level, g.sign))
        const head = withOutlierRound(run(headFactor, c.slowdown, level, g.sign))
        medians.push(median(base))
        const spread = spreadFor(
          medians,
          medians.map((_, i) => `run ${i + 1}`),
          base,
          head,
        )
        const judged = fixedVerdict(base, head, {
          seed: '',
          direction: g.sign < 0 ? 'higher-is-better' : 'lower-is-better',
          tolerance: g.tolerance,
          alarmAlpha: perTest,
          driftAlpha: SUITE_ALPHA * DRIFT_SHARE,
          relative: true,
          spread,
        })
        verdicts.push(judged.verdict)
        if (judged.probable) probable = true
      }
    }
    outcomes.push({ failed: verdicts.includes('regression'), improved: verdicts.includes('improvement'), probable, verdicts })
  }
  return outcomes
}

/** The share of outcomes for which `test` holds. */
export function rate(outcomes: readonly SuiteOutcome[], test: (o: SuiteOutcome) => boolean): number {
  return outcomes.filter(test).length / Math.max(1, outcomes.length)
}
