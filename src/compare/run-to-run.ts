/**
 * Separately measured runs: the one rule by which a head run is judged against a baseline measured
 * in another run (a stored artifact, `run --baseline`, `cannonade compare`), and the run-to-run
 * spread it needs, estimated from the base branch's recent runs (src/history/).
 *
 * ## Why drift needs its own term
 * The rounds of one run say nothing about the drift between runs. On this project's own 2-core
 * machine throughput drifted +30–39 % between runs minutes apart while rounds within a run varied
 * by 3–14 %; an interval over the rounds of one base run and one head run is then far too narrow,
 * and unchanged pull requests fail (`cannonade compare` of two unchanged runs failed one try in two
 * before this rule applied to it). Same-job comparisons measure both sides in pairs, which cancels
 * drift, and do not use this.
 *
 * ## Model
 * The log of a metric's value in a round of run r is level + d_r + e, where d_r is the run's
 * machine factor and e the round's own noise. The machine factor is one number per run shared by
 * every entry and metric of the suite (a busier neighbour slows every route at once, req/s down when
 * latency is up): between two runs, D = d_head − d_base, with standard deviation √2·σ, σ the spread
 * of one run.
 *
 * ## The rule, and where the false-alarm budget goes
 * The log ratio of geometric means head/base over the rounds is y = Δ + D + ē, Δ the true change.
 * Its decision interval is
 *
 *   y ± ( w + q·√2·σ ),
 *   w = the within-run half-width at two-sided level 1 − 2·α_w, α_w per metric: Welch's and Yuen's
 *       trimmed-mean interval each at half that, intersected (withinRunRatio), so that one outlier
 *       round cannot widen it (a 3× slower head against one stored run read *inconclusive* with
 *       Welch's alone when one round of five was off),
 *   q = the t quantile with the spread's degrees of freedom at one-sided α_d,
 *
 * and classify() (stats.ts) reads it like any interval. An unchanged suite fails only if the drift
 * went beyond q·√2·σ on the bad side, or some metric's within-run interval missed on the bad side:
 * by the union bound the chance is at most α_d + Σ α_w. Because D is *one* event per pair of runs, it
 * is paid for once, not once per metric: α_d = {@link DRIFT_SHARE} of the suite's 1 % (0.5 %), and
 * each gated metric's own share of the bound (family.ts, `alarmAlpha`) keeps the rest for its
 * within-run part. The old rule split everything over m metrics and added in quadrature: with 30
 * gated metrics, the drift term alone used z = 3.4 instead of 2.58 here, which put a twofold
 * slowdown against a one-run baseline out of reach.
 * A machine factor that is not perfectly common (one route suffers more) breaks the union bound for
 * the drift part; the history's σ per entry and metric includes that route's own part, and
 * replay (bench/replay.ts) with per-run drift on real rounds checks the bound holds.
 *
 * ## With a measured spread: the combined interval too
 * Adding two half-widths is the price of spending the drift's level once; when drift and the rounds'
 * noise are of a size it is far from the shortest interval: y has variance 2σ² + se², and
 *
 *   y ± t_ν(α_m)·√(2σ² + se²),   ν by Welch–Satterthwaite from the rounds' df and the spread's,
 *
 * holds at the metric's own share α_m (Yuen's se where a side has five rounds or more). When the
 * spread is measured over at least {@link COMBINED_MIN_RUNS} runs of history, the decision interval
 * is the intersection of the sum (at α_w/2 and α_d/2) and the combined interval (at α_m/2): the suite
 * spends Σ α_w/2 + α_d/2 + Σ α_m/2 ≤ 1 %, by the union bound again. Not with less history, an assumed
 * spread or one raised to the rounds' (floorByRounds): there σ is a guess or comes from the same
 * rounds as se, the combined interval has no slack for it, and simulated unchanged suites failed
 * 2–7 % (4 and 5 runs of history, a machine drifting ±30 %) where the sum alone held 1 %.
 *
 * ## The pooled level: the base branch's last runs instead of its last run
 * Against the last run alone the drift term is two machine factors, 2σ². With ten runs of history
 * the base branch's level is better known from its recent runs: the head's median m_h against L,
 * the mean log median of the last k ≤ {@link POOLED_RUNS} runs, has
 *
 *   Var(m_h − L) = σ² + σ²/k + (v_h − v_run)
 *
 * where σ² is the variance of one run's log median, which already holds that median's round noise
 * v_run (so the head's own median is covered by the first σ² when its rounds are like a history
 * run's), and v_h − v_run is what the head's rounds add beyond that: estimated as the excess of
 * the head's over the base run's (π/2)·s²/n (the variance of a median), never below 0. The head is
 * its median, the same statistic as the history's per-run points, so the two are alike; the report's
 * columns then show "level of the last k runs" and this run's median. The interval y ± t·√Var at α_m/2
 * replaces the combined one in the intersection above (same budget). σ² is the pooled runs' own
 * sample variance (k − 1 = 9 degrees of freedom) where that beats the history's MSSD (6.2 for ten
 * runs), the MSSD otherwise.
 *
 * Pooling is honest only if the k runs share one level. So the pool is the runs since the last change
 * point (stats/change-point.ts at {@link POOL_CHANGE_ALPHA} a run), outlier runs left out, at least
 * {@link MIN_POOLED_RUNS}; and it is not used (the last run alone decides, as above) when
 * - the newest run, the baseline run, is itself an outlier run (it may be the first at a new level);
 * - von Neumann's ratio test says the runs wander or trend ({@link wanders}, one-sided {@link POOL_WANDER_ALPHA});
 * - the newest run departs from the others' level ({@link departs}, two-sided {@link POOL_LAST_ALPHA}),
 *   a step at the last run, which the change-point rule's 10 % floor and α let through.
 * Seeded simulation (bench/separate-runs.ts, 1,000 trials a cell; no machine noise enters it): ten
 * runs drifting ±10 % between two runs (2 SD), 5 rounds at 5 % CV, a +25 % slowdown fails 86.6 %
 * (50.5 % against the last run with the combined interval); unchanged 10-entry suites fail 0.1 %
 * with iid drift, 0.2–0.4 % with a level that wanders (a random walk of one and four times the drift
 * a step), 0.0 % with a +15 % step three runs back. Above the bound: a step exactly at the baseline run,
 * in every entry at once, of about 2–3 σ, which neither test sees reliably and the pool lags by
 * (k − 1)/k: +10 % 1.9 %, +15 % 1.2 % (+25 % is found: 0.0 %; the last run alone: 0.2 % at +10 %).
 * compare.ts fixedVerdict takes these from 2.4 % and 1.4 %: a regression against the level must
 * also show against the last run alone (its estimate beyond the tolerance), else the last run alone
 * decides. The result rejects only where the pooled interval does (or, rarely, the last run's alone
 * where its own estimate was within the tolerance a moment before: the two estimates differ only by
 * the clamping to the intersection), so the bound is kept.
 *
 * ## The spread σ
 * - Too little history (fewer than {@link MIN_HISTORY_RUNS} usable runs): assumed. This project
 *   measured throughput drifting up to +39 % between two runs minutes apart; taken as two standard
 *   deviations of the log ratio of two runs, √2·σ = ln(1.39)/2, so σ = {@link DEFAULT_LOG_SPREAD}.
 *   When this run's own rounds vary more than that (floorByRounds), σ is raised to their spread.
 * - Enough history: a robust estimate (runToRunSpread). Successive differences of the log medians
 *   first give a robust scale, 1.4826·median|x_i − x_{i−1}| / √2 (a median of differences, so a merged
 *   change, a step, costs one term and a slow trend cancels; Fryzlewicz 2014, Ann. Statist.
 *   42:2243–2281). Runs further than {@link OUTLIER_SCALES} of it from the median of their neighbours
 *   are outlier runs: left out and named in the report. The mean square successive difference of
 *   the rest (von Neumann, Kent, Bellinson & Hart 1941, Ann. Math. Statist. 12:153–162),
 *   σ̂² = Σ (x_i − x_{i−1})² / (2 (n − 1)), is the estimate, with ν = 2(n−1)²/(3n−4) degrees of freedom
 *   (from Var σ̂² = σ⁴(3n−4)/(n−1)²), so the t quantile pays for a short history.
 * - Capped: σ never exceeds {@link SPREAD_CAP_FACTOR} times the assumed spread, or the spread of
 *   this comparison's own rounds where that is larger (spreadCap). A crafted or chaotic history (one run 50×
 *   slower, runs alternating ±10×) cannot widen the interval past that, so it cannot switch the gate
 *   off: a 20× regression fails against any history.
 *
 * ## Checked by simulation
 * __tests__/compare/run-to-run.test.ts (seeded): false alarms of unchanged 10-entry suites (also
 * with a wandering level and a step in the history) and the detection targets (one run of history:
 * 2× fails; one round 3× off a side: 3× still fails; ten runs at ±10 %: +25 % in ≥ 80 %; a 50× outlier
 * run: 20× fails); bench/separate-runs.ts prints the rates over 1,000
 * trials a cell; bench/replay.ts's artifact modes over real rounds. Figures in ACCURACY.md.
 */
import { changePoints } from '../stats/change-point.js'
import { studentTQuantile } from '../stats/distributions.js'
import { madOutliers } from '../stats/stats.js'
import { welchDifference, welchParts, welchRatio } from '../stats/welch.js'
import { trims, yuenDifference, yuenParts } from '../stats/yuen.js'

/** Fewer usable runs of history than this, and the spread is assumed rather than estimated. */
export const MIN_HISTORY_RUNS = 5

/**
 * The assumed run-to-run σ of a log value: the log ratio of two runs, √2·σ, has two standard
 * deviations of ln(1.39), the most this project saw between runs minutes apart (≈ 0.117).
 */
export const DEFAULT_LOG_SPREAD = Math.log(1.39) / 2 / Math.SQRT2

/** Share of the suite's false-alarm bound spent on the one drift event between two runs. */
export const DRIFT_SHARE = 0.5

/** A run this many robust scales from its neighbours is an outlier run, left out of the spread. */
export const OUTLIER_SCALES = 5

/**
 * Runs of history from which the spread is trusted enough for the combined interval (drift and
 * rounds as one variance): fewer, and the sum of the two half-widths alone decides.
 */
export const COMBINED_MIN_RUNS = 10

/** At most this many of the base branch's last runs are pooled into its level. */
export const POOLED_RUNS = 10

/** Fewer runs since the last change point than this, and the level is not pooled (the last run alone). */
export const MIN_POOLED_RUNS = 5

/** Change points that end the pooled runs are looked for at this level per run (stats/change-point.ts). */
export const POOL_CHANGE_ALPHA = 0.01

/** The runs to pool must pass von Neumann's ratio test of independence at this one-sided level. */
export const POOL_WANDER_ALPHA = 0.1

/** The newest pooled run must not depart from the others' level at this two-sided level. */
export const POOL_LAST_ALPHA = 0.2

/** The spread is capped at this many times the assumed spread, or at the spread of this run's rounds if larger. */
export const SPREAD_CAP_FACTOR = 2

/** The run-to-run spread of one entry's metric. */
export interface RunToRunSpread {
  /** Standard deviation of the log of a run's value between runs (one run's machine factor). */
  readonly sigma: number
  /** Degrees of freedom of the estimate; Infinity when assumed or capped. */
  readonly df: number
  /** Runs of history it was estimated from (usable medians, outliers included). */
  readonly runs: number
  /** True when there was too little history and {@link DEFAULT_LOG_SPREAD} was assumed. */
  readonly assumed: boolean
  /** The runs left out as outliers, by their label (a run id or date), oldest first. */
  readonly outliers?: readonly string[]
  /** The history's estimate was larger than the cap, which was used instead. */
  readonly capped?: boolean
  /**
   * The base branch's level: the mean log median of its last runs (at most {@link POOLED_RUNS}, since
   * the last change point, outlier runs left out), set only where the history is long enough and those
   * runs show no wander (see the module comment, "The pooled level").
   */
  readonly level?: PooledLevel
}

/** The base branch's level over its last runs (see {@link RunToRunSpread}). */
export interface PooledLevel {
  /** Mean of the runs' log medians (exp of it: their geometric mean). */
  readonly log: number
  /** Runs pooled. */
  readonly runs: number
  /** Sample variance of the pooled runs' log medians, and its degrees of freedom (runs − 1). */
  readonly variance: number
  readonly df: number
}

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2
}

function mssd(logs: readonly number[]): number {
  let squares = 0
  for (let i = 1; i < logs.length; i++) squares += ((logs[i] ?? 0) - (logs[i - 1] ?? 0)) ** 2
  return Math.sqrt(squares / (2 * (logs.length - 1)))
}

// Gaussian consistency of the median absolute value: median|Z| = 0.6745.
const MAD_TO_SD = 1.482602218505602

/**
 * The run-to-run scale of a metric's medians in time order with every run kept, outliers too (the
 * mean square successive difference); undefined with fewer than {@link MIN_HISTORY_RUNS} usable runs.
 */
export function wholeRunScale(medians: readonly number[]): number | undefined {
  const logs = medians.filter((m) => Number.isFinite(m) && m > 0).map(Math.log)
  return logs.length < MIN_HISTORY_RUNS ? undefined : mssd(logs)
}

/**
 * Estimates the run-to-run spread from a metric's medians in time order (oldest first), leaving
 * out outlier runs; `labels[i]` names run i in the report. Not yet capped: see {@link capSpread}.
 */
export function runToRunSpread(medians: readonly number[], labels: readonly string[] = []): RunToRunSpread {
  const points = medians.flatMap((m, i) => (Number.isFinite(m) && m > 0 ? [{ x: Math.log(m), label: labels[i] ?? `#${i + 1}` }] : []))
  const n = points.length
  if (n < MIN_HISTORY_RUNS) return { sigma: DEFAULT_LOG_SPREAD, df: Infinity, runs: n, assumed: true }
  const logs = points.map((p) => p.x)
  const steps = logs.slice(1).map((x, i) => Math.abs(x - (logs[i] ?? x)))
  const scale = (MAD_TO_SD * medianOf(steps)) / Math.SQRT2
  // A run far from its neighbours (not from the whole series, which a step would move) is an outlier.
  const residual = logs.map((x, i) => Math.abs(x - medianOf([...logs.slice(Math.max(0, i - 2), i), ...logs.slice(i + 1, i + 3)])))
  const flagged = scale > 0 ? residual.map((r, i) => ({ r, i })).filter((p) => p.r > OUTLIER_SCALES * scale) : []
  // More than a quarter far out is no longer a few bad runs but the series itself: the cap handles it.
  const outliers = new Set(
    flagged
      .sort((a, b) => b.r - a.r)
      .slice(0, Math.floor(n / 4))
      .map((p) => p.i),
  )
  const kept = logs.filter((_, i) => !outliers.has(i))
  const k = kept.length
  const named = points.filter((_, i) => outliers.has(i)).map((p) => p.label)
  // The newest run is the baseline run: named an outlier, it may be the first at a new level, which
  // the runs before it would hide. It is then the baseline alone.
  const level = n >= COMBINED_MIN_RUNS && !outliers.has(n - 1) ? pooledLevel(kept) : undefined
  return {
    sigma: mssd(kept),
    df: (2 * (k - 1) ** 2) / (3 * k - 4),
    runs: n,
    assumed: false,
    ...(named.length === 0 ? {} : { outliers: named }),
    ...(level === undefined ? {} : { level }),
  }
}

/**
 * The level of the last runs (log medians, oldest first, outliers already out): the runs since the
 * last change point, at most {@link POOLED_RUNS}, if there are {@link MIN_POOLED_RUNS} and they pass
 * the test of independence; undefined otherwise, and the last run alone is the baseline.
 */
export function pooledLevel(logs: readonly number[]): PooledLevel | undefined {
  const found = changePoints(logs.map(Math.exp), POOL_CHANGE_ALPHA)
  const start = found.at(-1)?.index ?? 0
  const recent = logs.slice(Math.max(start, logs.length - POOLED_RUNS))
  if (recent.length < MIN_POOLED_RUNS || wanders(recent, POOL_WANDER_ALPHA) || departs(recent, POOL_LAST_ALPHA)) return undefined
  const log = recent.reduce((a, b) => a + b, 0) / recent.length
  const variance = recent.reduce((a, x) => a + (x - log) ** 2, 0) / (recent.length - 1)
  return { log, runs: recent.length, variance, df: recent.length - 1 }
}

/**
 * The newest run against the level of the others (a prediction test, the change-point rule's
 * without its 10 % floor): t = (x_n − x̄_others) / (s_others·√(1 + 1/(n − 1))), Student's t with
 * n − 2 degrees of freedom, two-sided at `alpha`. True when it departs: a step at the newest runs.
 */
export function departs(logs: readonly number[], alpha: number): boolean {
  const others = logs.slice(0, -1)
  const last = logs.at(-1)
  const m = others.length
  if (last === undefined || m < 2) return false
  const mean = others.reduce((a, b) => a + b, 0) / m
  const sd = Math.sqrt(others.reduce((a, x) => a + (x - mean) ** 2, 0) / (m - 1))
  if (!(sd > 0)) return last !== mean
  return Math.abs(last - mean) / (sd * Math.sqrt(1 + 1 / m)) > studentTQuantile(alpha / 2, m - 1)
}

/**
 * Von Neumann's ratio test (von Neumann 1941, Ann. Math. Statist. 12:367–395): V = Σ(x_i − x_{i−1})²
 * / Σ(x_i − x̄)² is 2 on average for independent runs, with variance 4(n − 2)/(n² − 1), and falls
 * when the level wanders, trends or steps (neighbours then differ less than the series spreads).
 * True when V is below 2 by more than the normal quantile at one-sided `alpha` of its deviations.
 */
export function wanders(logs: readonly number[], alpha: number): boolean {
  const n = logs.length
  const mean = logs.reduce((a, b) => a + b, 0) / n
  const spread = logs.reduce((a, x) => a + (x - mean) ** 2, 0)
  if (!(spread > 0)) return false
  let squares = 0
  for (let i = 1; i < n; i++) squares += ((logs[i] ?? 0) - (logs[i - 1] ?? 0)) ** 2
  const ratio = squares / spread
  return ratio < 2 - studentTQuantile(alpha, Infinity) * Math.sqrt((4 * (n - 2)) / (n * n - 1))
}

/**
 * The pooled standard deviation of the log values of two sets of rounds, with its degrees of freedom,
 * leaving out each side's outlier rounds (stats.ts madOutliers on the logs, |z| > 3.5 by the MAD): one
 * round 3× off the others would otherwise make it the spread of that round alone, and the floor and
 * the cap built on it would let that one round decide how much drift to allow. On Gaussian rounds the
 * rule flags a round rarely, and then one that sits far out, so the estimate hardly moves.
 */
export function pooledLogSpread(base: readonly number[], head: readonly number[]): { sd: number; df: number } | undefined {
  if (![...base, ...head].every((x) => x > 0 && Number.isFinite(x))) return undefined
  const kept = (xs: readonly number[]): number[] => {
    const logs = xs.map(Math.log)
    const out = new Set(madOutliers(logs))
    return logs.filter((_, i) => !out.has(i))
  }
  const b = kept(base)
  const h = kept(head)
  if (b.length < 2 || h.length < 2) return undefined
  const squares = (logs: readonly number[]): number => {
    const mean = logs.reduce((a, c) => a + c, 0) / logs.length
    return logs.reduce((a, c) => a + (c - mean) ** 2, 0)
  }
  const df = b.length + h.length - 2
  return { sd: Math.sqrt((squares(b) + squares(h)) / df), df }
}

/**
 * The largest spread a history may claim: {@link SPREAD_CAP_FACTOR} × the assumed spread (±93 %
 * between two runs at two standard deviations), or the spread of this comparison's own rounds where
 * they vary more (the machine is evidently that noisy now: the floor's argument). A history beyond
 * that says more about the history (a broken run, a crafted artifact) than about the machine.
 */
export function spreadCap(base: readonly number[], head: readonly number[]): number {
  return Math.max(SPREAD_CAP_FACTOR * DEFAULT_LOG_SPREAD, pooledLogSpread(base, head)?.sd ?? 0)
}

/** The spread, no larger than the cap; a capped spread is a bound, used as known (df Infinity). */
export function capSpread(spread: RunToRunSpread, cap: number): RunToRunSpread {
  if (spread.assumed || !(spread.sigma > cap)) return spread
  return { ...spread, sigma: cap, df: Infinity, capped: true }
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
 * than two rounds seconds apart. This only ever widens the interval, so it costs power where rounds
 * are that noisy and nothing else. With enough history the spread is measured and left alone.
 */
export function floorByRounds(spread: RunToRunSpread, base: readonly number[], head: readonly number[]): RunToRunSpread {
  if (!spread.assumed) return spread
  const pooled = pooledLogSpread(base, head)
  // Estimated from these rounds, with their degrees of freedom: the t quantile then pays for the guess.
  return pooled !== undefined && pooled.sd > spread.sigma ? { ...spread, sigma: pooled.sd, df: pooled.df } : spread
}

/** The spread of one entry's metric as a separate-run comparison uses it: estimated, floored, capped. */
export function spreadFor(
  medians: readonly number[],
  labels: readonly string[],
  base: readonly number[],
  head: readonly number[],
): RunToRunSpread {
  const spread = capSpread(floorByRounds(runToRunSpread(medians, labels), base, head), spreadCap(base, head))
  // The level stands for the baseline only where the history ends at the baseline run (the
  // artifact's history.json does): its newest point is then the median of these very rounds.
  const newest = medians.at(-1) ?? NaN
  if (spread.level === undefined || Math.abs(Math.log(newest / medianOf(base))) <= 1e-9) return spread
  const { level: _unrelated, ...withoutLevel } = spread
  return withoutLevel
}

/** An interval for head/base (ratio) or head − base (difference). */
export interface SeparateRunsInterval {
  readonly estimate: number
  readonly low: number
  readonly high: number
  /**
   * Set when the estimate is the ratio of 20 % trimmed geometric means (Yuen's interval was the
   * narrower), not of the plain geometric means; the report's columns then show the trimmed centres.
   */
  readonly trimmed?: boolean
  /**
   * Set when the estimate is the head's median against the pooled level of the base branch's last
   * `runs` runs (the geometric mean of their medians): the report's columns then show these two.
   */
  readonly pooled?: {
    readonly base: number
    readonly head: number
    readonly runs: number
    /** The head against the last run alone (the within-run estimate): a regression must show there too (compare.ts fixedVerdict). */
    readonly lastRun: number
  }
}

/**
 * The within-run interval for head/base over the log round values, robust to one outlier round a
 * side: Welch's (welch.ts) and Yuen's trimmed-mean interval (yuen.ts), each at one-sided
 * `withinAlpha`/2 a side, intersected. Each misses on a side with chance at most withinAlpha/2, so
 * the intersection misses with at most withinAlpha (the union bound): the same level as Welch's
 * alone, whatever the two intervals' dependence. On clean Gaussian rounds Welch's is the narrower
 * and halving its level costs little (a level enters the width through its t quantile, about
 * log(1/α)); with one round far off, Welch's widens by its square and Yuen's does not. Fewer than
 * five rounds on both sides trim nothing: Welch's alone, at the whole level.
 *
 * The estimate is the narrower interval's (the ratio of geometric means, or of trimmed ones), kept
 * inside the intersection. Should the two not overlap (only when they disagree past both their
 * widths, which a real slowdown does not do), the narrower interval is used alone.
 */
export function withinRunRatio(base: readonly number[], head: readonly number[], withinAlpha: number): SeparateRunsInterval {
  if (!trims(base.length, head.length)) return welchRatio(base, head, 1 - 2 * withinAlpha)
  if (![...base, ...head].every((x) => x > 0 && Number.isFinite(x))) return { estimate: NaN, low: 0, high: Infinity }
  const logBase = base.map(Math.log)
  const logHead = head.map(Math.log)
  const welch = welchDifference(logBase, logHead, 1 - withinAlpha)
  const yuen = yuenDifference(logBase, logHead, 1 - withinAlpha)
  const yuenNarrower = yuen.high - yuen.low < welch.high - welch.low
  const narrower = yuenNarrower ? yuen : welch
  const low = Math.max(welch.low, yuen.low)
  const high = Math.min(welch.high, yuen.high)
  const trimmed = yuenNarrower ? { trimmed: true } : {}
  if (!(low <= high))
    return { estimate: Math.exp(narrower.estimate), low: Math.exp(narrower.low), high: Math.exp(narrower.high), ...trimmed }
  const estimate = Math.min(high, Math.max(low, narrower.estimate))
  return { estimate: Math.exp(estimate), low: Math.exp(low), high: Math.exp(high), ...trimmed }
}

/**
 * The decision interval of a separate-run comparison (see the module comment): the within-run interval
 * ({@link withinRunRatio}; Welch's for a difference)
 * over the rounds at two-sided 1 − 2·withinAlpha, widened on each side by the drift allowance
 * q·√2·σ, q the t quantile at one-sided driftAlpha; with ten runs of history and a metric share,
 * intersected with the head against the pooled level (or the combined interval where nothing is
 * pooled). A ratio of geometric means for relative metrics; an absolute difference (the error rate, which does not scale with machine speed) gets no drift.
 */
export function separateRunsInterval(
  base: readonly number[],
  head: readonly number[],
  rule: {
    readonly relative: boolean
    readonly spread: RunToRunSpread | undefined
    readonly withinAlpha: number
    readonly driftAlpha: number
    /**
     * The metric's own share of the suite's bound for the combined interval (see the module
     * comment); with it, the sum and the combined interval each get half of every level.
     */
    readonly combinedAlpha?: number
    /** false: against the last run only, never the pooled level (a regression the last run does not show). */
    readonly pool?: boolean
  },
): SeparateRunsInterval {
  const level = 1 - 2 * rule.withinAlpha
  if (!rule.relative) return welchDifference(base, head, level)
  const { spread } = rule
  if (spread === undefined || spread.sigma === 0) return withinRunRatio(base, head, rule.withinAlpha)
  // The combined interval needs a spread measured over enough runs (see the module comment); without
  // one, the sum alone, at the whole levels.
  const combinedAlpha = spread.runs >= COMBINED_MIN_RUNS && !spread.assumed && spread.capped !== true ? rule.combinedAlpha : undefined
  const halve = combinedAlpha === undefined ? 1 : 0.5
  const within = withinRunRatio(base, head, rule.withinAlpha * halve)
  if (!(within.estimate > 0)) return within
  const drift = studentTQuantile(rule.driftAlpha * halve, spread.df) * Math.SQRT2 * spread.sigma
  const summed = { ...within, low: within.low * Math.exp(-drift), high: within.high * Math.exp(drift) }
  if (combinedAlpha === undefined) return summed
  const combined =
    spread.level !== undefined && rule.pool !== false
      ? pooledInterval(base, head, spread, spread.level, combinedAlpha / 2, within.estimate)
      : combinedInterval(base, head, spread, combinedAlpha / 2)
  if (combined === undefined) return summed
  return intersect(summed, combined)
}

/** The variance of a median of logs, (π/2)·s²/n, over the rounds left after MAD outliers. */
function medianVariance(logs: readonly number[]): number {
  const out = new Set(madOutliers(logs))
  const kept = logs.filter((_, i) => !out.has(i))
  if (kept.length < 2) return 0
  const mean = kept.reduce((a, b) => a + b, 0) / kept.length
  const s2 = kept.reduce((a, x) => a + (x - mean) ** 2, 0) / (kept.length - 1)
  return ((Math.PI / 2) * s2) / kept.length
}

/**
 * The head's median against the pooled level of the base branch's last k runs: y = log median −
 * level, variance σ²(1 + 1/k), plus what the head's rounds add beyond the base run's.
 */
function pooledInterval(
  base: readonly number[],
  head: readonly number[],
  spread: RunToRunSpread,
  level: PooledLevel,
  alpha: number,
  lastRun: number,
): SeparateRunsInterval | undefined {
  if (![...base, ...head].every((x) => x > 0 && Number.isFinite(x))) return undefined
  const logHead = head.map(Math.log)
  const y = medianOf(logHead) - level.log
  // What the head's rounds add beyond a run of the history's (the base run is one): σ already holds
  // a run median's own round noise, once.
  const excess = Math.max(0, medianVariance(logHead) - medianVariance(base.map(Math.log)))
  // The pooled runs' own variance where it has more degrees of freedom than the history's MSSD
  // (ten runs: 9 against 6.2); they passed the tests of independence, so it estimates the same σ².
  const own = level.df > spread.df
  const variance = (own ? level.variance : spread.sigma ** 2) * (1 + 1 / level.runs) + excess
  const half = studentTQuantile(alpha, own ? level.df : spread.df) * Math.sqrt(variance)
  const current = Math.exp(medianOf(logHead))
  return {
    estimate: Math.exp(y),
    low: Math.exp(y - half),
    high: Math.exp(y + half),
    pooled: { base: Math.exp(level.log), head: current, runs: level.runs, lastRun },
  }
}

/**
 * The drift and the rounds' noise as one variance, 2σ² + se², with Welch–Satterthwaite degrees of
 * freedom from the rounds' part (Yuen's trimmed one where a side has five rounds or more, so that
 * one outlier round does not widen it; Welch's otherwise) and the spread's: y ± t_ν(α)·√(2σ² + se²),
 * one-sided α a side. Undefined where the rounds cannot be logged or are too few.
 */
function combinedInterval(
  base: readonly number[],
  head: readonly number[],
  spread: RunToRunSpread,
  alpha: number,
): SeparateRunsInterval | undefined {
  if (![...base, ...head].every((x) => x > 0 && Number.isFinite(x))) return undefined
  const logBase = base.map(Math.log)
  const logHead = head.map(Math.log)
  const trimmed = trims(base.length, head.length)
  const parts = trimmed ? yuenParts(logBase, logHead) : welchParts(logBase, logHead)
  if (parts === undefined) return undefined
  const drift2 = 2 * spread.sigma ** 2
  const variance = drift2 + parts.se2
  const df = variance ** 2 / (parts.se2 ** 2 / parts.df + (Number.isFinite(spread.df) ? drift2 ** 2 / spread.df : 0))
  const half = studentTQuantile(alpha, Number.isFinite(df) && df > 0 ? df : Infinity) * Math.sqrt(variance)
  return {
    estimate: Math.exp(parts.estimate),
    low: Math.exp(parts.estimate - half),
    high: Math.exp(parts.estimate + half),
    ...(trimmed ? { trimmed: true } : {}),
  }
}

/** Two intervals that each hold: their intersection, with the narrower one's estimate kept inside it. */
function intersect(a: SeparateRunsInterval, b: SeparateRunsInterval): SeparateRunsInterval {
  const narrower = Math.log(b.high / b.low) < Math.log(a.high / a.low) ? b : a
  const low = Math.max(a.low, b.low)
  const high = Math.min(a.high, b.high)
  // Disjoint only when the two disagree past both their widths: the narrower one alone.
  if (!(low <= high)) return narrower
  return { ...narrower, low, high, estimate: Math.min(high, Math.max(low, narrower.estimate)) }
}
