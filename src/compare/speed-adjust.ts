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
  const ys = head.map((h, i) => Math.log(h / (base[i] ?? NaN)))
  const xs = probeHead.map((p, i) => Math.log(p / (probeBase[i] ?? NaN)))
  const adjustedBase: number[] = []
  const adjustedHead: number[] = []
  // Running sums of the pairs so far: the fit for pair i uses pairs 0 … i−1 only.
  let n = 0
  let sx = 0
  let sy = 0
  let sxx = 0
  let sxy = 0
  let slope = prior
  for (let i = 0; i < ys.length; i++) {
    const x = xs[i] ?? NaN
    const y = ys[i] ?? NaN
    slope = shrunkSlope({ n, sx, sy, sxx, sxy }, prior)
    const half = (slope * x) / 2
    adjustedBase.push((base[i] ?? NaN) * Math.exp(half))
    adjustedHead.push((head[i] ?? NaN) * Math.exp(-half))
    n++
    sx += x
    sy += y
    sxx += x * x
    sxy += x * y
  }
  return { base: adjustedBase, head: adjustedHead, slope, fitted: shrunkSlope({ n, sx, sy, sxx, sxy }, prior) }
}

/** Running sums of pairs of the probe's log-ratio x and the metric's y. */
interface Sums {
  readonly n: number
  readonly sx: number
  readonly sy: number
  readonly sxx: number
  readonly sxy: number
}

/** Least squares with an intercept, shrunk toward the prior (ridge), bounded. */
function shrunkSlope(sums: Sums, prior: number): number {
  const { n, sx, sy, sxx, sxy } = sums
  const centredXX = n === 0 ? 0 : sxx - (sx * sx) / n
  const centredXY = n === 0 ? 0 : sxy - (sx * sy) / n
  return Math.max(-MAX_SLOPE, Math.min(MAX_SLOPE, (centredXY + PRIOR_WEIGHT * prior) / (centredXX + PRIOR_WEIGHT)))
}
