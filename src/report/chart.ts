// Mermaid charts for the pull request comment. GitHub draws ```mermaid blocks; everywhere else they
// stay readable as a few lines of numbers, so a chart never hides information the table lacks.
import type { EntryComparison } from '../compare/types.js'
import { isLatencyMetric } from '../config/plan.js'
import { clip } from './rows.js'

const PERCENTILES = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
] as const

/**
 * Text safe inside a double-quoted mermaid string. Mermaid has no escape for `"`, and `;`, `#`, `%%`,
 * backticks and brackets start statements, entities, comments, markdown strings and lists, so
 * everything but letters, digits and plain punctuation becomes a space.
 */
export function mermaidLabel(text: string, max = 60): string {
  const safe = text
    .replace(/[^\p{L}\p{N} @.,:/_+()'×-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return clip(safe, max)
}

/** µs to ms with three significant digits, written so mermaid's number token accepts it (no exponent). */
function milliseconds(us: number): string {
  if (!Number.isFinite(us) || us <= 0) return '0'
  const ms = Number((us / 1000).toPrecision(3))
  return ms >= 1e-6 ? String(ms) : '0'
}

/** A round axis maximum just above `value` (1, 2, 2.5 or 5 times a power of ten), so bars start at 0. */
function niceCeiling(value: number): number {
  if (!(value > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) return Number((step * power).toPrecision(3))
  }
  return 10 * power
}

/**
 * A bar-and-line chart of one entry's latency percentiles, baseline as bars and this run as a line
 * (mermaid's xychart has no legend, so the title says which is which), as a fenced block.
 *
 * @returns undefined when the entry has no baseline percentiles to draw against.
 */
export function latencyChart(entry: EntryComparison): string | undefined {
  const base = entry.percentiles?.base
  const head = entry.percentiles?.head
  if (base === undefined || head === undefined) return undefined
  const basePoints = PERCENTILES.map(([key]) => milliseconds(base[key]))
  const headPoints = PERCENTILES.map(([key]) => milliseconds(head[key]))
  const top = niceCeiling(Math.max(...[...basePoints, ...headPoints].map(Number)) * 1.05)
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidLabel(entry.key)} - latency ms (bars baseline, line this run)"`,
    `  x-axis "percentile" [${PERCENTILES.map(([, label]) => `"${label}"`).join(', ')}]`,
    `  y-axis "ms" 0 --> ${top}`,
    `  bar [${basePoints.join(', ')}]`,
    `  line [${headPoints.join(', ')}]`,
    '```',
  ].join('\n')
}

/**
 * A stress entry's latency-vs-load curve: p99 at each load both searches measured, baseline as bars
 * and this run as a line, as a fenced block. Only loads measured on both sides are drawn (xychart
 * lines cannot skip a point): the geometric steps up to where the first of them broke, and any
 * bisection step they share.
 *
 * @returns undefined without a baseline curve or with fewer than two shared loads.
 */
export function stressChart(entry: EntryComparison): string | undefined {
  const base = entry.stress?.base
  const head = entry.stress?.head
  if (base === undefined || head === undefined) return undefined
  const headAt = new Map(head.curve.map((p) => [p.load, p]))
  const shared = base.curve.flatMap((b) => {
    const h = headAt.get(b.load)
    return h === undefined ? [] : [{ load: b.load, base: b.p99Us, head: h.p99Us }]
  })
  if (shared.length < 2) return undefined
  const basePoints = shared.map((p) => milliseconds(p.base))
  const headPoints = shared.map((p) => milliseconds(p.head))
  const top = niceCeiling(Math.max(...[...basePoints, ...headPoints].map(Number)) * 1.05)
  const unit = head.loop === 'rate' ? 'offered req/s' : 'connections'
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidLabel(entry.key)} - p99 ms by load (bars baseline, line this run)"`,
    `  x-axis "${unit}" [${shared.map((p) => `"${String(p.load)}"`).join(', ')}]`,
    `  y-axis "p99 ms" 0 --> ${top}`,
    `  bar [${basePoints.join(', ')}]`,
    `  line [${headPoints.join(', ')}]`,
    '```',
  ].join('\n')
}

/** The chart of an entry: its latency-vs-load curve for a stress entry, else its latency percentiles. */
function entryChart(entry: EntryComparison): string | undefined {
  return entry.stress === undefined ? latencyChart(entry) : stressChart(entry)
}

// Lower is charted first: what fails the check, then what warns, regressions before threshold violations.
const GATED_FAIL_REGRESSION = 0
const GATED_WARN_REGRESSION = 1
const FAIL_VIOLATION = 2
const WARN_VIOLATION = 3

/** How much the headline is about an entry; undefined when it has no gated finding at all. */
function priority(entry: EntryComparison): number | undefined {
  const gated = entry.metrics.filter((m) => m.gated && m.verdict === 'regression')
  if (gated.some((m) => m.severity === 'fail')) return GATED_FAIL_REGRESSION
  if (gated.length > 0) return GATED_WARN_REGRESSION
  // A latency chart says nothing about a throughput minimum or an error rate: only latency limits count.
  const latency = entry.violations.filter((v) => isLatencyMetric(v.metric))
  if (latency.some((v) => v.severity === 'fail')) return FAIL_VIOLATION
  if (latency.length > 0) return WARN_VIOLATION
  return undefined
}

/** The largest gated regression of an entry, so the one the headline names is charted first. */
function largestGatedChange(entry: EntryComparison): number {
  return Math.max(0, ...entry.metrics.filter((m) => m.gated && m.verdict === 'regression').map((m) => Math.abs(m.change)))
}

/**
 * Charts for what the headline is about, at most `limit` of them (a chart for every entry would drown
 * the comment): entries with a gated regression first (failing before warning, larger change first),
 * then entries that violate an absolute latency threshold. An entry whose only news is an ungated change
 * within the noise never takes a chart from one that decided the check. A stress entry is drawn as its
 * latency-vs-load curve; when none was charted for a finding, the first stress entry's curve is added.
 */
export function regressionCharts(entries: readonly EntryComparison[], limit = 2): string[] {
  const ranked = entries
    .map((entry, order) => ({ entry, order, priority: priority(entry), change: largestGatedChange(entry) }))
    .filter((r): r is typeof r & { priority: number } => r.priority !== undefined)
    .sort((a, b) => a.priority - b.priority || b.change - a.change || a.order - b.order)
  const charts: string[] = []
  const charted = new Set<EntryComparison>()
  for (const { entry } of ranked) {
    if (charts.length >= limit) break
    const chart = entryChart(entry)
    if (chart === undefined) continue
    charts.push(chart)
    charted.add(entry)
  }
  // A stress entry's curve is its finding even when nothing regressed: one more chart for the first.
  const stressed = entries.find((e) => !charted.has(e) && e.stress?.base !== undefined && stressChart(e) !== undefined)
  const curve = stressed === undefined ? undefined : stressChart(stressed)
  if (curve !== undefined && ![...charted].some((e) => e.stress !== undefined)) charts.push(curve)
  return charts
}
