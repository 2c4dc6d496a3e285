// Same-job pairs adjusted for the machine's speed (app.cpus: separate). Each round records how fast
// the app's CPUs ran during it (src/app/speed-probe.ts): a pair's probe log-ratio x_i is how much
// slower the machine was for the head's round than for the base's, and a metric that follows the
// machine's speed moved with it by β·x_i. Taking that out of the pair's log-ratio y_i,
//
//   y_i' = y_i − β̂_i · x_i,
//
// leaves the change with less of the machine's noise in it (a CUPED-style covariate adjustment). The
// probe is the same code on both sides, so x_i has mean 0 whatever the head changed, and the
// adjustment moves the estimate only by noise.
//
// β̂_i is predictable: fitted on the pairs before pair i only, so each adjusted pair depends on the
// past through β̂_i alone and the pairs stay a sequence the anytime-valid confidence sequence of
// sequential.ts may be looked at after any of. The fit is least squares with an intercept, shrunk
// toward the slope a CPU-bound route has (ridge, weight PRIOR_WEIGHT): +1 for what grows when the
// machine slows (CPU per request, latency), −1 for throughput. The slopes measured on the node
// service were 1.0–1.1 for CPU per request. Why shrink: a machine that stays steady for the first
// pairs gives a slope fitted on nothing (the probe's log-ratio within ±0.04), and an unshrunk fit of
// 3 such pairs, applied to the first pair a slowdown fell in (x ≈ 0.4), made a run's req/s pairs
// noisier (SD 0.119 → 0.143) where the shrunk one halved them (→ 0.063; bench/relaunch.ts on
// bench/results/against-target/*-pinned-*). A route the machine's speed does not move (one that waits
// on a database) is fitted away from the prior as soon as the machine has varied: PRIOR_WEIGHT is the
// Σ(x − x̄)² of about one pair with a 0.2 slowdown. β̂ is bounded to ±MAX_SLOPE so that no fit can
// multiply the probe's own noise into the result.
//
// The adjustment is split between the sides (each moved by half of β̂_i·x_i, in opposite directions),
// so that neither side's column is favoured and the pair's ratio carries it all.

/** The weight of the prior slope, in units of Σ(x − x̄)² of the probe's pair log-ratios. */
export const PRIOR_WEIGHT = 0.05
/** The largest |β̂| used. */
export const MAX_SLOPE = 2

/** Paired values adjusted for the machine's speed, and what was fitted. */
export interface SpeedAdjusted {
  readonly base: number[]
  readonly head: number[]
  /** The slope used for the last pair. */
  readonly slope: number
  /**
   * The same fit over all the pairs: the slope the run's pairs give as a whole, for a pair measured
   * beside them but outside the comparison (the profiled rounds, src/profile/diff.ts).
   */
  readonly fitted: number
}

/**
 * Adjusts paired values of a relative metric (base[i], head[i] > 0) by the probe's values of the
 * same rounds (probeBase[i], probeHead[i] > 0), as in the module comment. The arrays are pair by pair
 * and of one length; `prior` is the slope the fit is shrunk toward (+1, or −1 for throughput).
 */
export function speedAdjusted(
  base: readonly number[],
  head: readonly number[],
  probeBase: readonly number[],
  probeHead: readonly number[],
  prior: number,
): SpeedAdjusted {
  const adjusted = covariateAdjusted(base, head, [{ base: probeBase, head: probeHead, prior }])
  return { base: adjusted.base, head: adjusted.head, slope: adjusted.slopes[0] ?? prior, fitted: adjusted.fitted[0] ?? prior }
}

/** A reading of every round beside the metric (the probe's µs a unit, the app's access to its CPU), pair by pair. */
export interface Covariate {
  readonly base: readonly number[]
  readonly head: readonly number[]
  /** The slope the fit is shrunk toward: the metric's log-ratio per unit of the reading's. */
  readonly prior: number
  /**
   * Whether pair i is adjusted by this reading (default every pair); a pair left out is still fitted
   * on. Predictable as the slopes are: decided from the pairs before i only.
   */
  readonly use?: readonly boolean[]
}

/** Paired values adjusted for one or more covariates, and the slopes, in the covariates' order. */
export interface CovariateAdjusted {
  readonly base: number[]
  readonly head: number[]
  /** The slopes used for the last pair. */
  readonly slopes: number[]
  /** The same fit over all the pairs. */
  readonly fitted: number[]
}

/**
 * Adjusts paired values of a relative metric by several readings of the same rounds at once (all
 * positive): y_i' = y_i − Σ_k β̂_ik · x_ik, each β̂_i fitted on the pairs before pair i (least squares
 * with an intercept, each slope shrunk toward its prior with weight PRIOR_WEIGHT, bounded to
 * ±MAX_SLOPE), split between the sides as speedAdjusted's is. One covariate is speedAdjusted.
 */
export function covariateAdjusted(base: readonly number[], head: readonly number[], covariates: readonly Covariate[]): CovariateAdjusted {
  const k = covariates.length
  const priors = covariates.map((c) => c.prior)
  const ys = head.map((h, i) => Math.log(h / (base[i] ?? NaN)))
  const xsOf = (i: number): number[] => covariates.map((c) => Math.log((c.head[i] ?? NaN) / (c.base[i] ?? NaN)))
  const adjustedBase: number[] = []
  const adjustedHead: number[] = []
  // Running sums of the pairs so far: the fit for pair i uses pairs 0 … i−1 only.
  const sums: Sums = {
    n: 0,
    sx: new Array<number>(k).fill(0),
    sy: 0,
    sxx: Array.from({ length: k }, () => new Array<number>(k).fill(0)),
    sxy: new Array<number>(k).fill(0),
  }
  let slopes = priors
  for (let i = 0; i < ys.length; i++) {
    const xs = xsOf(i)
    const y = ys[i] ?? NaN
    slopes = shrunkSlopes(sums, priors)
    const half = xs.reduce((sum, x, j) => sum + (covariates[j]?.use?.[i] === false ? 0 : (slopes[j] ?? 0) * x), 0) / 2
    adjustedBase.push((base[i] ?? NaN) * Math.exp(half))
    adjustedHead.push((head[i] ?? NaN) * Math.exp(-half))
    sums.n++
    sums.sy += y
    for (let a = 0; a < k; a++) {
      const xa = xs[a] ?? NaN
      sums.sx[a] = (sums.sx[a] ?? 0) + xa
      sums.sxy[a] = (sums.sxy[a] ?? 0) + xa * y
      const row = sums.sxx[a] ?? []
      for (let b = 0; b < k; b++) row[b] = (row[b] ?? 0) + xa * (xs[b] ?? NaN)
    }
  }
  return { base: adjustedBase, head: adjustedHead, slopes, fitted: shrunkSlopes(sums, priors) }
}

/** Running sums of pairs of the covariates' log-ratios x (one per covariate) and the metric's y. */
interface Sums {
  n: number
  readonly sx: number[]
  sy: number
  readonly sxx: number[][]
  readonly sxy: number[]
}

/** Least squares with an intercept, each slope shrunk toward its prior (ridge), bounded. */
function shrunkSlopes(sums: Sums, priors: readonly number[]): number[] {
  const { n, sx, sy, sxx, sxy } = sums
  const k = priors.length
  // (C + λI) β = c + λ·prior, C and c the centred sums.
  const matrix = priors.map((_, a) =>
    priors.map((__, b) => (n === 0 ? 0 : (sxx[a]?.[b] ?? 0) - ((sx[a] ?? 0) * (sx[b] ?? 0)) / n) + (a === b ? PRIOR_WEIGHT : 0)),
  )
  const right = priors.map((prior, a) => (n === 0 ? 0 : (sxy[a] ?? 0) - ((sx[a] ?? 0) * sy) / n) + PRIOR_WEIGHT * prior)
  return solve(matrix, right, k).map((slope) => Math.max(-MAX_SLOPE, Math.min(MAX_SLOPE, slope)))
}

/**
 * Solves a small symmetric positive definite system by elimination (the ridge term keeps it so). A
 * covariate whose readings are not numbers gives NaN slopes, as the one-covariate fit did.
 */
function solve(matrix: number[][], right: number[], k: number): number[] {
  for (let p = 0; p < k; p++) {
    const pivot = matrix[p]?.[p] ?? NaN
    for (let r = p + 1; r < k; r++) {
      const factor = (matrix[r]?.[p] ?? 0) / pivot
      for (let c = p; c < k; c++) {
        const row = matrix[r]
        if (row !== undefined) row[c] = (row[c] ?? 0) - factor * (matrix[p]?.[c] ?? 0)
      }
      right[r] = (right[r] ?? 0) - factor * (right[p] ?? 0)
    }
  }
  const out = new Array<number>(k).fill(0)
  for (let p = k - 1; p >= 0; p--) {
    let rest = right[p] ?? 0
    for (let c = p + 1; c < k; c++) rest -= (matrix[p]?.[c] ?? 0) * (out[c] ?? 0)
    out[p] = rest / (matrix[p]?.[p] ?? NaN)
  }
  return out
}
