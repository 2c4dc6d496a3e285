// A compared metric's change in words, once for every place that shows it: the report's table and
// headline, the log, the annotations and the failure message of the check.
import type { MetricComparison } from '../compare/types.js'
import { metricLabel } from './numbers.js'

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
 * A metric's change with its interval in short form: `+24.1 % (+18.0 … +30.2)`, or `+1.20 pp (+0.80 … +1.60)`
 * for the error rate, whose change is an absolute difference because a baseline of no errors has no
 * ratio. An interval at another level than 95 % (the alarm level that decided a comparison of
 * separate runs) says its level: `-58.3 % (-81.7 … +7.9 at 98.9 %)`.
 */
export function formatChange(m: Pick<MetricComparison, 'change' | 'low' | 'high' | 'relative' | 'confidence'>): string {
  if (Number.isNaN(m.change)) return 'n/a'
  const unit = changeUnit(m.relative)
  const level = m.confidence === undefined || Math.abs(m.confidence - 0.95) < 1e-9 ? '' : ` at ${confidenceLabel(m)}`
  return `${changeNumber(m.change, m.relative)}${unit} (${changeNumber(m.low, m.relative)} … ${changeNumber(m.high, m.relative)}${level})`
}

/** `95 %`, `98.9 %`: the level of a metric's interval (95 % for paired rounds, which show that sequence). */
export function confidenceLabel(m: Pick<MetricComparison, 'confidence'>): string {
  const level = (m.confidence ?? 0.95) * 100
  const text = level >= 99.95 ? level.toFixed(2) : level.toFixed(1)
  return `${text.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1')} %`
}

/** The change in sentence form: `+24.1 % (95 % CI +18.0 % to +30.2 %)`, with the level that decided. */
export function changeSentence(m: MetricComparison): string {
  const unit = changeUnit(m.relative)
  const ci = `${confidenceLabel(m)} CI ${changeNumber(m.low, m.relative)}${unit} to ${changeNumber(m.high, m.relative)}${unit}`
  return `${changeNumber(m.change, m.relative)}${unit} (${ci})`
}

/** `2.6× slower`, `1.4× worse`: how many times worse a change is, for an undecided gross change. */
export function timesWorse(m: Pick<MetricComparison, 'metric' | 'change' | 'direction'>): string {
  const ratio = 1 + m.change
  const factor = m.direction === 'higher-is-better' ? 1 / ratio : ratio
  const speed = m.metric === 'rps' || m.metric === 'capacity' || m.metric.startsWith('p')
  return `${Number.isFinite(factor) ? factor.toFixed(1) : '∞'}× ${speed ? 'slower' : 'worse'}`
}

/**
 * An undecided change that is probably far worse, and why it was not decided:
 * `search @ 10 conn: throughput probably 2.6× slower (-61.5 %), not decided because its 98.9 % CI
 * -88.0 % to +23.1 % still includes no change: base and head are separate runs, which drift apart by
 * up to ±39 % (assumed, 1 run of history)`.
 */
export function probableSentence(entryKey: string, m: MetricComparison): string {
  const unit = changeUnit(m.relative)
  const ci = `${confidenceLabel(m)} CI ${changeNumber(m.low, m.relative)}${unit} to ${changeNumber(m.high, m.relative)}${unit}`
  const drift = m.runToRun
  const why =
    drift === undefined
      ? 'too few rounds so far'
      : `base and head are separate runs, which drift apart by up to ±${(Math.expm1(2 * Math.SQRT2 * drift.sigma) * 100).toFixed(0)} % (${
          drift.assumed ? `assumed, ${drift.runs} ${drift.runs === 1 ? 'run' : 'runs'} of history` : `from ${drift.runs} runs of history`
        })`
  return `${entryKey}: ${comparedMetricLabel(m.metric)} probably ${timesWorse(m)} (${changeNumber(m.change, m.relative)}${unit}), not decided because its ${ci} still includes no change: ${why}`
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
