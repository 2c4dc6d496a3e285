// The sentence for a broken threshold or an entry with nothing valid to judge: the gate's data from
// compare/thresholds.ts, worded once for the terminal, the comment and the annotations; a regression's
// sentence is change.ts's, the same as the headline's.
import type { SlopeJudgement, Violation } from '../compare/thresholds.js'
import type { Finding } from '../compare/types.js'
import { metricChangeSentence, probableSentence } from './change.js'
import { formatMetric } from './numbers.js'

/**
 * One sentence, e.g. `list users @ 10 conn: p99 62.1 ms is above the limit 50.000 ms`, or
 * `list users @ 10 conn: no valid round (connection refused)`.
 */
export function violationSentence(v: Violation): string {
  if (v.noValidRound !== undefined) return `${v.entry}: no valid round (${v.noValidRound.join('; ')})`
  if (v.failedRounds !== undefined) {
    const { over, of } = v.failedRounds
    return `${v.entry}: ${formatMetric('errorRate', v.actual)} of the requests of all ${of} rounds failed, above validity.maxErrorRate ${formatMetric('errorRate', v.threshold.limit)} (${over} of the ${of} rounds over it on their own): the app is failing, not slow`
  }
  if (v.slope?.state === 'probable') return probableSlopeSentence(v.entry, v.slope)
  const { metric, bound, limit } = v.threshold
  const side = bound === 'max' ? 'above the limit' : 'below the minimum'
  // A leak found in a Node app's heap after full collections, not in its RSS.
  const what = v.slope?.series === 'heap' ? `${metric} (JS heap after full GC)` : metric
  if (v.baseSlope !== undefined) {
    // Same-job soak: the growth the change adds over the base commit's, measured beside it.
    return `${v.entry}: ${what} ${formatMetric(metric, v.actual)} more than the base commit's (${formatMetric(metric, v.baseSlope)}) is ${side} ${formatMetric(metric, limit)}`
  }
  return `${v.entry}: ${what} ${formatMetric(metric, v.actual)} is ${side} ${formatMetric(metric, limit)}`
}

/** One sentence for a finding, for logs and annotations. */
export function findingSentence(finding: Finding): string {
  if (finding.kind === 'regression') return metricChangeSentence(finding.entry, finding.change)
  if (finding.kind === 'probable') return probableSentence(finding.entry, finding.change)
  return violationSentence(finding.violation)
}

function signed(metric: SlopeJudgement['metric'], value: number): string {
  return value < 0 ? `−${formatMetric(metric, -value)}` : `+${formatMetric(metric, value)}`
}

/**
 * A soak slope not decided but probably far beyond its limit, and why it was not decided, e.g.
 * `cache soak @ 100 req/s: leak probably +7.5 MB/min (over twice the limit 1.0 MB/min), not decided
 * because its 95 % interval −2.6 GB/min … +255.0 MB/min still reaches below the limit: the memory
 * series was worth 4 independent points of its 90 (it stepped or fell back instead of climbing);
 * a longer soak decides`.
 */
export function probableSlopeSentence(entry: string, j: SlopeJudgement): string {
  const what = j.metric === 'drift' ? 'p99 drift' : j.series === 'heap' ? 'leak (JS heap after full GC)' : 'leak'
  const added = j.baseSlope === undefined ? '' : ` more than the base commit's (${signed(j.metric, j.baseSlope)})`
  const { judged, threshold } = j
  const worth =
    judged.effectivePoints === undefined || judged.effectivePoints >= judged.points / 2
      ? ''
      : `: the ${j.series === 'p99' ? 'p99' : j.series === 'heap' ? 'heap' : 'memory'} series was worth ${Math.round(judged.effectivePoints)} independent points of its ${judged.points} (it stepped or fell back instead of climbing)`
  return (
    `${entry}: ${what} probably ${signed(j.metric, judged.perMinute)}${added} (over twice the limit ${formatMetric(j.metric, threshold.limit)}), ` +
    `not decided because its 95 % interval ${signed(j.metric, judged.low)} … ${signed(j.metric, judged.high)} still reaches below the limit${worth}; a longer soak decides`
  )
}
