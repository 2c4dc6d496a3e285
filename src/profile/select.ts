// Which entries deserve a profiled round: those a CPU profile can explain, i.e. that got slower.
import type { ComparedMetric, Comparison, MetricComparison } from '../compare/types.js'

// Errors and memory are no CPU: a profile cannot say why they changed.
const NOT_CPU: ReadonlySet<ComparedMetric> = new Set(['errorRate', 'rss'])

/**
 * Whether a metric says the entry got slower: a regression, or undecided with an estimate on the bad
 * side beyond twice its tolerance (the bar at which an undecided gated metric warns as "probable").
 */
export function slower(metric: MetricComparison): boolean {
  if (NOT_CPU.has(metric.metric)) return false
  if (metric.verdict === 'regression') return true
  if (metric.verdict !== 'inconclusive' || !metric.relative) return false
  const bad = metric.direction === 'lower-is-better' ? metric.change : -metric.change
  return metric.probable === true || bad >= 2 * metric.tolerance
}

/** Keys of the compared entries with a metric that got slower, in the comparison's order. */
export function entriesToProfile(comparison: Pick<Comparison, 'entries'>): string[] {
  return comparison.entries.filter((e) => e.status === 'compared' && e.metrics.some(slower)).map((e) => e.key)
}
