// The sentence for a broken threshold or an entry with nothing valid to judge: the gate's data from
// compare/thresholds.ts, worded once for the terminal, the comment and the annotations; a regression's
// sentence is change.ts's, the same as the headline's.
import type { Violation } from '../compare/thresholds.js'
import type { Finding } from '../compare/types.js'
import { metricChangeSentence, probableSentence } from './change.js'
import { formatMetric } from './numbers.js'

/**
 * One sentence, e.g. `list users @ 10 conn: p99 62.1 ms is above the limit 50.000 ms`, or
 * `list users @ 10 conn: no valid round (connection refused)`.
 */
export function violationSentence(v: Violation): string {
  if (v.noValidRound !== undefined) return `${v.entry}: no valid round (${v.noValidRound.join('; ')})`
  const { metric, bound, limit } = v.threshold
  const side = bound === 'max' ? 'above the limit' : 'below the minimum'
  if (v.baseSlope !== undefined) {
    // Same-job soak: the growth the change adds over the base commit's, measured beside it.
    return `${v.entry}: ${metric} ${formatMetric(metric, v.actual)} more than the base commit's (${formatMetric(metric, v.baseSlope)}) is ${side} ${formatMetric(metric, limit)}`
  }
  return `${v.entry}: ${metric} ${formatMetric(metric, v.actual)} is ${side} ${formatMetric(metric, limit)}`
}

/** One sentence for a finding, for logs and annotations. */
export function findingSentence(finding: Finding): string {
  if (finding.kind === 'regression') return metricChangeSentence(finding.entry, finding.change)
  if (finding.kind === 'probable') return probableSentence(finding.entry, finding.change)
  return violationSentence(finding.violation)
}
