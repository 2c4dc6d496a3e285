// How long a freshly started app is warmed up before its first round. A process serves slower for its
// first seconds of load while the runtime compiles the hot code and sizes its heap: an Express app
// Cannonade had just started, pinned beside the speed probe (bench/separate-real.ts, 118 runs,
// 2026-12-05), served its round 1 (after the suite's 1 s warm-up and the round's own 1 s) 12 % slower
// at one machine speed than its round 3, and round 2 2 % slower; five rounds then carried a cold
// first one that the comparison's intervals paid for. So the suite's warm-up pass of an app Cannonade
// started goes on, slice by slice, while its throughput still rises.
import type { LoadLevel, ScenarioPlan } from './plan.js'

/**
 * Whether the pass over an entry warms an app Cannonade started until it settles: under steady
 * closed-loop load, in a run of one side. A rate, another profile, or sides measured together (whose
 * pairs start alike) get the configured pass.
 */
export function settlesWarmUp(scenario: Pick<ScenarioPlan, 'profile'>, level: Pick<LoadLevel, 'rate'>): boolean {
  return scenario.profile === 'steady' && level.rate === undefined
}

/** At most this many slices of the configured warm-up's length (10 s for the default 1 s). */
export const WARM_UP_SLICES = 10

/**
 * At least this many (5 s for the default 1 s). Stopping as soon as a slice rose by 3 % or less
 * warmed the Express app for 3–4 s, and its round 1 was still 6 % slower than round 3 at one machine
 * speed (40 runs, 2026-12-05), most where the machine ran slow: compiling is CPU work, and a slower
 * machine spends longer on it while each 1 s slice rises less.
 */
export const MIN_WARM_UP_SLICES = 5

/** A slice this much faster than every slice before it means the app is still warming up. */
export const STILL_RISING = 0.03

/**
 * Whether the warm-up of a fresh app goes on after slices, each as long as the configured warm-up,
 * that served `rps` (oldest first): always to {@link MIN_WARM_UP_SLICES}, then while the newest
 * served more than {@link STILL_RISING} above the best before it, up to {@link WARM_UP_SLICES}.
 * Noise that makes a slice look faster only costs a slice; one that makes it look slower stops the
 * warm-up early, no worse than the fixed one.
 */
export function stillWarming(rps: readonly number[]): boolean {
  if (rps.length >= WARM_UP_SLICES) return false
  const newest = rps.at(-1)
  if (newest === undefined || rps.length < MIN_WARM_UP_SLICES) return true
  return newest > (1 + STILL_RISING) * Math.max(...rps.slice(0, -1))
}
