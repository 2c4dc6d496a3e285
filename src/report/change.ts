// A compared metric's change in words, once for every place that shows it: the report's table and
// headline, the log, the annotations and the failure message of the check.
import type { MetricComparison } from '../compare/types.js'
import { metricLabel } from './format.js'

/** A number with an explicit sign; zero after rounding has none, so `0.0` never reads as a change. */
function signed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'n/a'
  if (!Number.isFinite(value)) return value > 0 ? '+∞' : '-∞'
  const text = Math.abs(value).toFixed(digits)
  if (Number(text) === 0) return text
  return `${value > 0 ? '+' : '-'}${text}`
}

/** Relative changes are percent with one decimal; absolute ones (error rate) percentage points with two. */
function changeNumber(value: number, relative: boolean): string {
  return signed(value * 100, relative ? 1 : 2)
}

function changeUnit(relative: boolean): string {
  return relative ? ' %' : ' pp'
}

/**
 * A metric's change with its 95 % CI in short form: `+24.1 % (+18.0 … +30.2)`, or `+1.20 pp (+0.80 … +1.60)`
 * for the error rate, whose change is an absolute difference because a baseline of no errors has no ratio.
 */
export function formatChange(m: Pick<MetricComparison, 'change' | 'low' | 'high' | 'relative'>): string {
  if (Number.isNaN(m.change)) return 'n/a'
  const unit = changeUnit(m.relative)
  return `${changeNumber(m.change, m.relative)}${unit} (${changeNumber(m.low, m.relative)} … ${changeNumber(m.high, m.relative)})`
}

/** The change in sentence form: `+24.1 % (95 % CI +18.0 % to +30.2 %)`. */
export function changeSentence(m: MetricComparison): string {
  const unit = changeUnit(m.relative)
  const ci = `95 % CI ${changeNumber(m.low, m.relative)}${unit} to ${changeNumber(m.high, m.relative)}${unit}`
  return `${changeNumber(m.change, m.relative)}${unit} (${ci})`
}

/**
 * The label of a compared metric; CPU gets its per-request unit, and memory its statistic (the
 * rounds' mean RSS, where an absolute threshold judges the peak), which metricLabel cannot know.
 */
export function comparedMetricLabel(metric: MetricComparison['metric']): string {
  if (metric === 'cpu') return 'server CPU per request'
  return metric === 'rss' ? 'server mean RSS' : metricLabel(metric)
}

/**
 * One metric's change as a sentence, the same in the comment's headline and in the log and annotations:
 * `search @ 10 conn: latency p99 +24.1 % (95 % CI +18.0 % to +30.2 %)`.
 */
export function metricChangeSentence(entryKey: string, m: MetricComparison): string {
  return `${entryKey}: ${comparedMetricLabel(m.metric)} ${changeSentence(m)}`
}
