// The scaling summary of each scenario measured at several connection counts (a closed-loop sweep),
// from its entries: throughput and p99 against concurrency, the knee and the scaling efficiency
// (src/stats/scaling.ts has the definitions).
import { scaling } from '../stats/scaling.js'
import type { EntryResult, ScalingSummary } from './document.js'
import { entryLatency } from './entry-numbers.js'

/** One summary per scenario with two or more closed-loop levels, in the order the scenarios first appear. */
export function scalingSummaries(entries: readonly EntryResult[]): ScalingSummary[] {
  const byScenario = new Map<string, EntryResult[]>()
  for (const entry of entries) {
    if (entry.rate !== undefined || entry.stress !== undefined || entry.validRounds === 0) continue
    byScenario.set(entry.scenario, [...(byScenario.get(entry.scenario) ?? []), entry])
  }
  const summaries: ScalingSummary[] = []
  for (const [scenario, levels] of byScenario) {
    if (new Set(levels.map((e) => e.connections)).size < 2) continue
    const result = scaling(levels.map((e) => ({ connections: e.connections, rps: e.rps, p99: entryLatency(e).p99 })))
    summaries.push({
      scenario,
      points: result.points.map((p) => ({
        connections: p.connections,
        rps: p.rps,
        p99Us: p.p99,
        efficiency: Math.round(p.efficiency * 1e4) / 1e4,
      })),
      ...(result.knee === undefined ? {} : { kneeConnections: result.knee }),
    })
  }
  return summaries
}
