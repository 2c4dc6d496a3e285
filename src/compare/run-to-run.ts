/**
 * Run-to-run spread: how much one entry's metric moves between runs of the same commit line on the
 * base branch, estimated from the medians its recent runs recorded (src/history/), and added to the
 * interval of a comparison against a stored artifact baseline.
 *
 * Why it is needed: the rounds of one run say nothing about the drift between runs. On this
 * project's own 2-core machine throughput drifted +30–39 % between runs minutes apart while rounds
 * within a run varied by 3–14 %; a bootstrap interval over rounds of a single base run and a single
 * head run is then far too narrow, and an unchanged pull request fails (__tests__/compare/run-to-run.test.ts:
 * with ±30 % drift and 5 rounds, every unchanged 10-entry suite without the spread). Same-job comparisons measure both sides in pairs, which
 * cancels drift, and do not use this.
 *
 * Model: the log of a run's median is level + drift + error, with drift and error independent
 * between runs and together of standard deviation σ. The log ratio head/base of two runs of the same
 * code then has standard deviation √2·σ.
 *
 * Estimator: the mean square successive difference of the log medians (von Neumann, Kent, Bellinson
 * & Hart 1941, "The mean square successive difference", Ann. Math. Statist. 12:153–162),
 *   σ̂² = Σ (x_i − x_{i−1})² / (2 (n − 1)).
 * - It is what the comparison needs: E[(x_i − x_{i−1})²] = 2σ² is exactly the variance of the log
 *   ratio of two runs apart, so no constant has to be guessed.
 * - It is robust where history is not a sample of one distribution: a merged change on the base
 *   branch is a step in the series, which inflates the ordinary standard deviation by the whole
 *   step for every run but the successive differences by one term only (this is why change-point
 *   methods estimate noise from differences, e.g. Fryzlewicz 2014, Ann. Statist. 42:2243–2281). A
 *   slow trend cancels the same way.
 * - Its failure mode is safe: an outlier run (a busy machine) enlarges σ̂, so it widens intervals and
 *   costs power, never false alarms. The MAD of log medians would resist outliers, but at 37 %
 *   efficiency it needs 2.7 times the history for the same precision, and it does not resist steps.
 * - Small samples: for normal data σ̂² is approximately σ²·χ²_ν/ν with ν = 2(n−1)²/(3n−4) (from
 *   Var σ̂² = σ⁴(3n−4)/(n−1)², von Neumann et al. 1941), so the interval uses the Student t quantile
 *   with ν degrees of freedom (ν = 2.9 at 5 runs, 6.2 at 10, 66 at 100).
 *
 * Too little history: with fewer than {@link MIN_HISTORY_RUNS} runs, ν < 3 and a t quantile at the
 * suite-adjusted level (≈ 1 − 0.001) exceeds 10: the estimate is too uncertain to be useful. The
 * comparison then assumes {@link DEFAULT_LOG_SPREAD}, this project's own measurement of drift between
 * runs minutes apart (+39 % at most, taken as two standard deviations), as a known σ. With it no
 * single-run comparison fails unless the change is beyond what that drift explains (about ×2 at
 * the suite-adjusted level of a 10-metric suite). Five runs is also when a new base branch, pushed
 * to a few times a day, starts to have an opinion within a day or two.
 *
 * Checked by simulation (__tests__/compare/run-to-run.test.ts): log-normal drift of σ = 0.15 between
 * runs (±30 % at two standard deviations), 5 rounds per run at 5 % round CV, a 10-entry suite with
 * rps and p50 gated (20 independent metrics). Unchanged suites failing, 1,000 each: 0 % with 4 or 10
 * runs of history, 0.8 % with 30 or 100 (bound 1 %); without the spread, all 60 of 60 failed. A
 * 4-fold slowdown was caught in 36 of 40 suites with 5 runs of history, 40 of 40 with 30.
 */
import { studentTQuantile } from '../stats/distributions.js'

/** Fewer runs of history than this, and the spread is assumed rather than estimated. */
export const MIN_HISTORY_RUNS = 5

/** The assumed run-to-run standard deviation of a log median: ln(1.39) / 2 ≈ 0.165 (see above). */
export const DEFAULT_LOG_SPREAD = Math.log(1.39) / 2

/** The run-to-run spread of one entry's metric. */
export interface RunToRunSpread {
  /** Standard deviation of the log of a run's median between runs. */
  readonly sigma: number
  /** Degrees of freedom of the estimate; Infinity when assumed. */
  readonly df: number
  /** Runs of history it was estimated from (usable medians). */
  readonly runs: number
  /** True when there was too little history and {@link DEFAULT_LOG_SPREAD} was assumed. */
  readonly assumed: boolean
}

/** Estimates the run-to-run spread from a metric's medians in time order (oldest first). */
export function runToRunSpread(medians: readonly number[]): RunToRunSpread {
  const logs = medians.filter((m) => Number.isFinite(m) && m > 0).map(Math.log)
  const n = logs.length
  if (n < MIN_HISTORY_RUNS) return { sigma: DEFAULT_LOG_SPREAD, df: Infinity, runs: n, assumed: true }
  let squares = 0
  for (let i = 1; i < n; i++) squares += ((logs[i] ?? 0) - (logs[i - 1] ?? 0)) ** 2
  return { sigma: Math.sqrt(squares / (2 * (n - 1))), df: (2 * (n - 1) ** 2) / (3 * n - 4), runs: n, assumed: false }
}

/**
 * Widens a ratio interval (head/base, from rounds) by the run-to-run spread: on the log scale each
 * side's half-width h becomes √(h² + (q·√2·σ)²), q the t quantile at the interval's confidence.
 * Adding in quadrature counts the medians' within-run noise twice (it is part of σ too), which errs
 * towards a wider interval; within-run noise of a median is small beside drift between runs.
 */
export function widenByRunToRun(
  interval: { readonly estimate: number; readonly low: number; readonly high: number },
  spread: RunToRunSpread,
  confidence: number,
): { estimate: number; low: number; high: number } {
  const { estimate, low, high } = interval
  if (!(estimate > 0 && low > 0 && high > 0) || spread.sigma === 0) return { estimate, low, high }
  const drift = studentTQuantile((1 - confidence) / 2, spread.df) * Math.SQRT2 * spread.sigma
  const center = Math.log(estimate)
  const below = Math.hypot(center - Math.log(low), drift)
  const above = Math.hypot(Math.log(high) - center, drift)
  return { estimate, low: Math.exp(center - below), high: Math.exp(center + above) }
}

/**
 * With too little history the spread is assumed ({@link DEFAULT_LOG_SPREAD}), a guess about a
 * machine this comparison has never seen drift. When this run's own rounds vary more than that from
 * one to the next, the guess is evidently too small for the machine as it is now, and the spread is
 * raised to the pooled standard deviation of the log round values of base and head, with its
 * n_base + n_head − 2 degrees of freedom.
 *
 * Why rounds bound drift from below: on a shared machine the level wanders (neighbours come and
 * go), so values further apart in time differ more: the variogram of such a series (white noise
 * plus a wandering level) does not fall with the lag, and two runs minutes apart are further apart
 * than two rounds seconds apart. Replayed rounds recorded on this project's machine at load 7–12
 * (bench/replay.ts: 32 % round CV, block-sampled, ±30 % drift added) failed 5.7 % of unchanged
 * 10-entry suites against a baseline without history with the assumed spread alone; this floor
 * only ever widens the interval, so it costs power where rounds are that noisy and nothing else.
 * With enough history the spread is measured and left alone.
 */
export function floorByRounds(spread: RunToRunSpread, base: readonly number[], head: readonly number[]): RunToRunSpread {
  if (!spread.assumed || base.length < 2 || head.length < 2) return spread
  if (![...base, ...head].every((x) => x > 0 && Number.isFinite(x))) return spread
  const squares = (xs: readonly number[]): number => {
    const logs = xs.map(Math.log)
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length
    return logs.reduce((a, b) => a + (b - mean) ** 2, 0)
  }
  const pooled = Math.sqrt((squares(base) + squares(head)) / (base.length + head.length - 2))
  // Estimated from these rounds, with their degrees of freedom: the t quantile then pays for the guess.
  return pooled > spread.sigma ? { ...spread, sigma: pooled, df: base.length + head.length - 2 } : spread
}
