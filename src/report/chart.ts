// Mermaid charts for the pull request comment. GitHub draws ```mermaid blocks; everywhere else they
// stay readable as a few lines of numbers, so a chart never hides information the table lacks.
import type { EntryComparison } from '../compare/types.js'
import { clip } from './rows.js'

const PERCENTILES = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
] as const

const LATENCY_METRICS: ReadonlySet<string> = new Set(['p50', 'p90', 'p95', 'p99', 'p999'])

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
 * Charts for the entries whose latency regressed, in suite order, at most `limit` of them: a chart
 * for every entry would drown the comment.
 */
export function regressionCharts(entries: readonly EntryComparison[], limit = 2): string[] {
  const charts: string[] = []
  for (const entry of entries) {
    if (charts.length >= limit) break
    if (!entry.metrics.some((m) => m.verdict === 'regression' && LATENCY_METRICS.has(m.metric))) continue
    const chart = latencyChart(entry)
    if (chart !== undefined) charts.push(chart)
  }
  return charts
}
