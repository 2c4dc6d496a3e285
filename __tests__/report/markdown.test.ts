import { describe, expect, it } from 'vitest'
import { hasCmark, renderGfm } from '../helpers/cmark.js'
import type { Violation } from '../../src/compare/thresholds.js'
import type { Comparison, EntryComparison } from '../../src/compare/types.js'
import { latencyChart, mermaidLabel } from '../../src/report/chart.js'
import { escapeMarkdown, renderMarkdown } from '../../src/report/markdown.js'
import { renderText } from '../../src/report/text.js'
import {
  hostileScenario,
  largeComparison,
  machineMismatch,
  metric,
  noBaseline,
  realistic,
} from '../../__fixtures__/comparisons/realistic.js'

const ZWJ = '\u200d'
const MARKER = '<!-- cannonade:demo -->'
const links = {
  run: 'https://github.com/acme/shop/actions/runs/13000000001',
  artifact: 'https://github.com/acme/shop/actions/runs/13000000001/artifacts/2590000001',
}

/** Cells of a GFM table line, split where GitHub splits them: at every pipe without a backslash before it. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim())
}

/** The data rows (cells) of every table in a piece of markdown, header and delimiter rows left out. */
function dataRows(markdown: string): string[][] {
  const lines = markdown.split('\n')
  return lines
    .map((line, i) => ({ line, i }))
    .filter(({ line, i }) => line.startsWith('|') && !/^\|[\s:|-]+\|$/.test(line) && !/^\|[\s:|-]+\|$/.test(lines[i + 1] ?? ''))
    .map(({ line }) => cells(line))
}

function section(markdown: string, from: string, to: string): string {
  const start = markdown.indexOf(from)
  const end = markdown.indexOf(to, start)
  if (start < 0 || end < 0) throw new Error(`no section from ${from} to ${to}`)
  return markdown.slice(start, end + to.length)
}

function mainTable(markdown: string): string {
  const start = markdown.indexOf('| Scenario |')
  const end = markdown.indexOf('\n\n', start)
  return markdown.slice(start, end < 0 ? undefined : end)
}

function allUnchanged(): Comparison {
  const entries: EntryComparison[] = realistic.entries
    .filter((e) => e.status === 'compared')
    .map((e) => ({ ...e, metrics: e.metrics.map((m) => ({ ...m, verdict: 'unchanged' as const })), violations: [] }))
  const unchanged = entries.reduce((n, e) => n + e.metrics.length, 0)
  return {
    ...realistic,
    entries,
    findings: [],
    outcome: 'pass',
    counts: { regressions: 0, improvements: 0, unchanged, inconclusive: 0, violations: 0 },
  }
}

describe('renderMarkdown on a realistic comparison', () => {
  const markdown = renderMarkdown(realistic, { marker: MARKER, links })

  it('matches the reviewed rendering', async () => {
    await expect(markdown).toMatchFileSnapshot('./__snapshots__/realistic.md')
  })

  it('starts with the marker, then the verdict, the suite and the worst regression with its CI', () => {
    const lines = markdown.split('\n')
    expect(lines[0]).toBe(MARKER)
    expect(lines[1]).toBe('')
    expect(lines[2]).toBe(
      '❌ **Cannonade: 1 regression, 1 threshold warning** in <code>demo</code> — search @ 10 conn: latency p99 +24.1 % (95 % CI +18.0 % to +30.2 %)',
    )
  })

  it('puts the failing p99 regression first, with base, head, change, CI, tolerance and p-value', () => {
    const [first] = dataRows(mainTable(markdown))
    expect(first).toEqual([
      'search',
      '10 conn',
      'latency p99',
      '8.100 ms → 10.05 ms',
      '+24.1 % (+18.0 … +30.2)<br><sub>tolerance 15 % · p = 0.008 · 1 outlier round</sub>',
      '🔴 regression',
    ])
  })

  it('lists every row that matters in the main table, by importance', () => {
    const verdicts = dataRows(mainTable(markdown)).map((row) => row[5])
    expect(verdicts).toEqual(['🔴 regression', '⚠️ threshold warning', '🟢 improvement', '🟡 inconclusive', '🆕 new', '🗑️ removed'])
    const warning = dataRows(mainTable(markdown))[1]
    expect(warning?.slice(0, 5)).toEqual(['list users', '1 conn', 'throughput (req/s)', '472 req/s', 'minimum ≥ 500 req/s'])
  })

  it('collapses the unchanged metrics, and only them, into <details> with blank lines around the table', () => {
    const unchanged = realistic.counts.unchanged
    expect(unchanged).toBe(28)
    const details = section(
      markdown,
      `<details><summary>${unchanged} more metrics unchanged or within the noise</summary>\n\n| Scenario |`,
      '|\n\n</details>',
    )
    const rows = dataRows(details)
    expect(rows).toHaveLength(unchanged)
    expect(rows.every((row) => row[5] === '⚪ unchanged')).toBe(true)
    expect(mainTable(markdown)).not.toContain('⚪')
  })

  it('shows server CPU per request in µs and the error rate change in percentage points', () => {
    const rows = dataRows(markdown)
    const cpu = rows.find((row) => row[0] === 'search' && row[2] === 'server CPU per request')
    expect(cpu?.[3]).toBe('412 µs/req → 418 µs/req')
    const errors = rows.find((row) => row[0]?.startsWith('admin') && row[2] === 'error rate')
    expect(errors?.[3]).toBe('0.04 % → 0.06 %')
    expect(errors?.[4]).toBe('+0.02 pp (-0.03 … +0.08)')
  })

  it('keeps six cells in every row, including the one named with a pipe, markup and a mention', () => {
    const rows = dataRows(markdown)
    expect(rows.length).toBe(6 + 28)
    for (const row of rows) expect(row).toHaveLength(6)
    const hostile = rows.filter((row) => row[0]?.startsWith('admin'))
    expect(hostile).toHaveLength(4)
    expect(hostile[0]?.[0]).toBe(`admin \\| &lt;b&gt;export&lt;/b&gt; \\\`csv\\\` @${ZWJ}octocat`)
    expect(markdown).not.toContain('<b>')
    expect(markdown).not.toContain('@octocat')
  })

  it('draws the regressed entry’s latency percentiles, baseline as bars and this run as a line, in ms', () => {
    const chart = section(markdown, '```mermaid', '\n```')
    expect(chart).toContain('xychart-beta')
    expect(chart).toContain('title "search @ 10 conn - latency ms (bars baseline, line this run)"')
    expect(chart).toContain('bar [4.95, 6.87, 8.1, 14.8]')
    expect(chart).toContain('line [5.12, 7.41, 10.1, 16]')
    expect(chart).toContain('y-axis "ms" 0 --> 20')
    expect(markdown.match(/```mermaid/g)).toHaveLength(1)
  })

  it('ends with a small-print footer: rounds, machines, noise, detectable change, method, links', () => {
    const footer = markdown.trimEnd().split('\n').at(-1) ?? ''
    expect(footer.startsWith('<sub>') && footer.endsWith('</sub>')).toBe(true)
    expect(footer).toContain('5 rounds per entry')
    expect(footer).toContain('this run: 9b8e7d6 on AMD EPYC 7763 64-Core Processor, 4 cores')
    expect(footer).toContain('4f1c2d9 on the same kind of machine')
    expect(footer).toContain('median round-to-round CV of req/s 2.4 %')
    expect(footer).toContain('smallest detectable change of req/s: 4.7 %')
    expect(footer).toContain('Mann-Whitney U')
    expect(footer).toContain(`[workflow run](${links.run})`)
    expect(footer).toContain(`[full report (report.html) and results](${links.artifact})`)
  })
})

describe('renderMarkdown in other situations', () => {
  it('says plainly that there is no baseline and only absolute thresholds were checked', () => {
    const markdown = renderMarkdown(noBaseline)
    const first = markdown.split('\n')[0] ?? ''
    expect(first.startsWith('⚠️ **Cannonade: 1 threshold warning** in <code>demo</code> — ')).toBe(true)
    expect(first).toContain(
      'there is no baseline yet (no successful run of cannonade.yml on main has uploaded the cannonade-demo artifact), so only absolute thresholds were checked',
    )
    expect(markdown).not.toContain('```mermaid')
    expect(markdown).not.toContain('🆕')
    const measured = section(markdown, '<details><summary>4 entries measured without a baseline</summary>', '</details>')
    expect(dataRows(measured)).toContainEqual(['search', '10 conn', 'latency p50 / p99', '5.120 ms / 10.05 ms'])
    expect(markdown).not.toContain('Mann-Whitney')
  })

  it('says "no baseline yet" when there is neither a baseline nor a violation', () => {
    const quiet: Comparison = {
      ...noBaseline,
      entries: noBaseline.entries.map((e) => ({ ...e, violations: [] })),
      findings: [],
      outcome: 'pass',
    }
    const first = renderMarkdown(quiet).split('\n')[0]
    expect(first).toBe(
      '✅ **Cannonade: no baseline yet** in <code>demo</code> — no successful run of cannonade.yml on main has uploaded the cannonade-demo artifact, so only absolute thresholds were checked; none was violated',
    )
  })

  it('warns that the baseline ran on another machine and says what was done about it', () => {
    const markdown = renderMarkdown(machineMismatch)
    const alert = section(markdown, '> [!WARNING]\n> ', '\n\n')
    expect(alert).toContain('The baseline ran on a different machine')
    expect(alert).toContain('2 vs 4 cores')
    expect(alert).toContain('regressions are reported as warnings')
    expect(markdown.startsWith('⚠️ **Cannonade: 1 regression, 1 threshold warning**')).toBe(true)
    expect(dataRows(mainTable(markdown))[0]?.[5]).toBe('🔴 regression (warning)')
  })

  it('uses a note, not a warning, when the machine differs but nothing was downgraded', () => {
    const widened: Comparison = {
      ...machineMismatch,
      ...(machineMismatch.baseline === undefined ? {} : { baseline: { ...machineMismatch.baseline, downgraded: false } }),
    }
    const markdown = renderMarkdown(widened)
    expect(markdown).toContain('> [!NOTE]\n> The baseline ran on a different machine')
    expect(markdown).not.toContain('reported as warnings')
  })

  it('reports a quiet pass without a main table', () => {
    const markdown = renderMarkdown(allUnchanged())
    expect(markdown.split('\n')[0]).toBe(
      '✅ **Cannonade: no regressions** in <code>demo</code> — 12 of 12 gated metrics decided (12 unchanged)',
    )
    // A run that crashed or was stopped never gets a ✅, whatever it measured before it stopped.
    const crashed = renderMarkdown({ ...allUnchanged(), head: { ...allUnchanged().head, incomplete: 'the app exited with code 1' } })
    expect(crashed.split('\n')[0]).toBe(
      '⚠️ **Cannonade: run incomplete** in <code>demo</code> — 12 of 12 gated metrics decided (12 unchanged); the run stopped early',
    )
    expect(markdown.indexOf('| Scenario |')).toBeGreaterThan(
      markdown.indexOf('<details><summary>31 more metrics unchanged or within the noise</summary>'),
    )
  })

  it('names the best improvement when nothing regressed', () => {
    const comparison = allUnchanged()
    const entries = comparison.entries.map((e) => (e.key === 'list users @ 10 conn' ? (realistic.entries[1] ?? e) : e))
    const markdown = renderMarkdown({ ...comparison, entries, counts: { ...comparison.counts, unchanged: 30, improvements: 1 } })
    expect(markdown.split('\n')[0]).toBe(
      '✅ **Cannonade: no regressions** in <code>demo</code> — 12 of 12 gated metrics decided (11 unchanged, 1 improved); best: list users @ 10 conn: throughput (req/s) +8.2 % (95 % CI +5.1 % to +11.0 %)',
    )
  })

  it('words a clear change of an ungated metric as its own kind, which never leads the headline', () => {
    const comparison = allUnchanged()
    const [entry, ...rest] = comparison.entries
    if (entry === undefined) throw new Error('fixture has no entries')
    const p90 = metric('p90', 2310, 2780, [0.12, 0.29], 'regression', { pValue: 0.0079 })
    const withP90 = { ...entry, metrics: entry.metrics.map((m) => (m.metric === 'p90' ? p90 : m)) }
    const markdown = renderMarkdown({
      ...comparison,
      entries: [withP90, ...rest],
      counts: { ...comparison.counts, unchanged: 30, regressions: 1 },
    })
    expect(markdown.split('\n')[0]).toBe(
      '✅ **Cannonade: no regressions** in <code>demo</code> — 12 of 12 gated metrics decided (12 unchanged), 1 changed (not gated)',
    )
    expect(markdown).not.toContain('regression (not gated)')
    expect(dataRows(mainTable(markdown))[0]?.slice(4)).toEqual([
      '+20.3 % (+12.0 … +29.0)<br><sub>worse, not gated · p = 0.008</sub>',
      '🔵 changed (not gated)',
    ])
  })

  it('gives each load-profile finding one row, flagged when its threshold broke, in the comment and the log', () => {
    const comparison = allUnchanged()
    const [entry, ...rest] = comparison.entries
    if (entry === undefined) throw new Error('fixture has no entries')
    const leak: Violation = {
      entry: entry.key,
      metric: 'leak',
      severity: 'fail',
      actual: 3.1 * 1024 ** 2,
      threshold: { metric: 'leak', bound: 'max', limit: 1024 ** 2, severity: 'fail' },
    }
    const soak = {
      ...entry,
      violations: [leak],
      findings: {
        kind: 'soak',
        rss: { perMinute: 3.1 * 1024 ** 2, low: 2.8 * 1024 ** 2, high: 3.4 * 1024 ** 2, points: 300 },
        p99: { perMinute: 20, low: -40, high: 60, points: 300 },
      },
    } satisfies EntryComparison
    const markdown = renderMarkdown({ ...comparison, entries: [soak, ...rest] })
    const profile = section(markdown, 'Profile finding', '<details>')
    expect(dataRows(profile).map((row) => row.slice(3, 5))).toEqual([
      ['leak', 'RSS +3.1 MB/min (95 % CI +2.8 MB … +3.4 MB)'],
      ['p99 drift', '+0.020 ms/min (95 % CI −0.040 ms … +0.060 ms)'],
    ])
    expect(dataRows(profile)[0]?.[0]).toBe('❌')
    expect(renderText({ ...comparison, entries: [soak, ...rest] })).toMatch(/\| FAIL +\| .* \| leak +\| RSS \+3\.1 MB\/min/)
  })

  it('names a probable leak in the title as not decided, never as a broken threshold or "no leak"', () => {
    const comparison = allUnchanged()
    const [entry, ...rest] = comparison.entries
    if (entry === undefined) throw new Error('fixture has no entries')
    const MB = 1024 ** 2
    const threshold = { metric: 'leak', bound: 'max', limit: MB, severity: 'fail' } as const
    const judged = { perMinute: 7.5 * MB, low: -2600 * MB, high: 255 * MB, points: 90, effectivePoints: 4.2 }
    const slope = { metric: 'leak', series: 'rss', state: 'probable', threshold, judged } as const
    const warning: Violation = { entry: entry.key, metric: 'leak', severity: 'warn', actual: judged.perMinute, threshold, slope }
    const soak = {
      ...entry,
      violations: [warning],
      slopes: [slope],
      findings: { kind: 'soak', rss: judged, p99: { perMinute: 20, low: -40, high: 60, points: 90 } },
    } satisfies EntryComparison
    const findings = [{ severity: 'warn', kind: 'threshold', entry: entry.key, metric: 'leak', violation: warning }] as const
    const markdown = renderMarkdown({ ...comparison, outcome: 'warn', findings: [...findings], entries: [soak, ...rest] })
    const title = markdown.split('\n')[0] ?? ''
    expect(title).toContain('Cannonade: 1 probable leak, not decided**')
    expect(title).toContain(`${entry.key}: leak probably +7.5 MB/min (over twice the limit 1.0 MB/min), not decided`)
    expect(title).not.toContain('threshold')
    const profile = section(markdown, 'Profile finding', '<details>')
    expect(dataRows(profile)[0]?.slice(3, 4)).toEqual(['probable leak, not decided'])
    expect(dataRows(profile)[0]?.[0]).toBe('⚠️')
  })

  it('names a gated regression in the headline, never a larger ungated change, and no ungated improvement as the best', () => {
    const comparison = allUnchanged()
    const [entry, second, ...rest] = comparison.entries
    if (entry === undefined || second === undefined) throw new Error('fixture has too few entries')
    const ungated = metric('p90', 2000, 4000, [0.9, 1.1], 'regression', { pValue: 0.0079 })
    const gatedRps = metric('rps', 1000, 900, [-0.12, -0.08], 'regression', { pValue: 0.0079, gated: true, tolerance: 0.05 })
    const first = { ...entry, metrics: entry.metrics.map((m) => (m.metric === 'p90' ? ungated : m)) }
    const failing = { ...second, metrics: second.metrics.map((m) => (m.metric === 'rps' ? gatedRps : m)) }
    const headline = renderMarkdown({ ...comparison, outcome: 'fail', entries: [first, failing, ...rest] }).split('\n')[0]
    expect(headline).toMatch(/^❌ \*\*Cannonade: 1 regression\*\* in <code>demo<\/code> — [^:]+: throughput \(req\/s\) -10\.0 %/)
    expect(headline).not.toContain('p90')

    const better = metric('p90', 4000, 2000, [-0.55, -0.45], 'improvement', { pValue: 0.0079 })
    const improved = { ...entry, metrics: entry.metrics.map((m) => (m.metric === 'p90' ? better : m)) }
    const quiet = renderMarkdown({
      ...comparison,
      entries: [improved, ...comparison.entries.slice(1)],
      counts: { ...comparison.counts, unchanged: 30, improvements: 1 },
    })
    expect(quiet.split('\n')[0]).toBe(
      '✅ **Cannonade: no regressions** in <code>demo</code> — 12 of 12 gated metrics decided (12 unchanged), 1 changed (not gated)',
    )
  })

  it('charts the gated regression the headline names, not ungated noise in the entries before it', () => {
    // Both list users entries come before search and have an ungated latency "regression" within the noise.
    const noisy = realistic.entries.map((e) =>
      e.scenario === 'list users'
        ? { ...e, metrics: e.metrics.map((m) => (m.metric === 'p90' ? { ...m, verdict: 'regression' as const } : m)) }
        : e,
    )
    const markdown = renderMarkdown({ ...realistic, entries: noisy })
    const titles = markdown.split('\n').filter((line) => line.trim().startsWith('title'))
    expect(titles).toEqual(['  title "search @ 10 conn - latency ms (bars baseline, line this run)"'])
  })

  it('charts a latency threshold violation after the gated regressions, and no throughput limit', () => {
    const p99Limit: Violation = {
      entry: 'list users @ 10 conn',
      metric: 'p99',
      severity: 'fail',
      actual: 6290,
      threshold: { metric: 'p99', bound: 'max', limit: 5000, severity: 'fail' },
    }
    const entries = realistic.entries.map((e) => (e.key === 'list users @ 10 conn' ? { ...e, violations: [p99Limit] } : e))
    const titles = renderMarkdown({ ...realistic, entries })
      .split('\n')
      .filter((line) => line.trim().startsWith('title'))
      .map((line) => line.replace(/^ *title "| - latency.*$/g, ''))
    // list users @ 1 conn only warns about its throughput: a latency chart would not be about that.
    expect(titles).toEqual(['search @ 10 conn', 'list users @ 10 conn'])
  })

  it('shows an entry without a valid round once, as unmeasurable, with its reason', () => {
    const [entry] = realistic.entries
    if (entry === undefined) throw new Error('fixture has no entries')
    const message = 'list users @ 1 conn: no valid round (connection refused; 0 responses with status 2xx)'
    const unmeasurable: Violation = {
      entry: entry.key,
      metric: 'errorRate',
      severity: 'fail',
      actual: 1,
      threshold: { metric: 'errorRate', bound: 'max', limit: 1, severity: 'fail' },
      noValidRound: ['connection refused', '0 responses with status 2xx'],
    }
    const comparison: Comparison = {
      ...realistic,
      head: { ...realistic.head, incomplete: 'the app exited with code 1' },
      entries: [{ ...entry, status: 'unmeasurable', metrics: [], violations: [unmeasurable] }],
      findings: [{ severity: 'fail', kind: 'unmeasurable', entry: entry.key, metric: 'errorRate', violation: unmeasurable }],
      counts: { regressions: 0, improvements: 0, unchanged: 0, inconclusive: 0, violations: 1 },
    }
    const markdown = renderMarkdown(comparison)
    expect(markdown.split('\n')[0]).toBe(
      `❌ **Cannonade: 1 entry unmeasurable, run incomplete** in <code>demo</code> — ${escapeMarkdown(message)}; the run stopped early`,
    )
    expect(markdown).toContain('> [!CAUTION]\n> The run stopped early: the app exited with code 1.')
    expect(dataRows(mainTable(markdown))).toEqual([
      ['list users', '1 conn', '—', '—', `—<br><sub>${escapeMarkdown(message)}</sub>`, '❔ unmeasurable'],
    ])
  })

  it('shows an error rate regression in percentage points', () => {
    const [entry] = realistic.entries
    if (entry === undefined) throw new Error('fixture has no entries')
    const errors = metric('errorRate', 0.0004, 0.0124, [0.008, 0.016], 'regression', { gated: true, tolerance: 0.005, pValue: 0.0079 })
    const comparison: Comparison = {
      ...realistic,
      entries: [{ ...entry, metrics: [errors], violations: [] }],
      counts: { regressions: 1, improvements: 0, unchanged: 0, inconclusive: 0, violations: 0 },
    }
    const markdown = renderMarkdown(comparison)
    expect(markdown).toContain('list users @ 1 conn: error rate +1.20 pp (95 % CI +0.80 pp to +1.60 pp)')
    expect(dataRows(markdown)[0]?.slice(3)).toEqual([
      '0.04 % → 1.2 %',
      '+1.20 pp (+0.80 … +1.60)<br><sub>tolerance 0.50 pp · p = 0.008</sub>',
      '🔴 regression',
    ])
  })

  it('links only http(s) URLs and encodes what would end the link', () => {
    const markdown = renderMarkdown(realistic, { links: { run: 'javascript:alert(1)', artifact: 'https://example.com/a (b)' } })
    expect(markdown).not.toContain('javascript:')
    expect(markdown).toContain('[full report (report.html) and results](https://example.com/a%20%28b%29)')
  })
})

describe('renderMarkdown size limit', () => {
  it('fits 2,000 entries under 65,000 characters and says how many rows were left out', () => {
    const comparison = largeComparison(2000)
    const markdown = renderMarkdown(comparison, { marker: MARKER })
    expect(markdown.length).toBeLessThan(65_000)
    expect(markdown.split('\n')[0]).toBe(MARKER)
    expect(markdown.split('\n')[2]).toMatch(
      /^❌ \*\*Cannonade: 667 regressions\*\* in <code>large<\/code> — endpoint 0000 .*, and 666 more$/,
    )
    expect(markdown).not.toContain('<details>')
    expect(markdown).not.toContain('```mermaid')
    expect(markdown).toContain(
      "<sub>16,000 more metrics (unchanged or within the noise) not listed here to keep the comment within GitHub's size limit; the artifact has the full report.</sub>",
    )
    const shown = dataRows(markdown)
    const more = /^… and ([\d,]+) more rows \(see the full report in the artifact\)$/m.exec(markdown)
    expect(more).not.toBeNull()
    const hidden = Number((more?.[1] ?? '').replace(/,/g, ''))
    expect(shown.length).toBeGreaterThan(100)
    expect(shown.length + hidden).toBe(2000)
    // The rows kept are the failing regressions, which come first.
    expect(shown.every((row) => row[5] === '🔴 regression')).toBe(true)
    expect(markdown.trimEnd().endsWith('</sub>')).toBe(true)
  })

  it('drops the unchanged details before any row of the main table', () => {
    const full = renderMarkdown(realistic, { links })
    const markdown = renderMarkdown(realistic, { links, maxLength: full.length - 1 })
    expect(markdown.length).toBeLessThan(full.length)
    expect(markdown).not.toContain('<details>')
    expect(markdown).toContain('28 more metrics (unchanged or within the noise) not listed here')
    expect(markdown).toContain(`[the artifact](${links.artifact}) has the full report`)
    expect(dataRows(markdown)).toHaveLength(6)
    expect(markdown).toContain('```mermaid')
  })

  it('stays within any limit, however small', () => {
    for (const maxLength of [40, 300, 1_000, 2_500, 5_000, 20_000]) {
      const markdown = renderMarkdown(largeComparison(300), { maxLength, marker: MARKER, links })
      expect(markdown.length).toBeLessThanOrEqual(maxLength)
    }
  })

  it('clips an absurdly long scenario name instead of letting it take the whole comment', () => {
    const [entry] = realistic.entries
    if (entry === undefined) throw new Error('fixture has no entries')
    const long = 'x|'.repeat(50_000)
    const comparison: Comparison = { ...realistic, suite: long, entries: [{ ...entry, scenario: long, key: long }] }
    const markdown = renderMarkdown(comparison)
    expect(markdown.length).toBeLessThan(5_000)
    for (const row of dataRows(markdown)) expect(row).toHaveLength(6)
  })
})

describe('escapeMarkdown', () => {
  it('leaves ordinary names alone', () => {
    expect(escapeMarkdown('list users')).toBe('list users')
    expect(escapeMarkdown('GET /users/42?page=2 (v2) – 10 conn, #123')).toBe('GET /users/42?page=2 (v2) – 10 conn, #123')
    expect(escapeMarkdown('ünïcödé 名前 🚀')).toBe('ünïcödé 名前 🚀')
  })

  it('escapes pipes so a name cannot add table columns', () => {
    expect(escapeMarkdown('a|b')).toBe('a\\|b')
    expect(escapeMarkdown('||')).toBe('\\|\\|')
    // A backslash of the name's own is escaped first, so it cannot swallow the pipe's escape.
    expect(escapeMarkdown('a\\|b')).toBe('a\\\\\\|b')
    expect(escapeMarkdown('ends with \\')).toBe('ends with \\\\')
  })

  it('turns HTML into text, including comments that could fake the sticky marker', () => {
    expect(escapeMarkdown('<b>bold</b>')).toBe('&lt;b&gt;bold&lt;/b&gt;')
    expect(escapeMarkdown('<!-- cannonade:demo -->')).toBe('&lt;!-- cannonade:demo --&gt;')
    expect(escapeMarkdown('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;')
    expect(escapeMarkdown('AT&T &amp; &#124;')).toBe('AT&amp;T &amp;amp; &amp;#124;')
    expect(escapeMarkdown('<details>')).not.toContain('<')
  })

  it('escapes code spans, emphasis, links, strikethrough and math', () => {
    expect(escapeMarkdown('`rm -rf`')).toBe('\\`rm -rf\\`')
    expect(escapeMarkdown('```')).toBe('\\`\\`\\`')
    expect(escapeMarkdown('*a* _b_ **c**')).toBe('\\*a\\* \\_b\\_ \\*\\*c\\*\\*')
    expect(escapeMarkdown('[x](https://evil.example)')).toBe('\\[x\\](https://evil.example)')
    expect(escapeMarkdown('![i](x.png)')).toBe('!\\[i\\](x.png)')
    expect(escapeMarkdown('~~old~~')).toBe('\\~\\~old\\~\\~')
    expect(escapeMarkdown('$x^2$')).toBe('\\$x^2\\$')
  })

  it('keeps everything on one line', () => {
    expect(escapeMarkdown('a\nb')).toBe('a b')
    expect(escapeMarkdown('a\r\nb\rc')).toBe('a b c')
    expect(escapeMarkdown('a\u2028b\u2029c\td')).toBe('a b c d')
    expect(escapeMarkdown('row\n| injected | row |')).toBe('row \\| injected \\| row \\|')
  })

  it('neutralises mentions but not stray at-signs', () => {
    expect(escapeMarkdown('@octocat')).toBe(`@${ZWJ}octocat`)
    expect(escapeMarkdown('cc @acme/perf-team')).toBe(`cc @${ZWJ}acme/perf-team`)
    expect(escapeMarkdown('mail ops@example.com')).toBe(`mail ops@${ZWJ}example.com`)
    expect(escapeMarkdown('search @ 10 conn')).toBe('search @ 10 conn')
  })

  it('drops terminal escapes, other control characters and bidirectional overrides', () => {
    expect(escapeMarkdown('\u001b[31mred\u001b[0m')).toBe('[31mred[0m'.replace(/\[/g, '\\[').replace(/\]/g, '\\]'))
    expect(escapeMarkdown('a\u0000b\u0007c')).toBe('abc')
    expect(escapeMarkdown('user\u202Egnp.exe')).toBe('usergnp.exe')
  })
})

describe('mermaid labels', () => {
  it('keep only characters that cannot end the string or start a comment or statement', () => {
    const label = mermaidLabel(`${hostileScenario} "quoted"; #x %% {y} [z]`)
    expect(label).toBe('admin b export /b csv @octocat quoted x y z')
    expect(mermaidLabel('a'.repeat(200))).toHaveLength(60)
  })

  it('are used for the chart title of a hostile entry', () => {
    const entry = realistic.entries.find((e) => e.scenario === hostileScenario)
    if (entry === undefined) throw new Error('fixture has no hostile entry')
    const chart = latencyChart(entry) ?? ''
    const title = chart.split('\n').find((line) => line.trim().startsWith('title')) ?? ''
    expect(title.match(/"/g)).toHaveLength(2)
    expect(title).not.toMatch(/[|<>`;#%]/)
  })
})

describe('renderText', () => {
  it('starts with FAIL and the same sentence as the comment, without markup', () => {
    const text = renderText(realistic)
    const lines = text.split('\n')
    expect(lines[0]).toBe(
      'FAIL  Cannonade: 1 regression, 1 threshold warning in demo — search @ 10 conn: latency p99 +24.1 % (95 % CI +18.0 % to +30.2 %)',
    )
    expect(text).toContain(`| ${hostileScenario} |`)
    expect(text).toContain('28 more metrics unchanged or within the noise, not shown.')
    expect(text).not.toContain('&lt;')
    expect(text).not.toContain('<sub>')
  })

  it('matches the reviewed rendering', async () => {
    await expect(renderText(realistic)).toMatchFileSnapshot('./__snapshots__/realistic.txt')
  })

  it('lists the regression row with its numbers and notes', () => {
    const row = renderText(realistic)
      .split('\n')
      .find((line) => line.startsWith('|') && line.includes('latency p99') && line.includes('regression'))
    expect(row?.split('|').map((c) => c.trim())).toEqual([
      '',
      'search',
      '10 conn',
      'latency p99',
      '8.100 ms → 10.05 ms',
      '+24.1 % (+18.0 … +30.2)',
      'regression',
      'tolerance 15 % · p = 0.008 · 1 outlier round',
      '',
    ])
  })

  it('counts the outlier pairs a same-job verdict left out, beside the outlier rounds', () => {
    const paired: Comparison = {
      ...realistic,
      entries: realistic.entries.map((e) => ({
        ...e,
        metrics: e.metrics.map((m) => (m.metric === 'p99' && m.verdict === 'regression' ? { ...m, outlierPairs: 2 } : m)),
      })),
    }
    expect(renderText(paired)).toContain('tolerance 15 % · p = 0.008 · 1 outlier round · 2 outlier pairs left out')
    expect(renderText(realistic)).not.toContain('left out')
  })

  it('says WARN, no baseline, and the machine caveat where they apply', () => {
    expect(renderText(noBaseline).split('\n')[0]).toMatch(/^WARN {2}Cannonade: 1 threshold warning in demo — there is no baseline yet/)
    expect(renderText(machineMismatch)).toContain('\nWARNING  The baseline ran on a different machine')
    expect(renderText(allUnchanged()).split('\n')[0]).toBe(
      'PASS  Cannonade: no regressions in demo — 12 of 12 gated metrics decided (12 unchanged)',
    )
    // Ungated metrics are never counted as the gate's answer: undecided gated ones are said as such.
    const undecided = allUnchanged()
    const open: Comparison = {
      ...undecided,
      entries: undecided.entries.map((e) => ({
        ...e,
        metrics: e.metrics.map((m) => (m.gated ? { ...m, verdict: 'inconclusive' as const } : m)),
      })),
    }
    expect(renderText(open).split('\n')[0]).toBe(
      'PASS  Cannonade: no regressions in demo — 0 of 12 gated metrics decided (12 inconclusive)',
    )
    // Paired rounds carry the 95 % interval deciding as you go stopped on: nothing left to fail there is said.
    let first = true
    const clear: Comparison = {
      ...open,
      entries: open.entries.map((e) => ({
        ...e,
        metrics: e.metrics.map((m) => {
          if (!m.gated || !first) return m
          first = false
          return { ...m, change: 0.02, low: -0.08, high: 0.12, clearing: { low: -0.01, high: 0.05 } }
        }),
      })),
    }
    const text = renderText(clear)
    expect(text.split('\n')[0]).toBe(
      'PASS  Cannonade: no regressions in demo — 0 of 12 gated metrics decided (12 inconclusive, 1 of them not worse than the tolerance)',
    )
    expect(text).toContain('not worse than the tolerance (95 %)')
    // Cleared by the final look: its bound is one-sided, and the note says so.
    const atFinalLook: Comparison = {
      ...clear,
      entries: clear.entries.map((e) => ({
        ...e,
        metrics: e.metrics.map((m) => (m.clearing === undefined ? m : { ...m, finalLook: true })),
      })),
    }
    expect(renderText(atFinalLook)).toContain('not worse than the tolerance (one-sided 95 %)')
  })

  it('strips terminal escape sequences from names', () => {
    const [entry] = realistic.entries
    if (entry === undefined) throw new Error('fixture has no entries')
    const comparison: Comparison = { ...realistic, entries: [{ ...entry, scenario: '\u001b[2Jwipe\nscreen' }] }
    const text = renderText(comparison)
    expect(text).not.toContain('\u001b')
    expect(text).toContain('[2Jwipe screen')
  })
})

function decode(html: string): string {
  return html
    .replace(/<\/?a[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
}

describe.skipIf(!hasCmark)('rendered by cmark-gfm as GitHub does', () => {
  it('gives two tables of six columns, a details element and no stray tags', () => {
    const html = renderGfm(renderMarkdown(realistic, { marker: MARKER, links }))
    expect(html.startsWith(`${MARKER}\n<p>❌ <strong>Cannonade: 1 regression, 1 threshold warning</strong>`)).toBe(true)
    expect(html.match(/<table>/g)).toHaveLength(2)
    expect(html).toContain('<details><summary>28 more metrics unchanged or within the noise</summary>\n<table>')
    const rows = html.split('<tr>').slice(1)
    expect(rows).toHaveLength(2 + 6 + 28)
    for (const row of rows) expect(row.match(/<t[dh][ >]/g)).toHaveLength(6)
    expect(html).toContain(`<td align="left">admin | &lt;b&gt;export&lt;/b&gt; \`csv\` @${ZWJ}octocat</td>`)
    expect(html).not.toMatch(/<b>|<em>|<code>csv/)
    expect(html).toContain('<pre><code class="language-mermaid">xychart-beta')
    expect(html).toContain(`<a href="${links.run}">workflow run</a>`)
  })

  it('shows any escaped string exactly as written, in a table cell and in a paragraph', () => {
    const nasty = [
      'a|b',
      'a\\|b',
      'trailing \\',
      '\\\\|',
      '<b>x</b> & <!-- c --> &amp;',
      '`code` ``two``',
      '*em* _u_ __b__ ~~s~~',
      '[l](http://x) ![i](y) <http://z>',
      '$a$ $$b$$',
      ':smile: #12 www.example.com',
      'x\\*y \\_ \\`',
    ]
    const table = ['| value | after |', '| - | - |', ...nasty.map((n) => `| ${escapeMarkdown(n)} | end |`)].join('\n')
    const paragraphs = nasty.map((n) => `para ${escapeMarkdown(n)}`).join('\n\n')
    const html = renderGfm(`${table}\n\n${paragraphs}\n`)
    const cellTexts = [...html.matchAll(/<td>(.*?)<\/td>\n<td>end<\/td>/g)].map((m) => decode(m[1] ?? ''))
    expect(cellTexts).toEqual(nasty)
    const paraTexts = [...html.matchAll(/<p>para (.*?)<\/p>/g)].map((m) => decode(m[1] ?? ''))
    expect(paraTexts).toEqual(nasty)
  })
})
