import { describe, expect, it } from 'vitest'
import { hasCmark, renderGfm } from '../helpers/cmark.js'
import type { Comparison } from '../../src/compare/types.js'
import type { History, HistoryRun } from '../../src/history/document.js'
import { DEFAULT_MAX_LENGTH, renderMarkdown } from '../../src/report/markdown.js'
import { trendLines } from '../../src/report/trend-chart.js'
import { hostileScenario, largeComparison, realistic } from '../../__fixtures__/comparisons/realistic.js'

/** `runs` base-branch runs of every compared entry of `comparison`, medians rising 1 % a run from the baseline's. */
function historyOf(comparison: Comparison, runs: number): History {
  const list: HistoryRun[] = Array.from({ length: runs }, (_, i) => ({
    sha: (i + 10).toString(16).padEnd(40, '0'),
    date: '2026-11-20T10:00:00.000Z',
    runId: 500 + i,
    runner: 'Test CPU / 2 cores / linux / v24',
    entries: comparison.entries
      .filter((e) => e.status === 'compared')
      .map((e) => ({
        key: e.key,
        metrics: Object.fromEntries(
          e.metrics.map((m) => {
            const median = m.base * (1 + (i - runs + 1) / 100)
            return [m.metric, { median, low: median, high: median }]
          }),
        ),
      })),
  }))
  return { schemaVersion: 1, suite: comparison.suite, runs: list }
}

/** The numbers of a mermaid series line, e.g. `  line [1, 2, 3]`. */
function series(block: string, kind: 'line' | 'bar'): number[] {
  const match = new RegExp(`^  ${kind} \\[(.*)\\]$`, 'm').exec(block)
  return (match?.[1] ?? '').split(', ').map(Number)
}

describe('trends in the pull request comment', () => {
  const history = historyOf(realistic, 25)
  const markdown = renderMarkdown(realistic, { history })
  const blocks = markdown.split('<details').filter((b) => b.includes('📈'))

  it('draws each compared entry over the last 20 base-branch runs, then this pull request', () => {
    const compared = realistic.entries.filter((e) => e.status === 'compared')
    expect(blocks).toHaveLength(compared.length)
    const search = blocks.find((b) => b.includes('search @ 10 conn: latency p99'))
    if (search === undefined) throw new Error('no trend of search')
    // The regressed metric is charted: the base runs' p99 in ms, then the pull request's.
    const line = series(search, 'line')
    expect(line).toHaveLength(21)
    const entry = compared.find((e) => e.key === 'search @ 10 conn')
    const p99 = entry?.metrics.find((m) => m.metric === 'p99')
    if (p99 === undefined) throw new Error('no p99')
    expect(line.at(-1)).toBe(Number((p99.head / 1000).toPrecision(3)))
    expect(line.at(-2)).toBe(Number((p99.base / 1000).toPrecision(3)))
    expect(series(search, 'bar')).toEqual([...Array<number>(20).fill(0), line.at(-1)])
    expect(search).toMatch(/x-axis \["f000000", "1000000", .*"2200000", "PR"\]/)
  })

  it('is open where the entry is in the main table and collapsed where it is unchanged', () => {
    // The first entry's only row in the main table is a threshold warning: without it, it is unchanged.
    const quiet: Comparison = {
      ...realistic,
      entries: realistic.entries.map((e, i) =>
        i === 0 ? { ...e, violations: [], metrics: e.metrics.map((m) => ({ ...m, verdict: 'unchanged' as const })) } : e,
      ),
    }
    const text = renderMarkdown(quiet, { history })
    expect(text).toContain('<details><summary>📈 list users @ 1 conn: latency p99 over')
    expect(text).toContain('<details open><summary>📈 search @ 10 conn: latency p99 over')
    expect(text.match(/<details open><summary>📈/g)).toHaveLength(3)
  })

  it('keeps untrusted names inert in the summary and the chart', () => {
    const hostile = blocks.find((b) => b.includes('admin'))
    expect(hostile).toContain('admin \\| &lt;b&gt;export&lt;/b&gt;')
    expect(hostile).toMatch(/title "admin b export \/b csv @octocat @ 10 conn - latency p99, /)
    expect(hostileScenario).toContain('`')
  })

  it('drops the trends of unchanged entries first, then the rest, to fit the size limit', () => {
    const quiet: Comparison = {
      ...realistic,
      entries: realistic.entries.map((e, i) =>
        i === 0 ? { ...e, violations: [], metrics: e.metrics.map((m) => ({ ...m, verdict: 'unchanged' as const })) } : e,
      ),
    }
    const full = renderMarkdown(quiet, { history })
    const smaller = renderMarkdown(quiet, { history, maxLength: full.length - 1 })
    expect(smaller.length).toBeLessThan(full.length)
    expect(smaller).toContain('<details open><summary>📈')
    expect(smaller).not.toContain('<details><summary>📈')
    const large = largeComparison(300)
    const big = renderMarkdown(large, { history: historyOf(large, 100) })
    expect(big.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH)
  })

  it('has no trend without history, or for an entry with a single run of it', () => {
    expect(renderMarkdown(realistic)).not.toContain('📈')
    expect(trendLines(realistic.entries, historyOf(realistic, 1))).toEqual([])
  })

  it.skipIf(!hasCmark)('renders as a details element holding a mermaid code block, as GitHub does', () => {
    expect(renderGfm(markdown)).toContain(
      '<details open><summary>📈 search @ 10 conn: latency p99 over the last 20 base-branch runs and this pull request</summary>\n<pre><code class="language-mermaid">---\nconfig:\n  xyChart:\n    width: 1000',
    )
  })
})
