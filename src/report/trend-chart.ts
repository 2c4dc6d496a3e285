// The trend of each compared entry in the pull request comment: a mermaid line of the base
// branch's last runs (from history.json) with this pull request's value as the final point. Pure.
import type { ComparedMetric, EntryComparison, MetricComparison } from '../compare/types.js'
import { seriesOf } from '../history/build.js'
import type { History } from '../history/document.js'
import { isLatencyMetric } from '../config/plan.js'
import { mermaidLabel } from './chart.js'
import { comparedMetricLabel } from './change.js'

/** Base-branch runs a trend shows: enough to see a step, few enough to read the axis. */
export const TREND_RUNS = 20

/** One entry's trend, ready to draw. */
export interface TrendLine {
  readonly key: string
  readonly metric: ComparedMetric
  /** The base branch's medians, oldest first, each with the commit (or run) it measured. */
  readonly base: readonly { readonly label: string; readonly value: number }[]
  /** This pull request's median. */
  readonly head: number
}

// The metric a reader of the row looks at: what regressed or improved (gated first), else the
// latency tail, then the median, then throughput.
const FALLBACK: readonly ComparedMetric[] = ['p99', 'p50', 'rps']

function chartedMetric(entry: EntryComparison): MetricComparison | undefined {
  const moved = (m: MetricComparison): boolean => m.verdict === 'regression' || m.verdict === 'improvement'
  return (
    entry.metrics.find((m) => m.gated && moved(m)) ??
    entry.metrics.find(moved) ??
    FALLBACK.map((metric) => entry.metrics.find((m) => m.metric === metric)).find((m) => m !== undefined)
  )
}

/**
 * The trend of each compared entry over the last `runs` base-branch runs of `history`, in the
 * comparison's order; entries with fewer than two runs of history have none.
 */
export function trendLines(entries: readonly EntryComparison[], history: History, runs = TREND_RUNS): TrendLine[] {
  const lines: TrendLine[] = []
  for (const entry of entries) {
    if (entry.status !== 'compared') continue
    const metric = chartedMetric(entry)
    if (metric === undefined || !Number.isFinite(metric.head)) continue
    const series = seriesOf(history, entry.key, metric.metric).slice(-runs)
    if (series.length < 2) continue
    lines.push({
      key: entry.key,
      metric: metric.metric,
      base: series.map(({ run, point }) => ({
        label: run.sha?.slice(0, 7) ?? (run.runId === undefined ? run.date.slice(0, 10) : `run ${run.runId}`),
        value: point.median,
      })),
      head: metric.head,
    })
  }
  return lines
}

// The unit a metric is charted in, and its value in that unit (three significant digits, no exponent).
function unitOf(metric: ComparedMetric): { name: string; scale: (v: number) => number } {
  if (isLatencyMetric(metric)) return { name: 'ms', scale: (us) => us / 1000 }
  if (metric === 'rps') return { name: 'req/s', scale: (v) => v }
  if (metric === 'cpu') return { name: 'µs CPU per request', scale: (v) => v }
  if (metric === 'rss') return { name: 'MB', scale: (b) => b / (1024 * 1024) }
  return { name: '%', scale: (f) => f * 100 }
}

function chartNumber(value: number): string {
  if (!Number.isFinite(value) || value <= 0) return '0'
  const rounded = Number(value.toPrecision(3))
  // Mermaid's number token has no exponent: below a millionth is nothing on these axes anyway.
  return rounded >= 1e-6 ? String(rounded) : '0'
}

/**
 * A trend as a fenced mermaid `xychart-beta`: one line through the base branch's runs and on to
 * this pull request (the last point, on the axis as `PR`), and a bar at the pull request's value
 * alone, so the point stands out where mermaid has no markers or legend.
 */
export function trendChart(line: TrendLine): string {
  const unit = unitOf(line.metric)
  const base = line.base.map((p) => chartNumber(unit.scale(p.value)))
  const head = chartNumber(unit.scale(line.head))
  const top = chartNumber(Math.max(...[...base, head].map(Number)) * 1.1)
  return [
    '```mermaid',
    // Twenty commit labels overlap at mermaid's default width and font (its category axis does not rotate).
    '---',
    'config:',
    '  xyChart:',
    '    width: 1000',
    '    xAxis:',
    '      labelFontSize: 10',
    '---',
    'xychart-beta',
    `  title "${mermaidLabel(line.key)} - ${mermaidLabel(comparedMetricLabel(line.metric), 30)}, last ${line.base.length} base runs, then this PR (bar)"`,
    `  x-axis [${[...line.base.map((p) => `"${mermaidLabel(p.label, 12)}"`), '"PR"'].join(', ')}]`,
    `  y-axis "${mermaidLabel(unit.name, 20)}" 0 --> ${top === '0' ? '1' : top}`,
    `  bar [${[...base.map(() => '0'), head].join(', ')}]`,
    `  line [${[...base, head].join(', ')}]`,
    '```',
  ].join('\n')
}

/** What a trend shows, for its heading: `latency p99 over the last 20 base-branch runs and this pull request`. */
export function trendSummary(line: TrendLine): string {
  return `${comparedMetricLabel(line.metric)} over the last ${line.base.length} base-branch runs and this pull request`
}
