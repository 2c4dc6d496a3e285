// The pull request comment (and job summary): GitHub-flavoured markdown from a comparison. Pure:
// data in, string out. The words come from rows.ts (and chart.ts for the charts); this file escapes
// them and adds the markup.
import { markdownTable } from 'markdown-table'
import type { Comparison } from '../compare/types.js'
import type { History } from '../history/document.js'
import { regressionCharts } from './chart.js'
import { trendChart, trendLines, trendSummary } from './trend-chart.js'
import type { CpuProfileReport } from '../profile/index.js'
import { FUNCTION_HEADER, functionRows, profileFacts, profileSummary, unavailableLine } from './cpu-profile.js'
import { comparisonProfileItems, profileRows } from './profile.js'
import type { Notice, ReportRow, RowKind } from './rows.js'
import { footerFacts, headline, notices, plural, profileNotes, reportRows, verdictWord } from './rows.js'

/** GitHub rejects comments over 65,536 characters; the default leaves room for a marker and edits. */
export const DEFAULT_MAX_LENGTH = 65_000

/** How to render the comment. */
export interface MarkdownOptions {
  /**
   * Upper bound on the length, in UTF-16 code units. That is never fewer than the code points
   * GitHub counts, so staying under it in JavaScript's `length` is safe. Default {@link DEFAULT_MAX_LENGTH}.
   */
  readonly maxLength?: number
  /** Hidden marker the sticky comment is found by, e.g. `<!-- cannonade:demo -->`; written verbatim as the first line. */
  readonly marker?: string
  readonly links?: {
    /** URL of the workflow run. */
    readonly run?: string
    /** URL of the artifact with the full report (report.html) and results. */
    readonly artifact?: string
  }
  /** The base branch's recent runs: each compared entry gets its trend, collapsed where unchanged. */
  readonly history?: History
  /** CPU profiles of the entries that got slower (same-job mode): a collapsed block each under the table. */
  readonly cpuProfiles?: CpuProfileReport
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }

/**
 * Makes untrusted text (scenario names, keys, the suite, machine descriptions) inert inside a table
 * cell, a paragraph or an HTML element of GitHub markdown: it renders as the same characters and
 * cannot end a cell, open a tag or comment (or fake the sticky-comment marker), start a code span,
 * emphasis, link, strikethrough or math, or notify anyone.
 *
 * - line breaks and tabs become spaces (a newline would end the table row);
 * - control and bidirectional-override characters are dropped;
 * - `&`, `<`, `>` become entities;
 * - `\`, `` ` ``, `*`, `_`, `[`, `]`, `~`, `|`, `$` get a backslash (in a GFM table `\|` is how a cell holds a pipe);
 * - `@` before a name character gets a zero-width joiner after it, so `@user` and `@org/team` are not mentions.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/\r\n|[\r\n\u2028\u2029\t\v\f]/g, ' ')
      // eslint-disable-next-line no-control-regex -- control characters are what this strips
      .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
      .replace(/[&<>]/g, (c) => HTML_ENTITIES[c] ?? c)
      .replace(/[\\`*_[\]~|$]/g, '\\$&')
      .replace(/@(?=[\w-])/g, '@\u200d')
  )
}

const OUTCOME_EMOJI: Record<Comparison['outcome'], string> = { pass: '✅', warn: '⚠️', fail: '❌' }

const VERDICT_EMOJI: Record<Exclude<RowKind, 'violation'>, string> = {
  regression: '🔴',
  improvement: '🟢',
  changed: '🔵',
  unchanged: '⚪',
  inconclusive: '🟡',
  new: '🆕',
  removed: '🗑️',
  unmeasurable: '❔',
}

const ALERT: Record<Notice['level'], string> = { note: 'NOTE', warning: 'WARNING', caution: 'CAUTION' }

const HEADER = ['Scenario', 'Load', 'Metric', 'Baseline → Current', 'Change (CI, 95 % unless marked)', 'Verdict']
const ALIGN = ['l', 'r', 'l', 'r', 'r', 'l']

function verdictCell(row: ReportRow): string {
  const emoji = row.kind === 'violation' ? (row.severity === 'warn' ? '⚠️' : '❌') : VERDICT_EMOJI[row.kind]
  return `${emoji} ${escapeMarkdown(verdictWord(row))}`
}

function rowCells(row: ReportRow, withDetail: boolean): string[] {
  const detail = withDetail && row.detail !== '' ? `<br><sub>${escapeMarkdown(row.detail)}</sub>` : ''
  return [
    escapeMarkdown(row.scenario),
    escapeMarkdown(row.load),
    escapeMarkdown(row.metric),
    escapeMarkdown(row.values),
    `${escapeMarkdown(row.change)}${detail}`,
    verdictCell(row),
  ]
}

/**
 * A table as its lines. Without aligned delimiters every line stands alone, so the table can be cut
 * after any row and stays small (padding thousands of rows to the widest cell would double them).
 */
function tableLines(header: readonly string[], align: readonly string[], rows: readonly string[][]): string[] {
  return markdownTable([[...header], ...rows], { align: [...align], alignDelimiters: false }).split('\n')
}

/** GitHub only renders a table inside an HTML block when blank lines separate them. */
function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`
}

/** Only http(s) URLs, with the characters that would end a markdown link destination percent-encoded. */
function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined
  return parsed.href.replace(/[()<>"'`|\\\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

/** Everything the comment can contain, rendered once; the size budget then picks what to keep. */
interface Parts {
  readonly top: readonly string[]
  readonly tableHead: readonly string[]
  readonly tableRows: readonly string[]
  readonly charts: readonly string[]
  /** One block per entry with a trend; `quiet` for entries with nothing in the main table. */
  readonly trends: readonly { readonly block: string; readonly quiet: boolean }[]
  /** Capacities and scaling summaries, one short line each. */
  readonly profiles: string
  readonly collapsed: readonly { readonly block: string; readonly dropped: string }[]
  readonly footer: string
  readonly artifactLink: string | undefined
  /** One row per load-profile finding; kept whatever the size budget, it is a handful of rows. */
  readonly profile: readonly string[]
  /** One collapsed block per profiled entry (what grew), kept while the charts are. */
  readonly cpuProfiles: readonly string[]
}

function buildParts(comparison: Comparison, options: MarkdownOptions): Parts {
  const head = headline(comparison)
  const top: string[] = []
  if (options.marker !== undefined) top.push(options.marker)
  top.push(
    `${OUTCOME_EMOJI[head.outcome]} **${escapeMarkdown(head.title)}** in <code>${escapeMarkdown(head.suite)}</code> — ${escapeMarkdown(head.sentence)}`,
  )
  for (const notice of notices(comparison)) top.push(`> [!${ALERT[notice.level]}]\n> ${escapeMarkdown(notice.text)}`)

  const rows = reportRows(comparison)
  const [h = '', d = '', ...tableRows] = tableLines(
    HEADER,
    ALIGN,
    rows.notable.map((r) => rowCells(r, true)),
  )

  const collapsed: { block: string; dropped: string }[] = []
  if (rows.unchanged.length > 0) {
    const summary = `${plural(rows.unchanged.length, 'more metric')} unchanged or within the noise`
    const table = tableLines(
      HEADER,
      ALIGN,
      rows.unchanged.map((r) => rowCells(r, false)),
    ).join('\n')
    const dropped = `${plural(rows.unchanged.length, 'more metric')} (unchanged or within the noise) not listed here`
    collapsed.push({ block: details(summary, table), dropped })
  }
  if (rows.measured.length > 0) {
    const summary = `${plural(rows.measured.length, 'entry', 'entries')} measured without a baseline`
    const cells = rows.measured.map((r) => [r.scenario, r.load, r.metric, r.values].map(escapeMarkdown))
    const table = tableLines(['Scenario', 'Load', 'Metric', 'Current'], ['l', 'r', 'l', 'r'], cells).join('\n')
    collapsed.push({ block: details(summary, table), dropped: `${summary} not listed here` })
  }

  const run = safeUrl(options.links?.run)
  const artifact = safeUrl(options.links?.artifact)
  const footerParts = footerFacts(comparison).map(escapeMarkdown)
  if (run !== undefined) footerParts.push(`[workflow run](${run})`)
  if (artifact !== undefined) footerParts.push(`[full report (report.html) and results](${artifact})`)

  const profileCells = profileRows(comparisonProfileItems(comparison)).map((r) => [
    r.severity === undefined ? '' : OUTCOME_EMOJI[r.severity],
    ...[r.scenario, r.load, r.finding, r.value, r.baseline].map(escapeMarkdown),
  ])
  return {
    top,
    profile:
      profileCells.length === 0
        ? []
        : tableLines(['', 'Scenario', 'Load', 'Profile finding', 'Current', 'Baseline'], ['l', 'l', 'r', 'l', 'l', 'l'], profileCells),
    tableHead: rows.notable.length > 0 ? [h, d] : [],
    tableRows,
    charts: comparison.baseline === undefined ? [] : regressionCharts(comparison.entries),
    trends: trendBlocks(comparison, rows.notable, options.history),
    profiles: profileNotes(comparison)
      .map((line) => `- ${escapeMarkdown(line)}`)
      .join('\n'),
    collapsed,
    footer: `<sub>${footerParts.join(' · ')}</sub>`,
    artifactLink: artifact,
    cpuProfiles: options.cpuProfiles === undefined ? [] : cpuProfileBlocks(options.cpuProfiles),
  }
}

// Per slower entry, the top functions whose CPU per request grew (src/profile/), collapsed.
function cpuProfileBlocks(report: CpuProfileReport): string[] {
  const blocks: string[] = []
  const unavailable = unavailableLine(report)
  if (unavailable !== undefined) blocks.push(`<sub>${escapeMarkdown(unavailable)}</sub>`)
  for (const entry of report.entries) {
    const summary = `🔥 Why <code>${escapeMarkdown(entry.key)}</code> got slower: ${escapeMarkdown(profileSummary(entry))}`
    const rows = functionRows(entry).map((r) => [r.rank, r.label, r.values, r.change, r.share].map(escapeMarkdown))
    const table = rows.length === 0 ? '' : tableLines(FUNCTION_HEADER, ['r', 'l', 'r', 'r', 'r'], rows).join('\n')
    const facts = profileFacts(report, entry).map((f) => `<sub>${escapeMarkdown(f)}</sub>`)
    blocks.push(details(summary, [table, ...facts].filter((b) => b !== '').join('\n\n')))
  }
  return blocks
}

/**
 * Each compared entry's trend over the base branch's history, open where the entry has a row in the
 * main table and collapsed where it is unchanged.
 */
function trendBlocks(comparison: Comparison, notable: readonly ReportRow[], history: History | undefined): Parts['trends'] {
  if (history === undefined || comparison.baseline === undefined) return []
  const keys = new Set(notable.map((r) => comparison.entries[r.order]?.key))
  return trendLines(comparison.entries, history).map((line) => {
    const quiet = !keys.has(line.key)
    const summary = `📈 ${escapeMarkdown(line.key)}: ${escapeMarkdown(trendSummary(line))}`
    const block = `<details${quiet ? '' : ' open'}><summary>${summary}</summary>\n\n${trendChart(line)}\n\n</details>`
    return { block, quiet }
  })
}

interface Selection {
  readonly rows: number
  readonly charts: boolean
  /** Every entry's trend, only those of entries in the main table, or none. */
  readonly trends: 'all' | 'notable' | 'none'
  readonly collapsed: boolean
}

function assemble(parts: Parts, pick: Selection): string {
  const artifact = parts.artifactLink === undefined ? 'the artifact' : `[the artifact](${parts.artifactLink})`
  const blocks: string[] = [...parts.top]
  const shown = Math.min(pick.rows, parts.tableRows.length)
  const hidden = parts.tableRows.length - shown
  if (shown > 0) blocks.push([...parts.tableHead, ...parts.tableRows.slice(0, shown)].join('\n'))
  if (hidden > 0) {
    blocks.push(
      shown > 0
        ? `… and ${plural(hidden, 'more row')} (see the full report in ${artifact})`
        : `${plural(hidden, 'row')} left out to fit the comment size limit (see the full report in ${artifact})`,
    )
  }
  if (parts.profiles !== '' && pick.collapsed) blocks.push(parts.profiles)
  if (parts.profile.length > 0) blocks.push(parts.profile.join('\n'))
  if (pick.charts) blocks.push(...parts.cpuProfiles)
  if (pick.charts) blocks.push(...parts.charts)
  if (pick.trends !== 'none') blocks.push(...parts.trends.filter((t) => pick.trends === 'all' || !t.quiet).map((t) => t.block))
  if (pick.collapsed) {
    blocks.push(...parts.collapsed.map((c) => c.block))
  } else if (parts.collapsed.length > 0) {
    const dropped = parts.collapsed.map((c) => c.dropped).join('; ')
    blocks.push(`<sub>${dropped} to keep the comment within GitHub's size limit; ${artifact} has the full report.</sub>`)
  }
  blocks.push(parts.footer)
  return `${blocks.join('\n\n')}\n`
}

/** The longest prefix of `text` within `max` UTF-16 units that does not split a surrogate pair. */
function cut(text: string, max: number): string {
  let end = 0
  for (const point of text) {
    if (end + point.length > max) break
    end += point.length
  }
  return text.slice(0, end)
}

/**
 * Renders a comparison as the sticky pull request comment: a headline with the verdict, caveats about
 * the baseline, a table of the rows that matter, charts of regressed latencies, each entry's trend
 * over the base branch's history (with `history`), the unchanged metrics
 * collapsed, and a footer with rounds, machines and noise.
 *
 * The result is at most `maxLength` long for any suite: when it would be longer, the trends of
 * unchanged entries go first, then the collapsed tables, then the other trends, then the charts, then rows from the end of the main table (the least important), with a
 * line saying how many rows were left out.
 */
export function renderMarkdown(comparison: Comparison, options: MarkdownOptions = {}): string {
  const maxLength =
    options.maxLength !== undefined && Number.isFinite(options.maxLength) ? Math.max(0, options.maxLength) : DEFAULT_MAX_LENGTH
  const parts = buildParts(comparison, options)
  const all = parts.tableRows.length
  const fits = (text: string): boolean => text.length <= maxLength

  for (const pick of [
    { rows: all, charts: true, trends: 'all', collapsed: true },
    { rows: all, charts: true, trends: 'notable', collapsed: true },
    { rows: all, charts: true, trends: 'notable', collapsed: false },
    { rows: all, charts: true, trends: 'none', collapsed: false },
    { rows: all, charts: false, trends: 'none', collapsed: false },
  ] as const) {
    const text = assemble(parts, pick)
    if (fits(text)) return text
  }

  // The length grows with the rows shown (give or take a digit of the "more rows" count), so a
  // binary search finds the most rows that fit in a dozen renders even for thousands of rows.
  const trimmed = (rows: number): string => assemble(parts, { rows, charts: false, trends: 'none', collapsed: false })
  if (fits(trimmed(0))) {
    let low = 0
    let high = all - 1
    while (low < high) {
      const middle = Math.ceil((low + high) / 2)
      if (fits(trimmed(middle))) low = middle
      else high = middle - 1
    }
    return trimmed(low)
  }

  // Only a limit smaller than the headline itself gets here; keep the marker so the comment is still found.
  return cut(`${parts.top.slice(0, options.marker === undefined ? 1 : 2).join('\n\n')}\n`, maxLength)
}
