// Head against baseline, metric by metric, round by round: the ratio of geometric means with the
// interval that decides (paired rounds: sequential.ts; separate runs: run-to-run.ts), a Mann-Whitney
// p-value, noise and the smallest detectable change, then a verdict against the configured tolerance. Absolute thresholds are checked whether or not there is a baseline.
import { biggerIsBetter, isLatencyMetric, type MetricName, type RegressionTolerance, type Severity } from '../config/plan.js'
import { changeIsRelative } from '../config/plan.js'
import { levelLabel } from '../config/describe-plan.js'
import { DEFAULT_TOLERANCE } from '../config/tolerances.js'
import { environmentDifferences } from '../results/environment.js'
import type { EntryResult, Results, RoundResult } from '../results/document.js'
import {
  cannotRegress,
  classify,
  coefficientOfVariation,
  madOutliers,
  mannWhitneyU,
  mean,
  median,
  stddev,
  type Direction,
  type Verdict,
} from '../stats/stats.js'
import { scalingSummaries } from '../results/scaling.js'
import { APP_BUSY_PERCENT, appBusy, entryLatency, sharedCpuRounds } from '../results/entry-numbers.js'
import { entryTrend } from './round-trend.js'
import { SUITE_ALPHA, suiteBudget, type EntryShares, type SuiteBudget } from './family.js'
import { MISS_ALPHA, resolvableChange, sequentialVerdict, withoutPairs } from './sequential.js'
import {
  DEFAULT_LOG_SPREAD,
  DRIFT_SHARE,
  MIN_HISTORY_RUNS,
  separateRunsInterval,
  spreadFor,
  type RunToRunSpread,
  wholeRunScale,
  type SeparateRunsInterval,
} from './run-to-run.js'
import { checkEntry, judgeSlopes, validityViolation, type Violation } from './thresholds.js'
import { trimmedMean } from '../stats/yuen.js'
import {
  COMPARED_METRICS,
  type BaselineInfo,
  type ComparedMetric,
  type Comparison,
  type EntryComparison,
  type Finding,
  type MetricComparison,
  type Outcome,
  type ShareGroup,
} from './types.js'
import { covariateAdjusted, type Covariate } from './speed-adjust.js'
import { pairNoise } from './round-noise.js'

/**
 * Tolerances used to label metrics that no threshold gates: they decide the word shown (unchanged,
 * regression, ...) but never fail the check. The config's table, typed here so that every compared
 * metric must have one.
 */
export const REPORTING_TOLERANCE: Readonly<Record<ComparedMetric, number>> = DEFAULT_TOLERANCE

/** Fewer valid rounds than this on either side and no interval can be trusted: verdicts are inconclusive. */
export const MIN_ROUNDS = 2

/** How the caller obtained the baseline, for the report. */
export interface CompareOptions {
  /** Where the baseline came from, e.g. `artifact from run 1234 on main`. */
  readonly baselineDescription?: string
  /** Why there is no baseline, when `base` is undefined. */
  readonly baselineMissing?: string
  /**
   * Base and head were measured side by side, round n of one beside round n of the other (same-job):
   * rounds are compared in pairs with the anytime-valid confidence sequence of sequential.ts, the
   * rule that decided when to stop measuring.
   */
  readonly paired?: boolean
  /** A pull request compared with a stored baseline that could have had the base measured in the same job but for `app.build`. */
  readonly suggestAppBuild?: boolean
  /**
   * The base branch's recent runs: each entry's and metric's medians, oldest first, whose spread
   * widens the interval (run-to-run.ts). Without it a comparison of separate runs (any comparison
   * not `paired`) assumes the spread, as with a history of one run. Ignored with `paired`.
   */
  readonly runToRun?: RunToRunHistory
}

/** The medians of the base branch's recent runs, per entry key and metric, oldest first. */
export interface RunToRunHistory {
  /** Runs in the history. */
  readonly runs: number
  readonly series: ReadonlyMap<string, Partial<Readonly<Record<ComparedMetric, readonly number[]>>>>
  /** The run each median came from (`run 1234`, or its date), same shape as `series`, for naming outlier runs. */
  readonly labels?: ReadonlyMap<string, Partial<Readonly<Record<ComparedMetric, readonly string[]>>>>
  /** The same runs' medians at one machine speed (atOneSpeed), where their rounds read the speed probe. */
  readonly oneSpeed?: Omit<RunToRunHistory, 'oneSpeed'>
}

/** How much worse a ratio is than no change, in the metric's bad direction (0.2 = 20 % worse). */
function badness(ratio: number, direction: Direction): number {
  return direction === 'higher-is-better' ? 1 - ratio : ratio - 1
}

function directionOf(metric: MetricName): Direction {
  return biggerIsBetter(metric) ? 'higher-is-better' : 'lower-is-better'
}

/** The per-round values of a metric over the valid rounds; undefined where a round lacks it (no app). */
export function roundValues(rounds: readonly RoundResult[], metric: ComparedMetric): number[] | undefined {
  const values: number[] = []
  for (const round of rounds) {
    if (!round.valid) continue
    const value = roundValue(round, metric)
    if (value === undefined) return undefined
    values.push(value)
  }
  return values
}

function roundValue(round: RoundResult, metric: ComparedMetric): number | undefined {
  if (isLatencyMetric(metric)) return round.latencyUs[metric]
  if (metric === 'rps') return round.rps
  if (metric === 'errorRate') return round.errorRate
  if (metric === 'cpu') return round.server?.cpuUsPerRequest
  // A stress round's one number: the highest throughput at which its search found the SLO held.
  if (metric === 'capacity') return round.stress?.capacity
  if (metric === 'recovery') return round.spike?.recoveryMs
  // The round's mean, not its peak: a peak is the extreme of a handful of samples of the garbage
  // collector's sawtooth, so it depends on when the samples fell (issue 9 saw +10–16 % between
  // unchanged runs). On the demo app, five runs: peak and mean both varied < 1 % (README).
  return round.server?.rssMeanBytes
}

/** How one metric is judged: the samples, the tolerance and what a false regression may cost. */
interface MetricJudgement {
  readonly metric: ComparedMetric
  readonly base: readonly number[]
  readonly head: readonly number[]
  readonly seed: string
  readonly tolerance: RegressionTolerance | undefined
  readonly downgraded: boolean
  /** The gated metric's share of the suite's false-alarm bound. */
  readonly alarmAlpha: number
  /** base[i] and head[i] were measured side by side. */
  readonly paired: boolean
  /** Paired rounds: the measurement has ended, so what the sequence leaves open gets the final look (sequential.ts). */
  readonly ended?: boolean
  /** Paired rounds: each pair's noise from its rounds' seconds, a floor under the pairs' spread (sequential.ts). */
  readonly noise?: readonly number[]
  /** The run-to-run spread to add to the interval (stored baselines, relative metrics). */
  readonly spread?: RunToRunSpread
}

/**
 * The verdict and the interval shown. Fixed samples: a percentile bootstrap 95 % interval decides
 * unchanged and improvement; a regression of a gated metric must also hold with the two-sided
 * interval at 1 − 2·alarmAlpha (one-sided alarmAlpha on the bad side). Paired rounds: the
 * confidence sequences of sequential.ts, which may be looked at after every pair.
 */
function judge(
  j: MetricJudgement,
  direction: Direction,
  limit: number,
  relative: boolean,
): Omit<FixedVerdict, 'confidence'> & {
  confidence?: number
  clearing?: { low: number; high: number }
  /** Paired rounds: the pairs left out as outliers (sequential.ts outlierPairs). */
  leftOut?: readonly number[]
} {
  const enough = j.base.length >= MIN_ROUNDS && j.head.length >= MIN_ROUNDS
  const alarmAlpha = j.tolerance === undefined ? MISS_ALPHA : j.alarmAlpha
  if (j.paired) {
    const rule = {
      relative,
      direction,
      tolerance: limit,
      alarmAlpha,
      final: j.ended === true,
      ...(j.noise === undefined ? {} : { noise: j.noise }),
    }
    const { verdict, interval, strict, finalLook, leftOut, clearing } = sequentialVerdict(j.base, j.head, rule)
    const shift = relative ? 0 : 1
    const wide = { estimate: interval.estimate + shift, low: interval.low + shift, high: interval.high + shift }
    const final = enough ? verdict : 'inconclusive'
    // The 95 % interval already excludes no change on the bad side, far beyond the tolerance.
    const probable =
      final === 'inconclusive' &&
      badness(wide.estimate, direction) > 2 * limit &&
      badness(wide.low, direction) > 0 &&
      badness(wide.high, direction) > 0
    // Where the 95 % interval claimed a change, the alarm level's confirmed it or did not: that one
    // decided, so it is shown, with its level, and the table cannot read "-9 % (-15 … -2)" beside
    // "inconclusive" without saying at which level it was not enough.
    const decided =
      strict === undefined ? {} : { low: strict.interval.low + shift, high: strict.interval.high + shift, confidence: strict.confidence }
    return {
      verdict: final,
      ...wide,
      ...decided,
      // Whether no regression beyond the tolerance is plausible is a miss-side question: the 95 %
      // interval answers it (at the final look its one-sided bound, sequential.ts), even where a
      // stricter one is shown for a claimed change.
      clearing: clearing === undefined ? { low: wide.low, high: wide.high } : { low: clearing.low + shift, high: clearing.high + shift },
      detectable: resolvableChange(interval, relative),
      probable,
      ...(finalLook ? { finalLook } : {}),
      ...(leftOut.length === 0 ? {} : { leftOut }),
    }
  }
  const spread = relative ? j.spread : undefined
  const fixed = fixedVerdict(j.base, j.head, {
    seed: j.seed,
    direction,
    tolerance: limit,
    alarmAlpha,
    // A gated metric spends the drift share of the suite's bound once, with every other gated metric
    // (one machine factor per pair of runs: run-to-run.ts); an ungated label splits its own level.
    driftAlpha: j.tolerance === undefined ? alarmAlpha * DRIFT_SHARE : SUITE_ALPHA * DRIFT_SHARE,
    relative,
    ...(spread === undefined ? {} : { spread }),
  })
  return { ...fixed, verdict: enough ? fixed.verdict : 'inconclusive' }
}

/** How a fixed-sample comparison is judged (a stored baseline, or rounds not measured in pairs). */
export interface FixedRule {
  readonly seed: string
  readonly direction: Direction
  readonly tolerance: number
  /** What a false regression may cost: the metric's share of the suite's bound (family.ts). */
  readonly alarmAlpha: number
  /**
   * What the drift between the two runs may cost, once for the whole suite (run-to-run.ts); the
   * within-run part then gets alarmAlpha·(1 − DRIFT_SHARE). Without a spread, unused.
   */
  readonly driftAlpha?: number
  /** Ratio (true) or difference (false, the error rate). */
  readonly relative: boolean
  /** The run-to-run spread: base and head are separate runs (run-to-run.ts). */
  readonly spread?: RunToRunSpread
  /** Kept for callers of the former bootstrap interval; the rule no longer resamples. */
  readonly resamples?: number
}

/** A fixed-sample verdict with the interval that decided it, at `confidence`. */
export interface FixedVerdict {
  readonly verdict: Verdict
  readonly estimate: number
  readonly low: number
  readonly high: number
  /** Nominal two-sided level of the interval (the alarm level: it decided the verdict). */
  readonly confidence: number
  /** The smallest change this interval can decide, relative (half its width on the log scale). */
  readonly detectable: number
  /**
   * Not decided, but the estimate is beyond twice the tolerance on the bad side and a 95 % interval
   * built the same way excludes no change: worth a loud warning, never a silent pass.
   */
  readonly probable: boolean
  /** The estimate is a ratio of trimmed geometric means (run-to-run.ts withinRunRatio). */
  readonly trimmed?: boolean
  /** The estimate is the head's median against the base branch's pooled level (run-to-run.ts). */
  readonly pooled?: SeparateRunsInterval['pooled']
  /** Paired rounds judged by the final look (sequential.ts), not the sequence. */
  readonly finalLook?: boolean
}

/**
 * The verdict of a fixed-sample comparison and the interval that decided it (ratios; an absolute
 * difference d as 1 + d). One interval decides every verdict (regression, improvement, unchanged),
 * and it is the one shown: the within-run interval over the rounds at the alarm level (Welch's and
 * Yuen's trimmed one intersected, run-to-run.ts withinRunRatio), widened by the
 * drift between runs when base and head are separate runs (run-to-run.ts separateRunsInterval).
 * stats/welch.ts says why not a bootstrap this far out in the tail.
 */
export function fixedVerdict(base: readonly number[], head: readonly number[], rule: FixedRule): FixedVerdict {
  const { relative, spread, direction, tolerance } = rule
  const separate = spread !== undefined && relative
  const driftAlpha = rule.driftAlpha ?? rule.alarmAlpha * DRIFT_SHARE
  const withinAlpha = separate ? rule.alarmAlpha * (1 - DRIFT_SHARE) : rule.alarmAlpha
  const interval = (within: number, drift: number, combined: number, pool = true): SeparateRunsInterval => {
    const i = separateRunsInterval(base, head, {
      relative,
      spread: separate ? spread : undefined,
      withinAlpha: within,
      driftAlpha: drift,
      combinedAlpha: combined,
      pool,
    })
    // classify reads ratios; an absolute difference d is the ratio 1 + d for this purpose.
    return relative ? i : { estimate: i.estimate + 1, low: i.low + 1, high: i.high + 1 }
  }
  let decided = interval(withinAlpha, driftAlpha, rule.alarmAlpha)
  let verdict = classify(decided, direction, tolerance)
  // A regression against the pooled level of the base branch's last runs must also show against the
  // last run alone (its estimate beyond the tolerance): a step merged exactly at the baseline run
  // moves the head and that run together, away from the older runs' level, and is not this change.
  // Then the last run alone decides, as without history (run-to-run.ts, "The pooled level").
  const pool = !(verdict === 'regression' && decided.pooled !== undefined && !(badness(decided.pooled.lastRun, direction) > tolerance))
  if (!pool) {
    decided = interval(withinAlpha, driftAlpha, rule.alarmAlpha, pool)
    verdict = classify(decided, direction, tolerance)
  }
  // "Probably worse", a warning that must stay rare on unchanged code too: the drift part at the
  // suite's whole 1 % (one event), the within-run part at 2.5 % a side, unsplit.
  // The combined part at twice the metric's share (halved inside): at most the suite's 1 % over its metrics.
  const loose = interval(MISS_ALPHA / 2, separate ? SUITE_ALPHA : MISS_ALPHA / 2, 2 * rule.alarmAlpha, pool)
  const probable =
    verdict === 'inconclusive' &&
    badness(loose.estimate, direction) > 2 * tolerance &&
    Math.min(badness(loose.low, direction), badness(loose.high, direction)) > 0
  const half = relative ? Math.expm1((Math.log(decided.high) - Math.log(decided.low)) / 2) : (decided.high - decided.low) / 2
  // A two-sided level: the within-run part plus the drift part, each a side (union bound); with a
  // spread, each at half its level, and the combined interval at half the metric's share.
  const confidence = separate ? 1 - (withinAlpha + driftAlpha + rule.alarmAlpha) : 1 - 2 * withinAlpha
  return { verdict, ...decided, confidence, detectable: Number.isFinite(half) ? half : Infinity, probable }
}

function compareMetric(j: MetricJudgement): MetricComparison {
  const { metric, base, head, tolerance } = j
  const direction = directionOf(metric)
  const relative = changeIsRelative(metric)
  const limit = tolerance?.tolerance ?? REPORTING_TOLERANCE[metric]
  const judged = judge(j, direction, limit, relative)
  // The columns are the same statistic as the change: over the pairs it was judged from.
  const leftOut = judged.leftOut ?? []
  const severity: Severity = j.downgraded ? 'warn' : (tolerance?.severity ?? 'fail')
  return {
    metric,
    direction,
    // Against a pooled level the columns are that level and the head's median (run-to-run.ts).
    base: judged.pooled?.base ?? centreOf(withoutPairs(base, leftOut), relative, judged.trimmed === true),
    head: judged.pooled?.head ?? centreOf(withoutPairs(head, leftOut), relative, judged.trimmed === true),
    change: judged.estimate - 1,
    low: judged.low - 1,
    high: judged.high - 1,
    relative,
    pValue: mannWhitneyU(base, head).p,
    cvBase: coefficientOfVariation(base),
    cvHead: coefficientOfVariation(head),
    detectable: judged.detectable,
    tolerance: limit,
    severity,
    gated: tolerance !== undefined,
    verdict: judged.verdict,
    baseRounds: base.length,
    headRounds: head.length,
    outliers: { base: madOutliers(base), head: madOutliers(head) },
    ...(judged.confidence === undefined ? {} : { confidence: judged.confidence }),
    ...(judged.probable ? { probable: true } : {}),
    ...(judged.finalLook === true ? { finalLook: true } : {}),
    ...(leftOut.length === 0 ? {} : { outlierPairs: leftOut.length }),
    ...(judged.clearing === undefined ? {} : { clearing: { low: judged.clearing.low - 1, high: judged.clearing.high - 1 } }),
    ...(j.spread === undefined || !relative
      ? {}
      : {
          runToRun: {
            sigma: j.spread.sigma,
            runs: j.spread.runs,
            assumed: j.spread.assumed,
            ...(j.spread.outliers === undefined ? {} : { outliers: j.spread.outliers }),
            ...(j.spread.capped === true ? { capped: true } : {}),
            ...(judged.pooled === undefined ? {} : { level: judged.pooled.runs }),
          },
        }),
  }
}

/**
 * The baseline and current value shown beside a change, the same statistic the change is a ratio
 * (or difference) of, so that the columns never contradict the change: the geometric mean of the
 * rounds for ratios (both the fixed-sample and the paired rule estimate a ratio of geometric
 * means, or of 20 % trimmed ones where that interval decided), the mean for differences. A value
 * that cannot be logged falls back to the median.
 */
function centreOf(values: readonly number[], relative: boolean, trimmed: boolean): number {
  if (values.length === 0) return NaN
  if (!relative) return values.reduce((a, b) => a + b, 0) / values.length
  if (!values.every((v) => v > 0 && Number.isFinite(v))) return median(values)
  if (trimmed) return Math.exp(trimmedMean(values.map(Math.log)))
  return Math.exp(values.reduce((a, b) => a + Math.log(b), 0) / values.length)
}

/** A metric's values in paired rounds (pairedValues). */
export interface PairedValues {
  readonly base: number[]
  readonly head: number[]
  /** The slope on the speed probe the pairs were adjusted by (speed-adjust.ts), where they were. */
  readonly speedSlope?: number
  /** The slope on the app's access to its CPUs the pairs were adjusted by (accessAdjusted), where they were. */
  readonly accessSlope?: number
  /** Each pair's noise as its rounds' seconds imply it (round-noise.ts), where every pair has one. */
  readonly noise?: number[]
}

/**
 * The values of a metric in rounds measured side by side: round n of base with round n of head,
 * where both are valid. Undefined where a round lacks the metric (no app).
 */
export function pairedValues(base: readonly RoundResult[], head: readonly RoundResult[], metric: ComparedMetric): PairedValues | undefined {
  const pairs: { base: number[]; head: number[] } = { base: [], head: [] }
  const probes: { base: number[]; head: number[] } = { base: [], head: [] }
  const access: { base: number[]; head: number[] } = { base: [], head: [] }
  const cpu: { base: number[]; head: number[] } = { base: [], head: [] }
  // Each pair's noise from its seconds; none as soon as one pair has none (a floor needs every pair).
  let noise: number[] | undefined = []
  for (const [b, h] of keptPairs(base, head)) {
    const bv = roundValue(b, metric)
    const hv = roundValue(h, metric)
    if (bv === undefined || hv === undefined) return undefined
    pairs.base.push(bv)
    pairs.head.push(hv)
    probes.base.push(b.speedProbeUs ?? NaN)
    probes.head.push(h.speedProbeUs ?? NaN)
    access.base.push(b.server?.cpuAccess ?? NaN)
    access.head.push(h.server?.cpuAccess ?? NaN)
    cpu.base.push(b.server?.cpuUsPerRequest ?? NaN)
    cpu.head.push(h.server?.cpuUsPerRequest ?? NaN)
    const pairSd: number | undefined = noise === undefined ? undefined : pairNoise(b, h, metric)
    if (pairSd === undefined) noise = undefined
    else noise?.push(pairSd)
  }
  const withNoise = noise !== undefined && noise.length > 0 ? { noise } : {}
  // Rounds that measured the machine's speed beside them, every pair of them (speedProbed's rule, read
  // off the pairs just gathered): the metrics that follow it are adjusted by it (speed-adjust.ts).
  const probed = pairs.base.length > 0 && [probes.base, probes.head].every(positive)
  if (SPEED_ADJUSTED.has(metric) && probed && [pairs.base, pairs.head].every(positive)) {
    const speed: Covariate = { ...probes, prior: speedSign(metric) }
    // What other work on the apps' CPUs slows (throughput, latency) is adjusted for the app's access
    // to them too, where every pair read it (accessAdjusted); CPU per request stays as the probe left
    // it, the app's own and the check on what the access may hide.
    const use = accessAdjusted(metric, access) ? accessUsed(cpu, probes) : undefined
    if (use !== undefined) {
      const adjusted = covariateAdjusted(pairs.base, pairs.head, [speed, { ...access, prior: -speedSign(metric), use }])
      return {
        base: adjusted.base,
        head: adjusted.head,
        speedSlope: adjusted.fitted[0] ?? NaN,
        accessSlope: adjusted.fitted[1] ?? NaN,
        ...withNoise,
      }
    }
    const adjusted = covariateAdjusted(pairs.base, pairs.head, [speed])
    return { base: adjusted.base, head: adjusted.head, speedSlope: adjusted.fitted[0] ?? NaN, ...withNoise }
  }
  return { ...pairs, ...withNoise }
}

/**
 * Separate runs at one machine speed. Two runs minutes apart do not get the same machine: on this
 * project's 2-CPU machine, at load 0.5–3.7, an unchanged Express app's throughput moved between runs
 * a minute apart by a log SD of 0.21–0.23 (up to ±85 %) as the vCPUs slowed for minutes at a time, and
 * `cannonade compare` of consecutive unchanged runs failed 3 of 32 (bench/separate-real.ts). Where
 * every valid round of both runs read the speed probe (app/speed-probe.ts: `app.cpus: separate`, the
 * default where Cannonade starts the app), each round's value is taken to one machine speed at slope 1:
 * v · (s_ref / s)^±1, s the round's µs a probe unit, s_ref = {@link SPEED_REFERENCE_US} (a constant,
 * so that the history's points at one speed compare too), + for what grows as the machine slows
 * (latency, CPU per request), − for throughput.
 *
 * Which view decides (viewThatDecides): with too little history, the verdict stands only where the
 * values as measured and at one speed agree (confirmedAtOneSpeed). Why both, and why slope 1 unfitted:
 * a route's true slope β on the probe is unknown from five rounds a side (about 1 for CPU-bound work,
 * 0 for one that waits on I/O). With the machine drifting by D between the runs, the measured log
 * ratio is off by β·D and the one at one speed by (β − 1)·D: for any β between 0 and 1 the two errors
 * have opposite signs, so the drift cannot push both past a tolerance in the same direction, and an
 * unchanged head fails only where the drift the probe does not explain does. A real change moves both
 * alike. With a history of the base branch in both views (history/build.ts keeps each run's median at
 * one speed beside the measured one), each view's run-to-run spread is measured, whatever β is: where
 * the runs at one speed varied at most half as much, that view decides alone (decidedAtOneSpeed).
 * Undefined where a round has no
 * reading, or a value is not positive, or the metric does not follow the machine's speed (memory,
 * errors, capacity).
 */
export function atOneSpeed(
  base: readonly RoundResult[],
  head: readonly RoundResult[],
  metric: ComparedMetric,
): { base: number[]; head: number[]; machine: number; toHeadSpeed: number } | undefined {
  const b = roundsAtSpeed(base, metric)
  const h = roundsAtSpeed(head, metric)
  if (b === undefined || h === undefined) return undefined
  const headLog = mean(h.logSpeeds)
  const sign = speedSign(metric)
  return {
    base: b.values,
    head: h.values,
    machine: Math.exp(headLog - mean(b.logSpeeds)),
    // What takes a value at the reference speed to the head run's mean speed (the report's columns).
    toHeadSpeed: Math.exp(sign * (headLog - Math.log(SPEED_REFERENCE_US))),
  }
}

/**
 * The probe's µs a unit every value at one machine speed is taken to: a constant, so that the
 * values of separate runs and the history's points at one speed (history/build.ts) are alike.
 */
export const SPEED_REFERENCE_US = 1000

/**
 * One side's valid rounds of a metric at the reference speed, v · (s_ref / s)^±1 (see atOneSpeed),
 * with the log of each round's reading; undefined where the metric does not follow the machine's
 * speed, a round has no reading, or a value is not positive.
 */
export function roundsAtSpeed(
  rounds: readonly RoundResult[],
  metric: ComparedMetric,
): { values: number[]; logSpeeds: number[] } | undefined {
  if (!SPEED_ADJUSTED.has(metric)) return undefined
  const valid = rounds.filter((r) => r.valid)
  const values = valid.map((r) => roundValue(r, metric) ?? NaN)
  const speeds = valid.map((r) => r.speedProbeUs ?? NaN)
  if (valid.length === 0 || !positive(values) || !positive(speeds)) return undefined
  const sign = speedSign(metric)
  const reference = Math.log(SPEED_REFERENCE_US)
  const logSpeeds = speeds.map(Math.log)
  return { values: values.map((v, i) => v * Math.exp(sign * (reference - (logSpeeds[i] ?? NaN)))), logSpeeds }
}

/**
 * The measured verdict where the one at one machine speed agrees with it (atOneSpeed); else the
 * weaker claim: unchanged where one says unchanged and the other improvement, inconclusive
 * otherwise, probably worse only where both are worse or probably worse. The interval shown stays
 * the measured one; `oneSpeed` carries the other for the report, and what the measured values alone
 * claimed where that claim did not stand (`overruled`).
 */
export function confirmedAtOneSpeed(measured: MetricComparison, oneSpeed: MetricComparison, machine: number): MetricComparison {
  const at = { change: oneSpeed.change, low: oneSpeed.low, high: oneSpeed.high, verdict: oneSpeed.verdict, machine }
  const kinder = new Set<Verdict>(['unchanged', 'improvement'])
  const verdict: Verdict =
    measured.verdict === oneSpeed.verdict
      ? measured.verdict
      : kinder.has(measured.verdict) && kinder.has(oneSpeed.verdict)
        ? 'unchanged'
        : 'inconclusive'
  const worse = (m: MetricComparison): boolean => m.verdict === 'regression' || m.probable === true
  const probable = verdict === 'inconclusive' && worse(measured) && worse(oneSpeed)
  const { probable: _dropped, ...rest } = measured
  // What the measured values alone said, where that was a claim the other view did not share.
  const overruled =
    measured.verdict !== verdict
      ? { overruled: measured.verdict }
      : measured.probable === true && !probable
        ? { overruled: 'probable' as const }
        : {}
  return { ...rest, verdict, ...(probable ? { probable: true } : {}), oneSpeed: { ...at, ...overruled } }
}

/**
 * Which view of two separate runs decides. Where the base branch's history holds at least
 * MIN_HISTORY_RUNS runs in both views and its runs at one speed varied by at most
 * {@link ONE_SPEED_DECIDES} of what the same runs varied as measured, the route evidently follows
 * the probe (slope β near 1: its drift at one speed is (1 − β)·D against β·D as measured), and the
 * view at one speed decides alone, its interval calibrated by its own history; chosen on the history,
 * before the head is looked at. Otherwise both must agree (confirmedAtOneSpeed): a route that waits on
 * I/O (β near 0) varies as much at one speed as the probe does, and a calm history cannot tell the
 * two apart, so a slowdown of the machine in the head's run alone would move the one view the history
 * had no reason to doubt.
 *
 * The two are compared over the same runs, by the mean square successive difference with no run
 * trimmed (wholeRunScale), except the runs the view at one speed leaves out as outliers (`outliers`,
 * its run-to-run spread's): as measured, the runs the machine ran slow in are what the view at one
 * speed takes away, and trimming them as outliers there made the measured spread look as small as the
 * other; a run that is an outlier at one speed too (the app starved of its CPU by other work, which
 * the probe does not see) says nothing about either view, and one such run kept would decide the
 * choice for the next ten.
 */
export function viewThatDecides(
  measured: { readonly values: readonly number[]; readonly labels: readonly string[] },
  oneSpeed: { readonly values: readonly number[]; readonly labels: readonly string[] },
  outliers: readonly string[] = [],
): 'one speed' | 'both' {
  const left = new Set(outliers)
  const measuredOf = new Map(measured.labels.map((label, i) => [label, measured.values[i]]))
  const kept = oneSpeed.labels.flatMap((label, i) => {
    const asMeasured = measuredOf.get(label)
    const atSpeed = oneSpeed.values[i]
    return left.has(label) || asMeasured === undefined || atSpeed === undefined ? [] : [{ asMeasured, atSpeed }]
  })
  const asMeasured = wholeRunScale(kept.map((k) => k.asMeasured))
  const atSpeed = wholeRunScale(kept.map((k) => k.atSpeed))
  return asMeasured !== undefined && atSpeed !== undefined && atSpeed <= ONE_SPEED_DECIDES * asMeasured ? 'one speed' : 'both'
}

/** The most the history's run-to-run scale at one speed may be, as a share of the measured one's, for that view to decide alone. */
export const ONE_SPEED_DECIDES = 0.5

/**
 * The comparison at one speed as the verdict, its columns taken to the head run's machine speed so
 * that they read in the metric's unit (their ratio, the change, is the same), with what the values
 * as measured said beside it.
 */
export function decidedAtOneSpeed(
  measured: MetricComparison,
  atSpeed: MetricComparison,
  speed: { readonly machine: number; readonly toHeadSpeed: number },
  measuredSigma: number,
): MetricComparison {
  const { change, low, high, verdict } = atSpeed
  return {
    ...atSpeed,
    base: atSpeed.base * speed.toHeadSpeed,
    head: atSpeed.head * speed.toHeadSpeed,
    oneSpeed: {
      change,
      low,
      high,
      verdict,
      machine: speed.machine,
      measured: { change: measured.change, low: measured.low, high: measured.high, verdict: measured.verdict, sigma: measuredSigma },
    },
  }
}

/**
 * Round n of base with round n of head, where both are valid and met about as much other work on the
 * apps' CPUs as the pairs usually did: the pairs a paired comparison keeps. A pair in which one
 * side's busy app shared its CPUs with other work and the other's did not compares the machine, not
 * the code.
 */
function keptPairs(base: readonly RoundResult[], head: readonly RoundResult[]): [RoundResult, RoundResult][] {
  const pairs = validPairs(base, head)
  const uneven = unevenPairs(pairs)
  return pairs.filter((pair) => !uneven.has(pair))
}

/** Round n of base with round n of head, where both are valid. */
function validPairs(base: readonly RoundResult[], head: readonly RoundResult[]): [RoundResult, RoundResult][] {
  const byRound = new Map(base.filter((r) => r.valid).map((r) => [r.round, r]))
  return head.flatMap((h): [RoundResult, RoundResult][] => {
    const b = byRound.get(h.round)
    return h.valid && b !== undefined ? [[b, h]] : []
  })
}

/**
 * The pairs whose two rounds, one of whose apps was busy, met shares of other work that differ by more
 * than {@link CONTENTION_POINTS} from the pairs' usual difference (their median, from three pairs on;
 * none below).
 *
 * The usual difference is the code's doing, not the machine's: where the CPUs are full, what other
 * work gets is what the app leaves it, so a head that needs 2.5 times the CPU per request leaves the
 * others some 20 points less in every pair, and one that waits leaves them more. Measured against
 * zero, that left out 11 of a 2.5x slowdown's 14 pairs beside four busy loops, and the 3 left could
 * not decide it (the run passed). Other work that comes and goes meets one side of a pair and not the
 * other, in either order, so it still stands out from the median.
 */
function unevenPairs(pairs: readonly [RoundResult, RoundResult][]): Set<[RoundResult, RoundResult]> {
  const gaps = pairs.map(([b, h]) => {
    const base = othersOf(b)
    const head = othersOf(h)
    return base === undefined || head === undefined ? undefined : head - base
  })
  const known = gaps.filter((g) => g !== undefined)
  const usual = known.length >= 3 ? median(known) : 0
  return new Set(
    pairs.filter(([b, h], i) => {
      const gap = gaps[i]
      return gap !== undefined && (appBusy(b) || appBusy(h)) && Math.abs(gap - usual) > CONTENTION_POINTS
    }),
  )
}

// How much more of the app's CPUs' time (percentage points) other work may take in one of two
// compared measurements than in the other before they no longer compare the code. On this
// project's machine, quiet, other work took 0–9 % of the app's CPU in a round; with one busy process
// beside it, 25–52 % while the app served a closed loop, and up to 96 % beside an app mostly idle.
export const CONTENTION_POINTS = 15

// What other work on the app's CPUs slows: how fast the app serves. Its CPU time per request and
// its memory stay the app's own.
export const CONTENDED_METRICS: ReadonlySet<ComparedMetric> = new Set(['rps', 'p50', 'p90', 'p95', 'p99', 'p999', 'capacity'])

function othersOf(round: RoundResult): number | undefined {
  return round.server?.othersCpuPercent
}

function unevenlyShared(base: number | undefined, head: number | undefined): boolean {
  return base !== undefined && head !== undefined && Math.abs(head - base) > CONTENTION_POINTS
}

/**
 * Separate runs: each run's median share of its app's CPUs that other work took (valid rounds), when
 * the two differ by more than {@link CONTENTION_POINTS} and the app of either run kept a quarter of a
 * core busy or more; undefined when they are alike, the app mostly waited, or a run did not measure it.
 */
function contentionBetween(base: readonly RoundResult[], head: readonly RoundResult[]): { base: number; head: number } | undefined {
  const shareOf = (rounds: readonly RoundResult[]): number | undefined => {
    const shares = rounds.filter((r) => r.valid).map(othersOf)
    return shares.length === 0 || shares.some((x) => x === undefined) ? undefined : median(shares.filter((x) => x !== undefined))
  }
  const busy = (rounds: readonly RoundResult[]): boolean => {
    const valid = rounds.filter((r) => r.valid)
    return valid.length > 0 && median(valid.map((r) => r.server?.cpuPercent ?? 0)) >= APP_BUSY_PERCENT
  }
  const b = shareOf(base)
  const h = shareOf(head)
  return b !== undefined && h !== undefined && (busy(base) || busy(head)) && unevenlyShared(b, h) ? { base: b, head: h } : undefined
}

/**
 * Which run met more of the other work (contentionBetween's two shares, which differ where it gives
 * them): other work can only have slowed that run. Undefined where neither did.
 */
export function metMore(contention: { readonly base: number; readonly head: number } | undefined): 'head' | 'base' | undefined {
  if (contention === undefined) return undefined
  return contention.head > contention.base ? 'head' : 'base'
}

const positive = (xs: readonly number[]): boolean => xs.every((x) => x > 0 && Number.isFinite(x))

/** Whether every kept pair of rounds has the speed probe's reading on both sides (app.cpus: separate), so that its pairs are adjusted. */
function speedProbed(base: readonly RoundResult[], head: readonly RoundResult[]): boolean {
  const kept = keptPairs(base, head)
  return kept.length > 0 && kept.every(([b, h]) => positive([b.speedProbeUs ?? NaN, h.speedProbeUs ?? NaN]))
}

// The metrics that follow the machine's speed: throughput, latency and CPU per request. Memory, the
// error rate and a stress round's capacity are compared as measured.
const SPEED_ADJUSTED: ReadonlySet<ComparedMetric> = new Set(['rps', 'p50', 'p90', 'p95', 'p99', 'p999', 'cpu'])

/**
 * Whether a metric's pairs are adjusted for the app's access to its CPUs too (server.cpuAccess: its
 * threads' run time over run time and run-queue wait, recorded on Linux), beside the speed probe:
 * throughput and latency, where every pair read it on both sides.
 *
 * Why: other work on the apps' own CPU takes a share of it that varies round by round, and the probe,
 * a small unit of work every 20 ms, does not see a share taken from the app. Beside one busy process
 * on that CPU, the req/s pairs of unchanged heads kept an SD of 0.13–0.21 after the probe, and 0.05–0.06
 * after probe and access (bench/cpu-access-kept.ts over the kept runs of 2026-12-05 23:10–23:47); the
 * slope on the access was 0.6–1.2, prior 1 (a saturated app's throughput follows the CPU time it gets).
 *
 * What it may hide: the access is the app's own, and unlike the probe its code moves it. A head that
 * computes more is runnable more and waits more (its mean access 0.6–3.1 % below an unchanged head's
 * beside the busy process), and one whose own threads compete for the app's CPU (a worker thread busy
 * a fifth of the time: −7 %) lowers it more: adjusted by it, such a head's throughput read +8.5 %
 * where it had not moved, and a head that drops such a thread would read a loss. Every such head
 * changes its CPU per request, which the access does not adjust, so the access is used only while
 * CPU per request shows no change (accessUsed), and CPU per request, gated by default where
 * Cannonade starts the app, decides on the head that changed it. An unchanged head cannot move the
 * access on average, so its false alarms stay within the bound. A head that waits more (I/O, a lock) sleeps rather than waits to run: beside the
 * busy process, a head waiting 1 ms longer read an access 1 % higher and its slowdown was unmoved.
 */
function accessAdjusted(metric: ComparedMetric, access: { readonly base: readonly number[]; readonly head: readonly number[] }): boolean {
  const read = (xs: readonly number[]): boolean => xs.length > 0 && xs.every((x) => x > 0 && x <= 1)
  return CONTENDED_METRICS.has(metric) && read(access.base) && read(access.head)
}

/** A change of CPU per request (log) below which a head's own access is taken not to have moved. */
export const ACCESS_CPU_CHANGE = 0.02

/**
 * Which pairs the app's access adjusts (accessAdjusted): pair i where the pairs before it show CPU
 * per request (probe-adjusted) unchanged, so that the head's code is not what moved the access;
 * undefined where a pair lacks CPU per request. "Changed": at least 3 pairs, a mean log-ratio beyond
 * ±{@link ACCESS_CPU_CHANGE} and beyond 3 standard errors. A head that costs more or less CPU, or
 * keeps another thread busy, moves its own access (accessAdjusted): its throughput and latency are
 * then compared as the probe left them, and CPU per request decides on it. Predictable, as the
 * slopes are, so the pairs stay a sequence that may be looked at after any pair.
 */
function accessUsed(
  cpu: { readonly base: number[]; readonly head: number[] },
  probes: { readonly base: number[]; readonly head: number[] },
): boolean[] | undefined {
  if (![cpu.base, cpu.head].every(positive)) return undefined
  const adjusted = covariateAdjusted(cpu.base, cpu.head, [{ ...probes, prior: 1 }])
  const ys = adjusted.head.map((h, i) => Math.log(h / (adjusted.base[i] ?? NaN)))
  return ys.map((_, i) => {
    const before = ys.slice(0, i)
    if (before.length < 3) return true
    const change = Math.abs(mean(before))
    return !(change > ACCESS_CPU_CHANGE && change > (3 * stddev(before)) / Math.sqrt(before.length))
  })
}

/** How a metric moves as the machine slows: +1 for what grows (latency, CPU per request), −1 for throughput. */
function speedSign(metric: ComparedMetric): 1 | -1 {
  return biggerIsBetter(metric) ? -1 : 1
}

/**
 * Whether a metric of an entry is compared. A stress round's rps and latencies are those of its step
 * at capacity, and base and head reach capacity at different loads: their rps is the capacity again,
 * their latencies are measured at different loads. So a stress entry compares its capacity, and other
 * metrics only where a tolerance asks for them.
 */
function comparedFor(entry: EntryResult, metric: ComparedMetric): boolean {
  if (entry.stress === undefined || metric === 'capacity') return true
  return entry.regression.some((t) => t.metric === metric)
}

function percentilesOf(entry: EntryResult): Record<'p50' | 'p90' | 'p99' | 'p999', number> {
  const { p50, p90, p99, p999 } = entryLatency(entry)
  return { p50, p90, p99, p999 }
}

/** What every entry of one comparison shares. */
interface EntryContext {
  readonly seedPrefix: string
  readonly downgradeAll: boolean
  readonly budget: SuiteBudget
  readonly paired: boolean
  readonly runToRun: RunToRunHistory | undefined
}

function compareEntry(
  head: EntryResult,
  base: EntryResult | undefined,
  ctx: EntryContext,
  shares: EntryShares,
): { comparison: EntryComparison; findings: Finding[] } {
  const invalid = validityViolation(head)
  // Same-job: a soak's slopes are judged against the base's, measured beside them.
  const soakBase = ctx.paired ? base : undefined
  const slopes = invalid === undefined ? judgeSlopes(head, head.thresholds, soakBase) : []
  const violations: Violation[] = invalid === undefined ? checkEntry(head, head.thresholds, soakBase, slopes) : [invalid]
  const findings: Finding[] = violations.map((v) => ({
    severity: v.severity,
    kind: invalid === undefined ? 'threshold' : 'unmeasurable',
    entry: head.key,
    metric: v.metric,
    violation: v,
  }))
  const trend = entryTrend(head)
  // Rounds of this run (and, in same-job, of the base beside it) whose busy app met other work.
  const sharedCpu = sharedCpuRounds(ctx.paired && base !== undefined ? [...head.rounds, ...base.rounds] : head.rounds)
  const stress = head.stress === undefined ? undefined : { head: head.stress, ...(base?.stress === undefined ? {} : { base: base.stress }) }
  const identity = {
    key: head.key,
    scenario: head.scenario,
    load: levelLabel(head),
    current: { rps: head.rps, errorRate: head.errorRate },
    ...(trend === undefined ? {} : { trend }),
    ...(stress === undefined ? {} : { stress }),
    ...(head.findings === undefined ? {} : { findings: head.findings }),
    ...(base?.findings === undefined ? {} : { baseFindings: base.findings }),
    ...(slopes.length === 0 ? {} : { slopes }),
    ...(sharedCpu === undefined ? {} : { sharedCpu }),
  }
  if (invalid !== undefined) {
    return {
      comparison: { ...identity, status: 'unmeasurable', metrics: [], violations, percentiles: { head: percentilesOf(head) } },
      findings,
    }
  }
  if (base === undefined || base.validRounds === 0) {
    return { comparison: { ...identity, status: 'new', metrics: [], violations, percentiles: { head: percentilesOf(head) } }, findings }
  }
  // An edited scenario measures something else: report the change, but do not block on it. Nor does
  // a head whose app shared its CPUs with other work that the baseline's app did not meet.
  const definitionChanged = base.definitionHash !== head.definitionHash
  const contention = ctx.paired ? undefined : contentionBetween(base.rounds, head.rounds)
  // Other work can only have slowed the run that met more of it: a regression found where the head
  // met more may be its doing, and an unchanged or better head beside a baseline that met more may
  // hide one. A regression found although the baseline met more stands, and so does the head that
  // held its own although it met more. Which way round matters: where the CPUs are full, a head that
  // costs more CPU leaves other work less (a 2.5x slowdown beside eight busy loops: 12–17 % against
  // the baseline's 38–43 %), and was held back to a warning for it, as if it had been starved.
  const busier = metMore(contention)
  // Same-job: the pairs left out for it.
  const leftOut = ctx.paired ? unevenPairs(validPairs(base.rounds, head.rounds)).size : 0
  const downgraded = ctx.downgradeAll || definitionChanged
  const metrics: MetricComparison[] = []
  for (const metric of COMPARED_METRICS) {
    if (!comparedFor(head, metric)) continue
    const values:
      { base: number[] | undefined; head: number[] | undefined; speedSlope?: number; accessSlope?: number; noise?: number[] } | undefined =
      ctx.paired
        ? pairedValues(base.rounds, head.rounds, metric)
        : { base: roundValues(base.rounds, metric), head: roundValues(head.rounds, metric) }
    const b = values?.base
    const h = values?.head
    if (b === undefined || h === undefined || b.length === 0 || h.length === 0) continue
    const tolerance = head.regression.find((t) => t.metric === metric)
    // Separate runs (not paired): the drift between them, from the history when there is one,
    // assumed otherwise; the same rule for an artifact, `run --baseline` and `compare`.
    const history = ctx.runToRun
    // This entry's metric over the history's runs, as measured or (`runs` = history.oneSpeed) at one speed.
    const seriesOf = (runs: Omit<RunToRunHistory, 'oneSpeed'> | undefined): { values: readonly number[]; labels: readonly string[] } => ({
      values: runs?.series.get(head.key)?.[metric] ?? [],
      labels: runs?.labels?.get(head.key)?.[metric] ?? [],
    })
    const spreadOf = (
      baseValues: readonly number[],
      headValues: readonly number[],
      runs: Omit<RunToRunHistory, 'oneSpeed'> | undefined = history,
    ): RunToRunSpread => {
      const { values, labels } = seriesOf(runs)
      // No history of this entry: the baseline run is its one run of history.
      return spreadFor(values.length > 0 ? values : [median(baseValues)], labels, baseValues, headValues)
    }
    const spread = ctx.paired ? undefined : spreadOf(b, h)
    const judgement = {
      metric,
      base: b,
      head: h,
      seed: `${ctx.seedPrefix}:${head.key}:${metric}`,
      tolerance,
      downgraded: downgraded || (busier === 'head' && CONTENDED_METRICS.has(metric)),
      // The entry's share of the suite's bound for this metric (family.ts), made from the same
      // tolerances, so every gated metric has one; an ungated metric has none and is only labelled,
      // at the reporting level (judge), spending nothing of the bound.
      alarmAlpha: shares[metric] ?? MISS_ALPHA,
      paired: ctx.paired,
      // What is compared here was measured: paired rounds get the final look (sequential.ts).
      ended: true,
      ...(values?.noise === undefined ? {} : { noise: values.noise }),
      ...(spread === undefined ? {} : { spread }),
    }
    const measured = compareMetric(judgement)
    // Separate runs that both read the machine's speed: a verdict must hold at one speed too.
    const speed = ctx.paired ? undefined : atOneSpeed(base.rounds, head.rounds, metric)
    let m = measured
    if (speed !== undefined && spread !== undefined) {
      const speedSpread = spreadOf(speed.base, speed.head, history?.oneSpeed)
      const atSpeed = compareMetric({ ...judgement, base: speed.base, head: speed.head, spread: speedSpread })
      const view = viewThatDecides(seriesOf(history), seriesOf(history?.oneSpeed), speedSpread.outliers)
      if (view === 'one speed') m = decidedAtOneSpeed(measured, atSpeed, speed, spread.sigma)
      else m = confirmedAtOneSpeed(measured, atSpeed, speed.machine)
    }
    // Other work slowed the baseline's app and not the head's: neither "unchanged" nor "improvement"
    // is claimed, as either may be that work's doing.
    if (busier === 'base' && CONTENDED_METRICS.has(metric) && m.verdict !== 'regression') m = { ...m, verdict: 'inconclusive' }
    m = {
      ...m,
      ...(values?.speedSlope === undefined ? {} : { speedSlope: values.speedSlope }),
      ...(values?.accessSlope === undefined ? {} : { accessSlope: values.accessSlope }),
    }
    metrics.push(m)
    if (m.gated && m.verdict === 'regression') {
      findings.push({
        severity: m.severity,
        kind: 'regression',
        entry: head.key,
        metric,
        change: m,
      })
    }
    // Not decided, but probably far worse: a warning, so that it can never pass in silence.
    if (m.gated && m.probable === true) findings.push({ severity: 'warn', kind: 'probable', entry: head.key, metric, change: m })
  }
  const comparison: EntryComparison = {
    ...identity,
    status: 'compared',
    ...(definitionChanged ? { definitionChanged } : {}),
    ...(contention === undefined ? {} : { contention }),
    ...(leftOut > 0 ? { unevenPairs: leftOut } : {}),
    metrics,
    violations,
    percentiles: { base: percentilesOf(base), head: percentilesOf(head) },
  }
  return { comparison, findings }
}

function outcomeOf(findings: readonly Finding[]): Outcome {
  if (findings.some((f) => f.severity === 'fail')) return 'fail'
  return findings.length > 0 ? 'warn' : 'pass'
}

function baselineInfo(base: Results, head: Results, description: string): BaselineInfo {
  const differences = environmentDifferences(base.environment, head.environment)
  return {
    description,
    ...(base.git?.sha === undefined ? {} : { sha: base.git.sha }),
    createdAt: base.createdAt,
    environment: base.environment,
    environmentDifferences: differences,
    configChanged: base.configHash !== head.configHash,
    // Another machine shifts numbers systematically (~7 % between runner hosts), which no interval
    // over rounds can tell from a regression: such regressions warn instead of failing.
    downgraded: differences.length > 0,
  }
}

/** The split for the report: the bound, and what each gated metric may spend, grouped alike. */
function errorControlOf(
  budget: SuiteBudget,
  entries: readonly EntryResult[],
  sequential: boolean,
): NonNullable<Comparison['errorControl']> {
  const groups: ShareGroup[] = []
  for (const [i, entry] of entries.entries()) {
    const loop = entry.rate === undefined ? 'closed' : 'open'
    for (const metric of COMPARED_METRICS) {
      const alpha = budget.shares[i]?.[metric]
      if (alpha === undefined) continue
      const at = groups.findIndex((g) => g.metric === metric && g.loop === loop && Math.abs(g.alpha - alpha) <= 1e-12 * alpha)
      const same = groups[at]
      if (same === undefined) groups.push({ metric, loop, alpha, entries: 1 })
      else groups[at] = { ...same, entries: same.entries + 1 }
    }
  }
  const { suiteAlpha, tests, entries: gated, perEntry } = budget
  return { suiteAlpha, tests, entries: gated, perEntry, shares: groups, sequential }
}

/** Compares head against an optional baseline; pure and deterministic for the same inputs. */
export function compare(base: Results | undefined, head: Results, options: CompareOptions = {}): Comparison {
  const baseline = base === undefined ? undefined : baselineInfo(base, head, options.baselineDescription ?? 'baseline')
  const seedPrefix = head.git?.sha ?? head.configHash
  const baseEntries = new Map((base?.entries ?? []).map((e) => [e.key, e]))
  const entries: EntryComparison[] = []
  const findings: Finding[] = []
  const budget = suiteBudget(head.entries)
  const paired = options.paired === true && base !== undefined
  const runToRun = paired || base === undefined ? undefined : (options.runToRun ?? { runs: 1, series: new Map() })
  const context: EntryContext = { seedPrefix, downgradeAll: baseline?.downgraded === true, budget, paired, runToRun }
  for (const [i, entry] of head.entries.entries()) {
    const result = compareEntry(entry, baseEntries.get(entry.key), context, budget.shares[i] ?? {})
    entries.push(result.comparison)
    findings.push(...result.findings)
  }
  const headKeys = new Set(head.entries.map((e) => e.key))
  for (const removed of base?.entries ?? []) {
    if (headKeys.has(removed.key)) continue
    entries.push({
      key: removed.key,
      scenario: removed.scenario,
      load: levelLabel(removed),
      status: 'removed',
      metrics: [],
      violations: [],
    })
  }
  const metrics = entries.flatMap((e) => e.metrics)
  const count = (verdict: Verdict): number => metrics.filter((m) => m.verdict === verdict).length
  const rps = metrics.filter((m) => m.metric === 'rps')
  const finiteDetectable = rps.map((m) => m.detectable).filter(Number.isFinite)
  // Recomputed rather than read from the file, so results written before it existed get one too.
  const scaling = scalingSummaries(head.entries)
  return {
    suite: head.suite,
    head: {
      ...(head.git?.sha === undefined ? {} : { sha: head.git.sha }),
      createdAt: head.createdAt,
      environment: head.environment,
      ...(head.status === 'incomplete' ? { incomplete: head.error ?? 'the run stopped early' } : {}),
      ...(head.launches === undefined ? {} : { launches: head.launches }),
      ...(head.heapPad === undefined ? {} : { heapPad: head.heapPad }),
      // Said when some entry's pairs were adjusted, by the rule that adjusts them.
      ...(paired && head.entries.some((e) => speedProbed(baseEntries.get(e.key)?.rounds ?? [], e.rounds))
        ? { speedProbe: true as const }
        : {}),
      ...(entries.some((e) => e.metrics.some((m) => m.accessSlope !== undefined)) ? { cpuAccess: true as const } : {}),
    },
    ...(baseline === undefined
      ? {}
      : {
          baseline:
            runToRun === undefined
              ? baseline
              : { ...baseline, runToRun: { runs: runToRun.runs, minimum: MIN_HISTORY_RUNS, assumedSigma: DEFAULT_LOG_SPREAD } },
        }),
    ...(base === undefined ? { baselineMissing: options.baselineMissing ?? 'no baseline was given' } : {}),
    entries,
    findings,
    outcome: outcomeOf(findings),
    counts: {
      regressions: count('regression'),
      improvements: count('improvement'),
      unchanged: count('unchanged'),
      inconclusive: count('inconclusive'),
      violations: entries.reduce((sum, e) => sum + e.violations.length, 0),
    },
    rounds: Math.max(0, ...head.entries.map((e) => e.rounds.length)),
    ...(rps.length === 0 ? {} : { noise: median(rps.map((m) => m.cvHead)) }),
    ...(finiteDetectable.length === 0 ? {} : { detectable: median(finiteDetectable) }),
    ...(base === undefined ? {} : { errorControl: errorControlOf(budget, head.entries, paired) }),
    ...(options.suggestAppBuild === true ? { suggestAppBuild: true } : {}),
    ...(scaling.length === 0 ? {} : { scaling }),
  }
}

/**
 * Whether an entry measured side by side needs no more pairs of rounds: every gated metric is
 * decided (regression, unchanged or improvement), or one is already a regression of `fail` severity,
 * which fails the check whatever the others say (one that only warns leaves the others to decide).
 * Uses the same rule as {@link compare} with `paired`, so the run stops exactly when the final
 * comparison can decide. Valid after any number of looks; the final look (sequential.ts) is not, so
 * it enters only with `ended`, once no more pairs will be measured.
 *
 * @param alarmAlpha What each gated metric of the entry may spend of the suite's false-alarm bound
 *   (family.ts entryShares), or one level for all of them.
 * @param ended The measurement has ended: whether the final comparison leaves nothing open.
 */
export function entryDecided(
  base: readonly RoundResult[],
  head: readonly RoundResult[],
  regression: readonly RegressionTolerance[],
  alarmAlpha: number | EntryShares,
  ended = false,
): boolean {
  let open = false
  for (const tolerance of regression) {
    if (!isCompared(tolerance.metric)) continue
    const share = typeof alarmAlpha === 'number' ? alarmAlpha : alarmAlpha[tolerance.metric]
    // Not in the split: not a gated comparison of this entry, so it cannot hold the entry open.
    if (share === undefined) continue
    const values = pairedValues(base, head, tolerance.metric)
    if (values === undefined) continue
    const direction = directionOf(tolerance.metric)
    const judged = judge(
      {
        metric: tolerance.metric,
        base: values.base,
        head: values.head,
        seed: '',
        tolerance,
        downgraded: false,
        alarmAlpha: share,
        paired: true,
        ended,
        ...(values.noise === undefined ? {} : { noise: values.noise }),
      },
      direction,
      tolerance.tolerance,
      changeIsRelative(tolerance.metric),
    )
    // A regression that fails the check ends the entry whatever the others say; one that only warns
    // is decided, and the others still may fail.
    if (judged.verdict === 'regression') {
      if (tolerance.severity === 'fail') return true
      continue
    }
    // The gate's question is answered once no regression beyond the tolerance is plausible, even
    // when the metric may have improved by more than it (not "unchanged", but nothing to fail).
    if (judged.verdict === 'inconclusive' && !cannotRegress({ ...judged, ...judged.clearing }, direction, tolerance.tolerance)) open = true
  }
  return !open
}

/**
 * Whether no regression of a compared metric beyond its tolerance is left plausible: by the 95 %
 * clearing interval of paired rounds, the one deciding as you go stops on ({@link entryDecided}), or
 * by the interval shown where there is none.
 */
export function clearOfTolerance(m: MetricComparison): boolean {
  const { low, high } = m.clearing ?? m
  return cannotRegress({ estimate: m.change + 1, low: low + 1, high: high + 1 }, m.direction, m.tolerance)
}

/**
 * A gated metric the run left open: inconclusive, and a regression beyond its tolerance still
 * plausible ({@link clearOfTolerance}). What `fail-on: inconclusive` fails on; a metric "not worse than
 * the tolerance" is as settled for the gate as deciding as you go took it to be when it stopped.
 */
export function gatedAndOpen(m: MetricComparison): boolean {
  return m.gated && m.verdict === 'inconclusive' && !clearOfTolerance(m)
}

function isCompared(metric: MetricName): metric is ComparedMetric {
  return COMPARED_METRICS.some((m) => m === metric)
}
