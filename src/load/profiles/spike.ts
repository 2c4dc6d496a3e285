// profile: spike. A steady rate, a burst at a multiple of it, the steady rate again, in one measured
// window; what the burst did is read from the round's per-second series.
import type { ScenarioPlan, SpikePlan } from '../../config/plan.js'
import type { LoadSeries, SpikeRound } from '../../results/document.js'
import { median } from '../../stats/stats.js'

/**
 * The open-loop rate of a round over time, in req/s at `sinceStartMs` after the pacer started (the
 * warm-up runs at the steady rate, then the window's before, burst and after phases). A plain
 * number for every other profile.
 */
export function rateSchedule(
  scenario: Pick<ScenarioPlan, 'spike' | 'warmupMs'>,
  rate: number,
): number | ((sinceStartMs: number) => number) {
  const spike = scenario.spike
  if (spike === undefined) return rate
  const burstFrom = scenario.warmupMs + spike.beforeMs
  const burstTo = burstFrom + spike.burstMs
  return (sinceStartMs) => (sinceStartMs >= burstFrom && sinceStartMs < burstTo ? spike.rate * spike.multiple : spike.rate)
}

// Below this, a p99 above the pre-spike level is jitter, not a queue still draining: per-second p99
// at a modest rate is the largest few responses of that second and moves by fractions of a
// millisecond on a busy machine whatever the app does.
const JITTER_US = 1000

/**
 * What one round's burst did. The pre-spike level is the median per-second p99 of the `before`
 * seconds (the first one left out: connections and JIT settle there). Recovered means: from this
 * second on, p99 stays at most max(level × (1 + tolerance), level + 1 ms) for two seconds running
 * (or to the end of the window). Per-second p99 is noisy at a low rate, and one quiet second in a
 * draining queue is not recovery. Whole seconds: a burst that left no trace reads 1 s.
 *
 * @returns undefined when the window has no second before the burst or none after it.
 */
export function analyseSpike(series: LoadSeries, spike: SpikePlan): SpikeRound | undefined {
  const beforeSeconds = Math.floor(spike.beforeMs / 1000)
  const burstEnd = Math.floor((spike.beforeMs + spike.burstMs) / 1000)
  const seconds = series.p99Us.length
  if (beforeSeconds < 1 || burstEnd >= seconds) return undefined
  const reference = series.p99Us.slice(beforeSeconds > 1 ? 1 : 0, beforeSeconds).filter((v) => v > 0)
  const beforeP99Us = reference.length === 0 ? 0 : median(reference)
  const limit = Math.max(beforeP99Us * (1 + spike.recoveryTolerance), beforeP99Us + JITTER_US)
  // A second without a successful response has no p99: the app is not back either.
  const within = (i: number): boolean => {
    const p99 = series.p99Us[i] ?? 0
    return (series.rps[i] ?? 0) > 0 && p99 <= limit
  }
  let recoveredAt: number | undefined
  for (let i = burstEnd; i < seconds; i++) {
    if (within(i) && (i + 1 >= seconds || within(i + 1))) {
      recoveredAt = i
      break
    }
  }
  const burstOk = series.rps.slice(beforeSeconds, burstEnd)
  const burstFailed = series.errors.slice(beforeSeconds, burstEnd)
  const ok = burstOk.reduce((a, b) => a + b, 0)
  const failed = burstFailed.reduce((a, b) => a + b, 0)
  // The burst's p99 from its seconds' p99s, weighted by nothing: the worst second is what users saw.
  const burstP99Us = Math.max(0, ...series.p99Us.slice(beforeSeconds, burstEnd))
  return {
    beforeP99Us,
    burstP99Us,
    burstErrorRate: ok + failed === 0 ? 0 : Math.round((failed / (ok + failed)) * 1e6) / 1e6,
    recoveryMs: ((recoveredAt ?? seconds - 1) - burstEnd + 1) * 1000,
    recovered: recoveredAt !== undefined,
  }
}
