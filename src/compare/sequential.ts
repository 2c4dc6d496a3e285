/**
 * Deciding as you go: an anytime-valid confidence sequence for the change between base and head
 * when their rounds are measured in pairs, side by side (`baseline: same-job`).
 *
 * ## Why a confidence sequence, and why this one
 *
 * Same-job measurement can look at the data after every pair of rounds and stop an entry as soon as
 * it is decided. A fixed-sample interval re-computed after every pair is not valid: each look is a
 * new chance for noise to cross the line, and over 50 looks a nominal 5 % test raises false alarms
 * several-fold (see `__tests__/compare/sequential.test.ts`). A confidence
 * sequence (CS) is a sequence of intervals C₁, C₂, … that covers the true change at *every* n at
 * once with probability ≥ 1 − α, so it may be looked at after every pair and the run may stop
 * whenever it likes, for whatever reason (a decision, the time budget, the round cap).
 *
 * The alternatives considered:
 * - Group-sequential designs with Lan–DeMets error spending need the number and timing of looks
 *   planned as a share of a maximum information, which depends on the unknown round-to-round noise
 *   (3 % on a calm runner, 15 % on a busy one); a time budget stops the design at an unplanned point.
 * - Sub-Gaussian or empirical-Bernstein CSs (Howard, Ramdas, McAuliffe & Sekhon 2021) need a known
 *   variance proxy or bounded observations; log-ratios of rounds are neither, and a guessed bound
 *   either breaks validity (too small) or wastes rounds (too large).
 * - The t-CS below needs neither: it is valid for Gaussian data with *unknown* variance, in closed
 *   form, and costs O(1) per look from running sums.
 *
 * ## The maths
 *
 * Each pair i (base round, head round, measured back to back, in the order A B A B … of
 * src/load/schedule.ts sideOrder, so that drift falls on both nearly alike and no app is measured
 * twice in a row) gives one observation: y_i = ln(head_i / base_i) for relative metrics, or
 * y_i = head_i − base_i for absolute ones (error rate). The y_i are modelled as independent
 * N(μ, σ²) with σ unknown; the change is the geometric-mean ratio e^μ (or the mean difference μ).
 * A log-ratio of two rounds, each the average of thousands of requests, is close to Gaussian; heavy
 * tails (an outlier round) inflate the sample variance and so widen the sequence rather than
 * narrowing it.
 *
 * What the independence assumption rests on, honestly: pairs share no rounds, so their noise is
 * independent as far as the rounds' is. Two things are not noise and are left in on purpose:
 * - Drift: the head always runs second, so a linear drift of the machine shifts every y_i by one
 *   round's worth of it (≈ 0.6 % per 6 s round at 30 % over 5 minutes). It moves μ, not the
 *   spread; a regression also needs the estimate beyond the tolerance (5 % and more), which such a
 *   shift cannot reach alone. Simulated with ± 30 % drift (`__tests__/compare/carryover.test.ts`):
 *   false alarms stay within the level.
 * - Carryover: the old order A B, B A put an app's second round in a row at the start of every
 *   pair from the second, the head's in even pairs and the base's in odd ones, so y_i alternated
 *   by ± the carryover: not independent draws around μ but a sawtooth that doubled the sample SD.
 *   The t-CS stayed valid (the sawtooth only widens it), but it needed 2–5× the pairs. Under
 *   A B A B every round follows a round of the other app, so a carryover of an app into its own
 *   next round never enters a pair. Same simulation, 5 % round noise and a carryover of 0.3 in
 *   logs: A B A B cleared 95 % of unchanged heads (median 21 pairs) and caught every +10 % head
 *   (median 12 pairs); A B B A cleared none and caught none within 50 pairs.
 *
 * For a candidate μ₀, with z_i = y_i − μ₀, the scale-invariant Bayes factor of "μ = μ₀ + θσ,
 * θ ~ N(0, g)" against "μ = μ₀", both with the right-Haar prior dσ/σ on the nuisance scale, is
 * (Rouder et al. 2009, eq. for a fixed g; Lai 1976):
 *
 *   B_n(μ₀) = (1 + n·g)^(−1/2) · ( Q / (Q − ρ·D) )^(n/2),
 *   Q = Σ z_i²,  D = n·z̄²,  ρ = n·g / (1 + n·g).
 *
 * B_1 = 1, and under μ = μ₀ the process (B_n) is a non-negative martingale in the filtration of the
 * scale-invariant statistics (z_1/|z_1|, …, z_n/|z_1|) (Lai 1976; Pérez-Ortiz, Lardy, de Heide &
 * Grünwald 2024, "E-statistics, group invariance and anytime-valid testing"). Ville's inequality gives
 * P(∃n: B_n(μ) ≥ 1/α) ≤ α, a statement about the whole path, so the set
 *
 *   C_n = { μ₀ : B_n(μ₀) < 1/α }
 *
 * covers μ at all n simultaneously with probability ≥ 1 − α, and at any data-dependent stopping
 * time. B_n rises with D/Q, so C_n is an interval around the mean ȳ. With S = Σ(y_i − ȳ)² (so
 * Q = S + D) and K = ((1 + n·g)^(1/2) / α)^(2/n), B_n ≥ 1/α ⇔ D·(1 − K/(1 + n·g)) ≥ (K − 1)·S, so
 *
 *   C_n = ȳ ± w_n,   w_n = √( (K − 1)·S / (n·(1 − K/(1 + n·g))) )   when K < 1 + n·g,
 *
 * and C_n is the whole line otherwise (too few pairs to bound an unknown variance: with α = 0.1 %
 * and g = 4 that is n ≤ 5). This is the closed form of Lai's t-CS given by Wang & Ramdas (2023),
 * "Anytime-valid t-tests and confidence sequences for Gaussian means with unknown variance",
 * Sequential Analysis.
 *
 * The mixture variance g sets where the sequence is tightest: a large g pays a log(1 + n·g)/n
 * penalty at large n and buys a finite interval after fewer pairs. g = {@link MIXTURE_VARIANCE}
 * was chosen by simulation (now `bench/replay.ts`, over rounds recorded on this machine): effects worth gating are a fraction to a few times the
 * pair noise, and decisions are wanted within 5–30 pairs.
 *
 * ## Outlier pairs
 *
 * One round that stalls (a side held off the CPU for most of a 300 ms round: 11 req/s where its
 * other rounds made 900–1,800) gives a pair whose log-ratio is several times the others' spread.
 * Gaussian tails make such a pair all but impossible, and S, a sum of squares, lets it set the width
 * alone: a head 2.5× slower in every other one of 14 pairs read −42 % (−81 … +75) "inconclusive".
 * So a pair whose log-ratio is more than {@link PAIR_OUTLIER_K} robust SDs (the MAD rule,
 * stats.ts madOutliers) from the median of all pairs is left out of the sequence and of the final
 * look, from {@link OUTLIER_PAIRS_FROM} pairs on, and only while such pairs are at most
 * {@link OUTLIER_PAIR_SHARE} of them (more than that is how the metric varies, not a stall). The rule
 * looks at the log-ratio only, never at its sign or the tolerance, so on an unchanged head it drops
 * a pair that reads faster as readily as one that reads slower; the report counts the pairs it left
 * out. Relative metrics only: a round with errors is never an outlier to set aside.
 *
 * Why 12 robust SDs and a tenth: leaving pairs out is choosing data after seeing it, at every look.
 * At 3.5 SDs and a fifth (the MAD rule's usual cut), replaying the recorded busy rounds
 * (`npm run bench:replay -- --quick`) raised unchanged 10-entry suites' false alarms from 0 to 3–5 %
 * (bound 1 %) and one-scenario suites' from 0–1 % to 2.8–5.5 %: the real rounds' tails are heavy, and
 * trimming them at each look let chance runs through. At 8 SDs one cell rose by 0.3 %. At 12 the
 * same-job false-alarm cells read as without the rule (0 % for suites; 0–1 % for one scenario, cell
 * for cell), detection moves by less than the replay's own sampling noise, and the stall above
 * (23 SDs) is still left out.
 *
 * ## A floor under the spread
 *
 * The t-sequence learns σ from the pairs alone, and at 5–10 pairs S can read far less than the
 * pairs' real noise by chance, or because the machine held one state for a minute. On this project's
 * machine (2026-12-04, the node service beside a busy loop, pairs adjusted by the speed probe) five
 * pairs in a row read −6 to −10 % in req/s, SD 0.017, where the run's pairs varied by 0.117; a
 * block-bootstrap replay of that run that began there decided a regression at the fifth pair in 7.9 %
 * of its trials, the one run that took the default's replayed false alarms over the suite's 1 %
 * (ACCURACY.md, "The default replayed from its own runs"). Each round also records its seconds, and how
 * much they vary says how much the round's value can (round-noise.ts): in those five pairs, 0.03–0.19
 * a pair. So S is taken to be at least what the pairs' noise from their seconds gives at
 * {@link FLOOR_SHARE} of it (spreadFloor). Any floor only widens the intervals, so the sequence,
 * the final look and their error bounds stay valid whatever it is; what it can cost is power where
 * it exceeds the pairs' real spread. Why 0.5: over the 70 runs of the default kept in
 * bench/results/against-target-pinned with the probe, the pairs' real SD (adjusted by the probe) was
 * 0.21–0.47 of the seconds' figure at the least, per metric, 0.39–0.71 at the 5th percentile and
 * 1.07–1.38 times it at the median; below 0.5 in 1 (p99) to 8 (CPU) of them (bench/pair-floor.ts).
 * Replayed from the 30 runs then kept (bench/cpu-gate-replay.ts, BENCH_SOURCE=pinned
 * BENCH_KEEP_OFFSETS=1, 2,000 trials a cell), the busy runs' false alarms read 1.3 % without the
 * floor, 1.1 % at 0.25, 0.8 % at 0.35, 0.1 % at 0.5 and 0.1 % at 0.7, while the catches of +5, +10
 * and +25 % and the unchanged heads cleared within 3 minutes moved by less than a point up to 0.5;
 * at 0.7, +5 % in quiet runs fell 2 points. The cost at 0.5 is time: judged again pair by pair
 * (bench/pair-floor.ts), 3 of the 45 kept runs that decided before they stopped (quiet ones whose
 * seconds varied more than their pairs) were not yet decided there, so would have measured a few
 * pairs more, and 2 decided one pair later. A red check on an unchanged pull request is the costlier
 * error. Rounds of fewer than two whole seconds carry no floor (three until the default round became
 * 2.5 s), nor a spike's or a stress search's, whose seconds vary by design (round-noise.ts).
 *
 * ## The final look
 *
 * The sequence pays for being looked at any number of times: after 15 pairs its 95 % half-width is
 * about 0.96 sample SDs, where a fixed-sample t-interval's is 0.55 (2.14/√15). A run that ends
 * because its time budget or the round cap is spent, not because it was decided, ends at a number of
 * pairs that the data did not choose. One more test there, a fixed-sample t-interval for the mean of
 * the y_i, is valid on its own, and the error of the two together is at most the sum of theirs
 * (the union bound): the sequence wrong at any look, or the final interval wrong at the end. So each
 * error bound is split:
 * - a false regression (the suite's 1 % bound, family.ts): the sequence at alarmAlpha·(1 − s), the
 *   final look at alarmAlpha·s, s = {@link FINAL_LOOK_SHARE}; the two never exceed alarmAlpha together.
 *   s = 0.25, not 0.5: replaying the busy one-entry trace (`BENCH_PARTS=schedule npm run
 *   bench:replay`, pair SD 0.27, its recorded head 4 % slower by chance) failed 1.3 % of unchanged
 *   heads at 0.5 and 0.7 % at 0.25, while +10 % at a pair SD of 0.1 was caught in 93 % and 90 %;
 * - a miss (calling a metric unchanged or improved when it is worse than its tolerance): both at
 *   {@link MISS_ALPHA}, so at most 2·MISS_ALPHA. Misses are not false alarms; each costs a change
 *   near the tolerance going unflagged, and the final look is what lets an unchanged head be
 *   cleared inside a 3-minute budget at all (ACCURACY.md). A miss is one-sided (only the bad
 *   side can hide a regression), so where the final look asks whether a regression beyond the
 *   tolerance is still plausible ("not worse than the tolerance", what lets the gate clear a metric
 *   it cannot call unchanged), it reads the bad end of the 1 − 2·MISS_ALPHA t-interval, the
 *   one-sided 1 − MISS_ALPHA bound; the two-sided 95 % interval spent only half the miss bound
 *   there. "Unchanged" still needs the whole 95 % interval within the tolerance.
 * The final look only ever decides what the sequence left open: a decided sequence stands. It is
 * applied where the measurement has ended (compare.ts, at publishing), never while deciding whether
 * to go on (entryDecided): a rule that re-applied it after every pair would be the naive rule above.
 * An entry that stops early was stopped by its sequence, so on that path the final look agrees.
 *
 * ## Edge cases
 * - Fewer than 2 pairs, or a non-finite observation (a zero or negative value under a ratio): the
 *   whole line, i.e. "cannot say".
 * - All observations equal (S = 0, e.g. no errors in any round on either side): the point {ȳ} once
 *   K < 1 + n·g, since a Gaussian with any spread would almost never give equal values; before
 *   that, the whole line.
 *
 * ## Checked against
 * Simulated (seeded, `__tests__/compare/sequential.test.ts`): Gaussian pairs, 5 % round CV, α = 5 %,
 * looked at after every pair from 1 to 50 pairs: the sequence missed the true change at some look in
 * 2.5 % of 2,000 trials (the bound is 5 %: Ville's inequality is conservative for discrete looks),
 * while a fixed-sample 95 % t-interval re-applied after every pair from the fifth missed it in
 * 29.5 %. With the tolerance rule on top, replayed real rounds (bench/replay.ts) keep unchanged 10-entry
 * suites far within their 1 % bound (ACCURACY.md).
 */

import { studentTQuantile } from '../stats/distributions.js'
import { classify, madOutliers, type Direction, type Verdict } from '../stats/stats.js'

/** The mixture variance g of the standardised effect θ = (μ − μ₀)/σ; see the module comment. */
export const MIXTURE_VARIANCE = 4

/** A pair's log-ratio this many robust SDs from the median of all pairs makes it an outlier pair (module comment). */
export const PAIR_OUTLIER_K = 12
/** Outlier pairs are looked for from this many pairs on. */
export const OUTLIER_PAIRS_FROM = 6
/** At most this share of the pairs is left out as outliers; beyond it, none is. */
export const OUTLIER_PAIR_SHARE = 0.1

/**
 * Indices of the pairs left out as outliers (module comment, "Outlier pairs"): relative metrics,
 * from {@link OUTLIER_PAIRS_FROM} pairs, at most {@link OUTLIER_PAIR_SHARE} of them; none otherwise.
 */
export function outlierPairs(base: readonly number[], head: readonly number[], relative: boolean): number[] {
  if (!relative || base.length !== head.length || base.length < OUTLIER_PAIRS_FROM) return []
  const ys = pairObservations(base, head, relative)
  if (!ys.every(Number.isFinite)) return []
  const out = madOutliers(ys, PAIR_OUTLIER_K)
  return out.length <= Math.floor(OUTLIER_PAIR_SHARE * ys.length) ? out : []
}

/** Each pair's observation: the log-ratio head/base (relative metrics) or the difference head − base. */
function pairObservations(base: readonly number[], head: readonly number[], relative: boolean): number[] {
  return head.map((h, i) => {
    const b = base[i] ?? NaN
    return relative ? Math.log(h / b) : h - b
  })
}

/** `xs` (one side's rounds, pair by pair) without the pairs at `leftOut` ({@link outlierPairs}). */
export function withoutPairs(xs: readonly number[], leftOut: readonly number[]): readonly number[] {
  return leftOut.length === 0 ? xs : xs.filter((_, i) => !leftOut.includes(i))
}

/** An interval for the change, on the scale the caller compares against the tolerance. */
export interface SequenceInterval {
  /** Ratio head/base (relative) or difference head − base (absolute), at the mean of the pairs. */
  readonly estimate: number
  readonly low: number
  readonly high: number
  /** How many pairs it is based on. */
  readonly pairs: number
}

/**
 * Anytime-valid 1 − α confidence sequence for the mean of Gaussian observations with unknown
 * variance, at the current number of observations (Lai's t-CS; see the module comment).
 *
 * @returns `low`/`high` are ∓Infinity when the sequence is still the whole line; `estimate` is the
 *   mean, NaN for no observations.
 * @throws RangeError when α is not strictly between 0 and 1 or g is not positive.
 */
export function meanSequence(
  ys: readonly number[],
  alpha: number,
  g: number = MIXTURE_VARIANCE,
  leastSpread = 0,
): { estimate: number; low: number; high: number } {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be strictly between 0 and 1, got ${alpha}`)
  if (!(g > 0)) throw new RangeError(`the mixture variance must be positive, got ${g}`)
  const n = ys.length
  if (n === 0) return { estimate: NaN, low: -Infinity, high: Infinity }
  let sum = 0
  for (const y of ys) sum += y
  const mean = sum / n
  if (n < 2 || !Number.isFinite(mean)) return { estimate: mean, low: -Infinity, high: Infinity }
  let spread = 0
  for (const y of ys) spread += (y - mean) ** 2
  // A floor under S only widens the interval, so the sequence stays valid ("A floor under the spread").
  spread = Math.max(spread, leastSpread)
  const spreadOfPrior = 1 + n * g
  // K = (√(1 + n·g)/α)^(2/n), computed in logs: α can be 1e-4 and n = 2.
  const k = Math.exp((2 / n) * (0.5 * Math.log(spreadOfPrior) - Math.log(alpha)))
  const room = 1 - k / spreadOfPrior
  if (!(room > 0)) return { estimate: mean, low: -Infinity, high: Infinity }
  const halfWidth = Math.sqrt(((k - 1) * spread) / (n * room))
  return { estimate: mean, low: mean - halfWidth, high: mean + halfWidth }
}

/**
 * The confidence sequence for head against base from paired rounds: pair i is `base[i]`, `head[i]`.
 * Relative metrics use the log-ratio of each pair and return ratios (1.05 = 5 % more); absolute
 * ones use differences.
 *
 * @throws RangeError when the two sides hold different numbers of rounds.
 */
export function pairedSequence(
  base: readonly number[],
  head: readonly number[],
  options: { readonly alpha: number; readonly relative: boolean; readonly g?: number; readonly leastSpread?: number },
): SequenceInterval {
  return pairedInterval(base, head, options.relative, (ys) => meanSequence(ys, options.alpha, options.g, options.leastSpread))
}

/**
 * An interval for head against base from the pairs' log-ratios (relative) or differences, by
 * `ofMean` on that scale, returned as ratios or differences.
 *
 * @throws RangeError when the two sides hold different numbers of rounds.
 */
function pairedInterval(
  base: readonly number[],
  head: readonly number[],
  relative: boolean,
  ofMean: (ys: readonly number[]) => { estimate: number; low: number; high: number },
): SequenceInterval {
  if (base.length !== head.length) throw new RangeError(`paired rounds must come in pairs, got ${base.length} base and ${head.length} head`)
  const ys = pairObservations(base, head, relative)
  const pairs = ys.length
  // A zero or negative round has no log-ratio; such a comparison cannot say anything (±Infinity ends).
  if (!ys.every(Number.isFinite)) return { estimate: NaN, low: -Infinity, high: Infinity, pairs }
  const interval = ofMean(ys)
  if (!relative) return { ...interval, pairs }
  return { estimate: Math.exp(interval.estimate), low: Math.exp(interval.low), high: Math.exp(interval.high), pairs }
}

/** Per-metric chance of calling a metric unchanged when it is in fact worse than its tolerance. */
export const MISS_ALPHA = 0.05

/** The share of a metric's false-alarm bound spent on the one fixed-sample look at the end of a measurement (see the module comment). */
export const FINAL_LOOK_SHARE = 0.25

/**
 * The fixed-sample 1 − α t-interval for head against base from paired rounds, valid at one number of
 * pairs chosen without looking at them (the final look). Same scales and edge cases as
 * {@link pairedSequence}.
 */
export function pairedFixedInterval(
  base: readonly number[],
  head: readonly number[],
  options: { readonly alpha: number; readonly relative: boolean; readonly leastSpread?: number },
): SequenceInterval {
  return pairedInterval(base, head, options.relative, (ys) => meanInterval(ys, options.alpha, options.leastSpread))
}

/** The fixed-sample 1 − α t-interval for the mean of `ys`, S at least `leastSpread`; the whole line for fewer than 2. */
function meanInterval(ys: readonly number[], alpha: number, leastSpread = 0): { estimate: number; low: number; high: number } {
  const n = ys.length
  const mean = ys.reduce((sum, y) => sum + y, 0) / n
  if (n < 2) return { estimate: mean, low: -Infinity, high: Infinity }
  const sd = Math.sqrt(
    Math.max(
      ys.reduce((sum, y) => sum + (y - mean) ** 2, 0),
      leastSpread,
    ) /
      (n - 1),
  )
  const half = (studentTQuantile(alpha / 2, n - 1) * sd) / Math.sqrt(n)
  return { estimate: mean, low: mean - half, high: mean + half }
}
/** What {@link sequentialVerdict} needs besides the rounds. */
export interface SequentialRule {
  readonly relative: boolean
  readonly direction: Direction
  readonly tolerance: number
  /** What a false regression of this metric may cost: its weighted share of the suite's bound (family.ts entryShares). */
  readonly alarmAlpha: number
  /** Level of the interval that decides unchanged and first claims a change (default {@link MISS_ALPHA}). */
  readonly missAlpha?: number
  readonly g?: number
  /**
   * Each pair's noise as its rounds' seconds imply it (SD of its observation; round-noise.ts), one
   * a pair like the rounds: a floor under the pairs' spread ("A floor under the spread").
   */
  readonly noise?: readonly number[]
  /**
   * The measurement has ended (its budget or round cap, or the configured rounds): what the
   * sequence leaves undecided gets the final look. Never while deciding whether to go on.
   */
  readonly final?: boolean
}

/**
 * The verdict from paired rounds so far, by the README's rules: a regression needs the sequence at
 * alarmAlpha·(1 − {@link FINAL_LOOK_SHARE}), its share of the suite's bound less what the final look
 * may spend, to exclude no change on the bad side (and the estimate beyond T); unchanged is read
 * off the 1 − `missAlpha` sequence, whose errors are misses, not false alarms; an improvement is a
 * claim of change like a regression, so it must hold at the alarm level too (replayed on the busy
 * one-entry trace, the 95 % level alone called 1.6 % of unchanged heads improved, this 0.3 %).
 * With `final`, a metric the sequences leave undecided is judged once more by fixed-sample
 * t-intervals at the same levels, the regression one at alarmAlpha·FINAL_LOOK_SHARE.
 * `inconclusive` means: keep measuring (or, with `final`, not decided).
 *
 * Outlier pairs are left out of both first ("Outlier pairs" in the module comment).
 *
 * @returns the verdict, the interval that decided it (the 1 − missAlpha one: the sequence's, or
 *   the final look's when that decided or nothing did), whether it is the final look's, and the
 *   pairs left out.
 */
export function sequentialVerdict(allBase: readonly number[], allHead: readonly number[], rule: SequentialRule): SequentialVerdict {
  const leftOut = outlierPairs(allBase, allHead, rule.relative)
  const base = withoutPairs(allBase, leftOut)
  const head = withoutPairs(allHead, leftOut)
  const g = rule.g ?? MIXTURE_VARIANCE
  const leastSpread = spreadFloor(rule.noise?.length === allBase.length ? withoutPairs(rule.noise, leftOut) : undefined)
  const missAlpha = rule.missAlpha ?? MISS_ALPHA
  const sequenceAlarm = rule.alarmAlpha * (1 - FINAL_LOOK_SHARE)
  const sequence = decide(
    (alpha) => pairedSequence(base, head, { alpha, relative: rule.relative, g, leastSpread }),
    Math.max(missAlpha, sequenceAlarm),
    sequenceAlarm,
    rule,
  )
  if (rule.final !== true || sequence.verdict !== 'inconclusive') return { ...sequence, finalLook: false, leftOut }
  const finalAlarm = rule.alarmAlpha * FINAL_LOOK_SHARE
  const last = decide(
    (alpha) => pairedFixedInterval(base, head, { alpha, relative: rule.relative, leastSpread }),
    Math.max(missAlpha, finalAlarm),
    finalAlarm,
    rule,
  )
  // Whether a regression beyond the tolerance is still plausible is a one-sided question: the bad end
  // of the 1 − 2·missAlpha t-interval is the one-sided 1 − missAlpha bound (module comment, "The final look").
  const clearing = pairedFixedInterval(base, head, { alpha: 2 * missAlpha, relative: rule.relative, leastSpread })
  return { ...last, finalLook: true, leftOut, clearing }
}

/** The share of the pairs' noise from their rounds' seconds that their spread is taken to be at least ("A floor under the spread"). */
export const FLOOR_SHARE = 0.5

/**
 * The least S = Σ(y − ȳ)² the pairs are taken to have: independent pairs of SDs f_i give
 * E[S] = (1 − 1/n)·Σ f_i², here with each f_i at {@link FLOOR_SHARE}. 0 without the pairs' noise.
 */
function spreadFloor(noise: readonly number[] | undefined): number {
  if (noise === undefined || noise.length === 0) return 0
  const n = noise.length
  return FLOOR_SHARE ** 2 * (1 - 1 / n) * noise.reduce((sum, f) => sum + f * f, 0)
}

/** A verdict from paired rounds and the intervals behind it. */
export interface SequentialVerdict {
  readonly verdict: Verdict
  /** The 1 − missAlpha interval: it decides unchanged, and is the one drawn look by look. */
  readonly interval: SequenceInterval
  /**
   * Set when the 1 − missAlpha interval claimed a change (regression or improvement): the interval
   * at the alarm level that confirmed it, or left it undecided, and that level. It decided, so it is
   * the one to show beside the verdict.
   */
  readonly strict?: { readonly interval: SequenceInterval; readonly confidence: number }
  /** The verdict is the final look's (see the module comment). */
  readonly finalLook: boolean
  /** Indices of the pairs left out as outliers (module comment, "Outlier pairs"); the intervals are over the others. */
  readonly leftOut: readonly number[]
  /**
   * The final look: the interval whose bad end says whether a regression beyond the tolerance is
   * still plausible, at one-sided 1 − missAlpha. Absent elsewhere: `interval` says it.
   */
  readonly clearing?: SequenceInterval
}

/** One rule's verdict from intervals at two levels: `shown` decides unchanged, `alarm` confirms a claimed change. */
function decide(
  interval: (alpha: number) => SequenceInterval,
  shownAlpha: number,
  alarmAlpha: number,
  rule: SequentialRule,
): Omit<SequentialVerdict, 'finalLook' | 'leftOut'> {
  const asRatio = (i: SequenceInterval): SequenceInterval =>
    rule.relative ? i : { ...i, estimate: i.estimate + 1, low: i.low + 1, high: i.high + 1 }
  const shown = interval(shownAlpha)
  const loose = classify(asRatio(shown), rule.direction, rule.tolerance)
  if (loose !== 'regression' && loose !== 'improvement') return { verdict: loose, interval: shown }
  // A claim of change either way must hold at the alarm level: an unchanged head claimed improved is
  // as wrong as one claimed slower (README, "improvement claims on unchanged heads").
  const strict = interval(alarmAlpha)
  return {
    verdict: classify(asRatio(strict), rule.direction, rule.tolerance) === loose ? loose : 'inconclusive',
    interval: shown,
    strict: { interval: strict, confidence: 1 - alarmAlpha },
  }
}

/**
 * The smallest change the pairs so far could resolve: the half-width of the sequence, relative
 * (0.04 = 4 %) for ratios. A change smaller than this could not yet be told from noise.
 *
 * @returns Infinity while the sequence is the whole line.
 */
export function resolvableChange(interval: SequenceInterval, relative: boolean): number {
  if (!Number.isFinite(interval.low) || !Number.isFinite(interval.high)) return Infinity
  if (!relative) return (interval.high - interval.low) / 2
  // Half the width on the log scale, expressed as a ratio.
  return Math.exp((Math.log(interval.high) - Math.log(interval.low)) / 2) - 1
}
