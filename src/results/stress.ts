// A stress entry over its rounds: the capacity with its interval, and the latency-vs-load curve.
import { median } from '../stats/stats.js'
import { medianInterval, medianIntervalCoverage } from '../stats/median-interval.js'
import type { RoundResult, StressBreak, StressCurvePoint, StressRound, StressSummary } from './document.js'

function round2(value: number): number {
  return Math.round(value * 100) / 100
}

/** What broke the SLO at one load over the rounds, in a fixed order; nothing when it always held. */
function brokeAt(steps: readonly StressRound['steps'][number][]): { broke?: StressBreak[] } {
  const broke = new Set(steps.flatMap((s) => s.broke ?? []))
  return broke.size === 0 ? {} : { broke: BREAKS.filter((b) => broke.has(b)) }
}

const BREAKS: readonly StressBreak[] = ['p50', 'p90', 'p95', 'p99', 'p999', 'mean', 'errorRate', 'follow']

/**
 * Sums up the searches of a stress entry: the median capacity over the valid rounds (all rounds when
 * none is valid) with its distribution-free interval, and per load measured the median throughput,
 * p50, p99 and error rate over the rounds that measured it. Undefined for a steady entry.
 */
export function summariseStress(rounds: readonly RoundResult[]): StressSummary | undefined {
  const searches = rounds.filter((r) => r.stress !== undefined)
  const used = searches.some((r) => r.valid) ? searches.filter((r) => r.valid) : searches
  const stress = used.flatMap((r): StressRound[] => (r.stress === undefined ? [] : [r.stress]))
  const [first] = stress
  if (first === undefined) return undefined
  const interval = medianInterval(stress.map((s) => s.capacity))
  const byLoad = new Map<number, StressRound['steps'][number][]>()
  for (const search of stress) {
    // A load measured twice in a search (a retry) counts once: the measurement that held, if one did.
    const perLoad = new Map<number, StressRound['steps'][number]>()
    for (const step of search.steps) {
      const known = perLoad.get(step.load)
      if (known === undefined || !known.held) perLoad.set(step.load, step)
    }
    for (const [load, step] of perLoad) byLoad.set(load, [...(byLoad.get(load) ?? []), step])
  }
  const curve: StressCurvePoint[] = [...byLoad.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([load, steps]) => ({
      ...brokeAt(steps),
      load,
      rounds: steps.length,
      held: steps.filter((s) => s.held).length,
      rps: round2(median(steps.map((s) => s.rps))),
      p50Us: round2(median(steps.map((s) => s.p50Us))),
      p99Us: round2(median(steps.map((s) => s.p99Us))),
      errorRate: Math.round(median(steps.map((s) => s.errorRate)) * 1e6) / 1e6,
    }))
  return {
    loop: first.loop,
    capacity: round2(interval?.median ?? 0),
    low: round2(interval?.low ?? 0),
    high: round2(interval?.high ?? 0),
    coverage: Math.round(medianIntervalCoverage(stress.length) * 1e4) / 1e4,
    rounds: stress.length,
    reachedMax: stress.filter((s) => s.reachedMax).length,
    curve,
  }
}
