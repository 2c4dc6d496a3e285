// test-kind: process — report.html of recorded results drawn in Chromium: the points drawn are
// the recorded ones; nothing is measured here.
//
// report.html opened in headless Chromium: it draws every chart with no console error and no
// request, the charts hold the points the results hold, and names from a results file stay text.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compare } from '../../src/compare/compare.js'
import { extendHistory } from '../../src/history/build.js'
import type { History } from '../../src/history/document.js'
import type { Results } from '../../src/results/document.js'
import { pairedLooks } from '../../src/report/html/decision-chart.js'
import { renderReportHtml } from '../../src/report/html/report-page.js'
import { scriptSafeJson } from '../../src/report/html/page.js'
import { reportRows, verdictWord } from '../../src/report/rows.js'
import { comparedMetricLabel, confidenceLabel } from '../../src/report/change.js'
import { formatFraction } from '../../src/report/numbers.js'
import { syntheticResults, type SyntheticEntry } from '../../__fixtures__/results/build.js'
import { chromiumAvailable, drawnCharts, launchChromium, openFile, type DrawnChart } from '../helpers/browser.js'

const ROUNDS = 6
const T0 = Date.parse('2026-11-21T10:00:00.000Z')

/** Results whose rounds started at the given seconds after T0, measured at `createdAt`. */
function timed(results: Results, startSeconds: (round: number) => number, createdAt = results.createdAt): Results {
  return {
    ...results,
    createdAt,
    entries: results.entries.map((entry) => ({
      ...entry,
      rounds: entry.rounds.map((round, i) => ({ ...round, startedAt: new Date(T0 + startSeconds(i) * 1000).toISOString() })),
    })),
  }
}

const BASE_ENTRIES: SyntheticEntry[] = [
  { scenario: 'list users', rps: [1000, 1010, 990, 1005, 995, 1002], p50Us: [2000, 2010, 1990, 2005, 1995, 2000] },
  { scenario: 'search', rps: [500, 505, 495, 502, 498, 500], p50Us: [4000, 4020, 3980, 4010, 3990, 4000] },
]
const HEAD_ENTRIES: SyntheticEntry[] = [
  BASE_ENTRIES[0] ?? BASE_ENTRIES[1]!,
  // 40 % slower: a regression the table must name, as the comment does.
  { scenario: 'search', rps: [360, 362, 358, 361, 359, 360], p50Us: [5600, 5620, 5580, 5610, 5590, 5600] },
]

// ABBA: base, head, head, base, … over twelve rounds, four seconds apart.
const ABBA_BASE = [0, 3, 4, 7, 8, 11]
const ABBA_HEAD = [1, 2, 5, 6, 9, 10]

function history(runs: number): History {
  let h: History | undefined
  for (let run = 0; run < runs; run++) {
    const results = timed(
      syntheticResults(BASE_ENTRIES, { sha: `b${run}` }),
      (i) => i * 4,
      new Date(T0 - (runs - run) * 86_400_000).toISOString(),
    )
    h = extendHistory(h, results, 100 + run)
  }
  if (h === undefined) throw new Error('no history')
  return h
}

let dir = ''
let browser: Browser | undefined
const available = chromiumAvailable()

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-html-'))
  if (available) browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await rm(dir, { recursive: true, force: true })
})

async function open(
  name: string,
  html: string,
): Promise<{ charts: DrawnChart[]; problems: string[]; page: import('playwright-core').Page }> {
  if (browser === undefined) throw new Error('no browser')
  const file = path.join(dir, name)
  await writeFile(file, html)
  const { page, problems } = await openFile(browser, file)
  const charts = await drawnCharts(page)
  const shots = process.env['CANNONADE_SCREENSHOTS']
  // CANNONADE_SCREENSHOTS=DIR keeps a screenshot and a copy of each page there, to look at.
  if (shots !== undefined && shots !== '') {
    await page.screenshot({ path: path.join(shots, `${path.parse(name).name}.png`), fullPage: true })
    await page.screenshot({ path: path.join(shots, `${path.parse(name).name}-top.png`) })
    await writeFile(path.join(shots, name), html)
  }
  return { charts, problems, page }
}

function chart(charts: readonly DrawnChart[], id: string): DrawnChart {
  const found = charts.find((c) => c.id === id)
  if (found === undefined) throw new Error(`no chart ${id}; drawn: ${charts.map((c) => c.id).join(', ')}`)
  return found
}

function pointsOf(c: DrawnChart, label: string): (number | null)[] {
  const series = c.series.find((s) => s.label === label)
  if (series === undefined) throw new Error(`chart ${c.id} has no series ${label}: ${c.series.map((s) => s.label).join(', ')}`)
  return series.values
}

/** Where each x label of each chart sits, in CSS pixels of its canvas, measured at the axis's font. */
interface AxisLabels {
  readonly id: string
  readonly canvasWidth: number
  readonly labels: { readonly text: string; readonly left: number; readonly right: number }[]
}

// Runs in the page: uPlot keeps each axis's last ticks and labels in _splits and _values.
const AXIS_LABELS = `(window.cannonadeCharts || []).filter((c) => c.plot).map(({ id, plot }) => {
  const axis = plot.axes[0]
  const ctx = document.createElement('canvas').getContext('2d')
  ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif'
  const labels = []
  ;(axis._splits || []).forEach((value, i) => {
    const text = axis._values[i]
    if (text == null || text === '') return
    const at = plot.bbox.left / devicePixelRatio + plot.valToPos(value, 'x')
    const half = ctx.measureText(String(text)).width / 2
    labels.push({ text: String(text), left: at - half, right: at + half })
  })
  return { id, canvasWidth: plot.ctx.canvas.width / devicePixelRatio, labels }
})`

/** Runs in the page: whether chart `id` has a dark pixel column at x = `value` half-way down the plot (its mark). */
function KNEE_DRAWN(id: string, value: number): string {
  return `(() => {
    const { plot } = window.cannonadeCharts.find((c) => c.id === ${JSON.stringify(id)})
    const x = Math.round(plot.valToPos(${value}, 'x', true))
    const ys = Array.from({ length: 40 }, (_, i) => Math.round(plot.bbox.top + plot.bbox.height * (0.3 + i / 100)))
    const dark = ys.filter((y) => { const [r, g, b, a] = plot.ctx.getImageData(x, y, 1, 1).data; return a > 0 && r < 120 && g < 120 && b < 130 })
    return dark.length >= 10
  })()`
}

const present = (values: readonly (number | null)[]): number[] => values.filter((v): v is number => v !== null)

// Each case opens its own page of one browser and reads it back: they run side by side, no case
// measures anything.
describe.skipIf(!available)('report.html in Chromium', { concurrent: true }, () => {
  it('draws every chart of a same-job pull request with the data points it should, and the verdict table', async () => {
    const base = timed(syntheticResults(BASE_ENTRIES, { sha: 'base111' }), (i) => ABBA_BASE[i] ?? 0)
    const head = timed(syntheticResults(HEAD_ENTRIES, { sha: 'head222' }), (i) => ABBA_HEAD[i] ?? 0)
    const comparison = compare(base, head, { paired: true, baselineDescription: 'base commit measured beside the head' })
    const html = renderReportHtml({ results: head, comparison, base, paired: true, history: history(5) })
    const { charts, problems, page } = await open('report.html', html)
    expect(problems).toEqual([])

    const kinds = ['decision', 'percentiles', 'rounds-rps', 'rounds-p99', 'server-cpu', 'server-rss', 'history-p99', 'history-rps']
    expect(charts.map((c) => c.id)).toEqual([0, 1].flatMap((entry) => kinds.map((k) => `entry-${entry}-${k}`)))
    expect(charts.every((c) => c.drawn)).toBe(true)
    expect(await page.locator('figure.chart[data-rendered="true"]').count()).toBe(charts.length)

    // Percentiles: base and head, from 0 % out to the tail the 600 responses resolve (≥ 99 %).
    const percentiles = chart(charts, 'entry-1-percentiles')
    expect(percentiles.x[0]).toBe(1)
    expect(Math.max(...percentiles.x)).toBeGreaterThanOrEqual(100)
    const median = percentiles.x.findIndex((x) => Math.abs(x - 2) < 0.05)
    expect(pointsOf(percentiles, 'head')[median]).toBeCloseTo(5.6, 1)
    expect(pointsOf(percentiles, 'base')[median]).toBeCloseTo(4.0, 1)

    // Rounds in the order they ran: twelve places, base at the ABBA positions, each value its round's.
    const rps = chart(charts, 'entry-1-rounds-rps')
    expect(rps.x).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    const baseRps = pointsOf(rps, 'base')
    expect(ABBA_BASE.map((i) => baseRps[i])).toEqual(BASE_ENTRIES[1]?.rps)
    expect(ABBA_HEAD.map((i) => pointsOf(rps, 'head')[i])).toEqual(HEAD_ENTRIES[1]?.rps)
    expect(present(baseRps)).toHaveLength(ROUNDS)
    expect(present(pointsOf(chart(charts, 'entry-0-rounds-p99'), 'head'))).toHaveLength(ROUNDS)
    expect(present(pointsOf(chart(charts, 'entry-0-server-cpu'), 'base'))).toEqual(Array(ROUNDS).fill(80))
    expect(present(pointsOf(chart(charts, 'entry-0-server-rss'), 'head'))).toEqual(Array(ROUNDS).fill(58))

    // The trend: five base-branch runs with their intervals, and this pull request's run marked.
    const trend = chart(charts, 'entry-1-history-p99')
    expect(trend.points).toBe(6)
    expect(present(pointsOf(trend, 'base branch (median)'))).toHaveLength(5)
    expect(present(pointsOf(trend, 'this run'))).toEqual([head.entries[1]?.latencyUs.p99 ?? NaN].map((us) => us / 1000))

    // What decided: the regressed entry's metric pair by pair, the interval after each pair narrowing
    // to the one the comparison reports, inside nothing of the tolerance band.
    const decision = chart(charts, 'entry-1-decision')
    expect(decision.x).toEqual([1, 2, 3, 4, 5, 6])
    const decided = comparison.entries[1]!.metrics.find((m) => m.gated && m.verdict === 'regression')!
    const title = await page.locator('figure[data-chart-id="entry-1-decision"] .chart-title').textContent()
    expect(title).toMatch(/^What decided: .*, regression$/)
    const metric = comparison.entries[1]!.metrics.find((m) => title?.includes(`: ${comparedMetricLabel(m.metric)},`))!
    expect(metric.verdict).toBe(decided.verdict)
    const low = pointsOf(decision, '95 % sequence, low')
    const high = pointsOf(decision, '95 % sequence, high')
    // The comparison shows the interval at the metric's alarm level, which confirmed the regression:
    // the two marks at the last pair.
    const level = confidenceLabel(metric)
    expect(pointsOf(decision, `decided at ${level}, low`).at(-1)).toBeCloseTo(metric.low * 100, 6)
    expect(pointsOf(decision, `decided at ${level}, high`).at(-1)).toBeCloseTo(metric.high * 100, 6)
    const widths = low.flatMap((l, i) => (l === null || high[i] === null ? [] : [(high[i] ?? 0) - l]))
    expect(widths.length).toBeGreaterThan(0)
    expect(widths.at(-1)).toBeLessThan(widths[0] ?? 0)
    expect(present(pointsOf(decision, `tolerance +${Math.round(metric.tolerance * 100)} %`))).toEqual(Array(6).fill(metric.tolerance * 100))
    // Each pair's own change: head / base − 1 of the pair's rounds.
    const pairs = pointsOf(decision, 'change of each pair')
    expect(pairs).toHaveLength(6)
    expect(await page.locator('figure[data-chart-id="entry-1-decision"] .chart-caption').textContent()).toMatch(/Decided at pair \d/)
    // An unchanged entry gets its chart too, decided or not.
    expect(chart(charts, 'entry-0-decision').series.map((s) => s.label)).toContain('estimate so far')

    // The overview: one row per entry, throughput, errors, p50, p99 baseline → current, and the verdict.
    const overview = page.locator('table.rows').first()
    expect(await overview.locator('th').allTextContents()).toEqual([
      'Scenario',
      'Load',
      'Throughput, req/s (baseline → current)',
      'Errors (baseline → current)',
      'Latency p50 (baseline → current)',
      'Latency p99 (baseline → current)',
      'Verdict',
    ])
    const searchRow = await overview.locator('tbody tr').nth(1).locator('td').allTextContents()
    expect(searchRow.slice(0, 4)).toEqual(['search', '10 conn', '500 → 360', '0 % → 0 %'])
    expect(searchRow[6]).toBe('regression')

    // The table says what the comment says, in the same order.
    const notable = reportRows(comparison).notable
    expect(notable.length).toBeGreaterThan(0)
    const firstRow = page.locator('table.rows').nth(1).locator('tbody tr').first()
    expect(await firstRow.locator('td').last().textContent()).toBe(verdictWord(notable[0]!))
    expect(await page.locator('table.rows').nth(1).locator('tbody tr').count()).toBe(notable.length)
    expect(await page.locator('.headline').textContent()).toMatch(/^Cannonade: \d+ regression/)
    await page.close()
  })

  it('draws a run without a baseline or history: one side, no trend', async () => {
    const head = timed(syntheticResults(HEAD_ENTRIES.slice(0, 1)), (i) => i * 3)
    const { charts, problems, page } = await open('alone.html', renderReportHtml({ results: head, comparison: compare(undefined, head) }))
    expect(problems).toEqual([])
    expect(charts.map((c) => c.id)).toEqual([
      'entry-0-percentiles',
      'entry-0-rounds-rps',
      'entry-0-rounds-p99',
      'entry-0-server-cpu',
      'entry-0-server-rss',
    ])
    expect(chart(charts, 'entry-0-rounds-rps').series.map((s) => s.label)).toEqual(['this run'])
    expect(present(pointsOf(chart(charts, 'entry-0-rounds-rps'), 'this run'))).toEqual(HEAD_ENTRIES[0]?.rps)
    // The table: current values alone, throughput and errors beside the latencies, no "Baseline → Current".
    expect(await page.locator('table.rows th').allTextContents()).toEqual([
      'Scenario',
      'Load',
      'Throughput, req/s',
      'Errors',
      'Latency p50',
      'Latency p99',
      'Verdict',
    ])
    expect(await page.locator('table.rows tbody tr td').allTextContents()).toEqual([
      'list users',
      '10 conn',
      '1,001',
      '0 %',
      '2.000 ms',
      '6.000 ms',
      'ok',
    ])
    expect(await page.locator('#app').textContent()).not.toContain('→')
    await page.close()
  })

  it('draws a stress entry’s latency against load and every round’s per-second series, base and head', async () => {
    const withProfileData = (results: Results, rssStartKiB: number, p99Ms: readonly number[]): Results => ({
      ...results,
      entries: results.entries.map((entry) => ({
        ...entry,
        rounds: entry.rounds.map((round, r) => ({
          ...round,
          series: {
            rps: [100, 101, 99],
            errors: [0, 0, 0],
            p50Us: [1000, 1000, 1000],
            p99Us: [2000, 2500, 3000],
            cpuPercent: [40, 41, 42],
            rssKiB: [0, 1, 2].map((s) => rssStartKiB + 1024 * (3 * r + s)),
          },
        })),
        stress: {
          loop: 'rate',
          capacity: 400,
          low: 390,
          high: 410,
          coverage: 0.94,
          rounds: entry.rounds.length,
          reachedMax: 0,
          curve: p99Ms.map((ms, i) => ({
            load: 100 * 2 ** i,
            rounds: 2,
            held: 2,
            rps: 100 * 2 ** i,
            p50Us: 1000,
            p99Us: ms * 1000,
            errorRate: 0,
          })),
        },
      })),
    })
    const base = withProfileData(
      timed(syntheticResults(BASE_ENTRIES.slice(0, 1)), (i) => (ABBA_BASE[i] ?? 0) * 4),
      51_200,
      [2, 3, 9],
    )
    const head = withProfileData(
      timed(syntheticResults(BASE_ENTRIES.slice(0, 1)), (i) => (ABBA_HEAD[i] ?? 0) * 4),
      102_400,
      [2, 5, 20, 60],
    )
    const html = renderReportHtml({ results: head, base, comparison: compare(base, head), paired: true })
    const { charts, problems, page } = await open('profiles.html', html)
    expect(problems).toEqual([])
    const curve = chart(charts, 'entry-0-load-curve')
    expect(curve.x).toEqual([100, 200, 400, 800])
    expect(pointsOf(curve, 'base')).toEqual([2, 3, 9, null])
    expect(pointsOf(curve, 'head')).toEqual([2, 5, 20, 60])
    // Six rounds a side, three seconds each, four seconds apart on one clock.
    const rss = chart(charts, 'entry-0-seconds-rss')
    expect(present(pointsOf(rss, 'base'))).toHaveLength(18)
    expect(present(pointsOf(rss, 'head'))).toHaveLength(18)
    expect(present(pointsOf(rss, 'head'))[0]).toBe(100)
    expect(present(pointsOf(chart(charts, 'entry-0-seconds-p99'), 'head')).slice(0, 3)).toEqual([2, 2.5, 3])
    expect(present(pointsOf(chart(charts, 'entry-0-seconds-cpu'), 'base'))).toHaveLength(18)
    // Each round is its own stretch of line: six runs of three seconds a side, none joined across a pause.
    const stretches = (values: readonly (number | null)[]): number[] =>
      values.reduce<number[]>(
        (runs, v, i) => (v === null ? runs : values[i - 1] == null ? [...runs, 1] : [...runs.slice(0, -1), (runs.at(-1) ?? 0) + 1]),
        [],
      )
    expect(stretches(pointsOf(rss, 'base'))).toEqual([3, 3, 3, 3, 3, 3])
    expect(stretches(pointsOf(rss, 'head'))).toEqual([3, 3, 3, 3, 3, 3])
    expect(
      await page.evaluate<boolean[]>(
        `window.cannonadeCharts.find((c) => c.id === 'entry-0-seconds-rss').plot.series.slice(1).map((s) => s.spanGaps)`,
      ),
    ).toEqual([false, false])
    await page.close()
  })

  it('draws a connections sweep’s throughput and p99 against connections with the knee marked, and no one-dot charts', async () => {
    const level = (connections: number, rps: number, p99Us: number): SyntheticEntry => ({
      scenario: 'sweep',
      connections,
      rps: [rps, rps, rps],
      p50Us: [1000, 1000, 1000],
      p99Us: [p99Us, p99Us, p99Us],
    })
    // Throughput flattens from 40 connections on while p99 doubles: the knee is at 40.
    const head = timed(
      syntheticResults([level(10, 1000, 3000), level(20, 1900, 3300), level(40, 2000, 6000), level(80, 2050, 12_000)]),
      (i) => i * 3,
    )
    const { charts, problems, page } = await open('sweep.html', renderReportHtml({ results: head, comparison: compare(undefined, head) }))
    expect(problems).toEqual([])
    const throughput = chart(charts, 'sweep-0-throughput')
    expect(throughput.x).toEqual([10, 20, 40, 80])
    expect(pointsOf(throughput, 'this run')).toEqual([1000, 1900, 2000, 2050])
    expect(pointsOf(chart(charts, 'sweep-0-p99'), 'this run')).toEqual([3, 3.3, 6, 12])
    expect(await page.locator('figure[data-chart-id="sweep-0-throughput"] .chart-caption').textContent()).toContain(
      'The knee (dashed) is at 40 connections',
    )
    expect(await page.locator('#entry-0 h2').textContent()).toBe('sweep: scaling with connections')
    // The knee's line is drawn where x = 40 is: a dark dashed line across the plot.
    expect(await page.evaluate<boolean>(KNEE_DRAWN('sweep-0-p99', 40))).toBe(true)
    await page.close()
  })

  it('shows a one-round soak by the second, without per-round charts of one dot each', async () => {
    const soak = syntheticResults([{ scenario: 'soak', rps: [500], p50Us: [2000] }])
    const seconds = 60
    const head: Results = {
      ...soak,
      entries: soak.entries.map((entry) => ({
        ...entry,
        rounds: entry.rounds.map((round) => ({
          ...round,
          series: {
            rps: Array<number>(seconds).fill(500),
            errors: Array<number>(seconds).fill(0),
            p50Us: Array<number>(seconds).fill(2000),
            p99Us: Array.from({ length: seconds }, (_, i) => 5000 + 50 * i),
            cpuPercent: Array<number>(seconds).fill(40),
            rssKiB: Array.from({ length: seconds }, (_, i) => 51_200 + 256 * i),
          },
        })),
      })),
    }
    const { charts, problems, page } = await open('soak.html', renderReportHtml({ results: head, comparison: compare(undefined, head) }))
    expect(problems).toEqual([])
    expect(charts.map((c) => c.id)).toEqual(['entry-0-percentiles', 'entry-0-seconds-p99', 'entry-0-seconds-cpu', 'entry-0-seconds-rss'])
    expect(present(pointsOf(chart(charts, 'entry-0-seconds-rss'), 'this run'))).toHaveLength(seconds)
    await page.close()
  })

  it('keeps x-axis labels apart and whole: no "0 %50 %", no percentile cut at the edge', async () => {
    const head = timed(syntheticResults(HEAD_ENTRIES), (i) => i * 4)
    for (const width of [1280, 700]) {
      if (browser === undefined) throw new Error('no browser')
      const file = path.join(dir, `axes-${width}.html`)
      await writeFile(file, renderReportHtml({ results: head, comparison: compare(undefined, head) }))
      const { page, problems } = await openFile(browser, file, { width, height: 900 })
      expect(problems).toEqual([])
      const axes = await page.evaluate<AxisLabels[]>(AXIS_LABELS)
      expect(axes.length).toBeGreaterThan(0)
      const percentiles = axes.find((a) => a.id === 'entry-0-percentiles')
      expect(percentiles?.labels.map((l) => l.text)).toContain('50 %')
      expect(percentiles?.labels.map((l) => l.text)).not.toContain('0 %')
      for (const axis of axes) {
        for (const [i, label] of axis.labels.entries()) {
          expect(label.left, `${axis.id} "${label.text}" starts inside the canvas`).toBeGreaterThanOrEqual(0)
          expect(label.right, `${axis.id} "${label.text}" ends inside the canvas`).toBeLessThanOrEqual(axis.canvasWidth)
          const next = axis.labels[i + 1]
          if (next !== undefined) expect(label.right, `${axis.id} "${label.text}" and "${next.text}" overlap`).toBeLessThan(next.left)
        }
      }
      await page.close()
    }
  })

  it('against a stored baseline, shows each round of both runs and the one interval that decided', async () => {
    const base = timed(syntheticResults(BASE_ENTRIES), (i) => i * 4)
    const head = timed(syntheticResults(HEAD_ENTRIES, { sha: 'head333' }), (i) => i * 4)
    const comparison = compare(base, head, { baselineDescription: 'artifact of run 7' })
    const { charts, problems, page } = await open('stored.html', renderReportHtml({ results: head, comparison, base }))
    expect(problems).toEqual([])
    const decision = chart(charts, 'entry-1-decision')
    expect(decision.x).toEqual([1, 2, 3, 4, 5, 6])
    const title = await page.locator('figure[data-chart-id="entry-1-decision"] .chart-title').textContent()
    const metric = comparison.entries[1]!.metrics.find((m) => title?.includes(`: ${comparedMetricLabel(m.metric)},`))!
    expect(metric.gated).toBe(true)
    const headRounds = present(pointsOf(decision, 'this run’s rounds'))
    expect(headRounds).toHaveLength(6)
    expect(present(pointsOf(decision, 'baseline rounds'))).toHaveLength(6)
    const level = metric.confidence === undefined ? '95 %' : formatFraction(metric.confidence)
    expect(present(pointsOf(decision, `${level} interval, low`))[0]).toBeCloseTo(metric.low * 100, 6)
    expect(present(pointsOf(decision, `estimated change`))[0]).toBeCloseTo(metric.change * 100, 6)
    await page.close()
  })

  it('shows a hostile scenario name as text: no script of it runs, no element of it appears', async () => {
    const payload = `</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"><!--`
    const head = timed(syntheticResults([{ ...HEAD_ENTRIES[0]!, scenario: payload }]), (i) => i)
    const html = renderReportHtml({ results: head, comparison: compare(undefined, head) })
    expect(html).not.toContain('<script>window.__pwned')
    const { problems, page } = await open('hostile.html', html)
    expect(problems).toEqual([])
    expect(await page.evaluate<unknown>('window.__pwned')).toBeUndefined()
    expect(await page.locator('#app img').count()).toBe(0)
    expect(await page.locator('script').count()).toBe(2)
    expect(await page.locator('#entry-0 h2').textContent()).toBe(`${payload} @ 10 conn`)
    await page.close()
  })
})

describe('report.html without a browser', () => {
  it('recomputes the looks of a same-job run exactly as compare() judged them at the last pair', async () => {
    // Noisy pairs, one regressed entry, and an error-rate tolerance (absolute), so every kind of metric is checked.
    const entries = (slower: number): SyntheticEntry[] => {
      // Base and head wobble out of step, so that every pair has its own ratio.
      const wobble = (i: number, k: number): number => 1 + 0.04 * Math.sin(i * 2.3 + k + (slower === 1 ? 0 : 1.7))
      return [0, 1, 2].map((k) => ({
        scenario: `e${k}`,
        rps: Array.from({ length: 9 }, (_, i) => 1000 * wobble(i, k) * (k === 1 ? 1 / slower : 1)),
        p50Us: Array.from({ length: 9 }, (_, i) => 2000 * wobble(i + 1, k) * (k === 1 ? slower : 1)),
        errorRate: Array.from({ length: 9 }, (_, i) => 0.001 * ((i + k) % 3)),
        regression: [
          { metric: 'rps', tolerance: 0.05, severity: 'fail' },
          { metric: 'p99', tolerance: 0.1, severity: 'fail' },
          { metric: 'errorRate', tolerance: 0.01, severity: 'fail' },
        ],
        ...(k === 2 ? { invalid: [3] } : {}),
      }))
    }
    const base = syntheticResults(entries(1))
    const head = syntheticResults(entries(1.3))
    const comparison = compare(base, head, { paired: true })
    const looks = pairedLooks(base, head, comparison)
    let checked = 0
    for (const entry of comparison.entries) {
      for (const m of entry.metrics) {
        const last = looks.get(entry.key)?.get(m.metric)?.at(-1)
        expect(last, `${entry.key} ${m.metric}`).toBeDefined()
        expect(last?.pairs).toBe(m.headRounds)
        expect(last?.verdict, `${entry.key} ${m.metric}`).toBe(m.verdict)
        // Where the 95 % interval claimed a change, compare() shows the alarm level's (`decided`).
        const shown = { change: last?.change, low: last?.decided?.low ?? last?.low, high: last?.decided?.high ?? last?.high }
        expect(last?.decided?.confidence, `${entry.key} ${m.metric} level`).toBe(m.confidence)
        for (const key of ['change', 'low', 'high'] as const) {
          const want = m[key]
          if (Number.isFinite(want)) expect(shown[key], `${entry.key} ${m.metric} ${key}`).toBeCloseTo(want, 10)
          else expect(shown[key]).toBe(want)
        }
        checked++
      }
    }
    expect(checked).toBeGreaterThan(20)
    const shots = process.env['CANNONADE_SCREENSHOTS']
    if (shots !== undefined && shots !== '') {
      await writeFile(path.join(shots, 'noisy-pairs.html'), renderReportHtml({ results: head, base, comparison, paired: true }))
    }
    expect(comparison.entries[1]?.metrics.some((m) => m.verdict === 'regression')).toBe(true)
  })

  it('embeds its data so that no string can end the script element', () => {
    const text = scriptSafeJson({ name: '</script><!-- \u2028' })
    expect(text).not.toMatch(/<\/script|<!--|\u2028/)
    expect(JSON.parse(text)).toEqual({ name: '</script><!-- \u2028' })
  })

  it('is still written when a baseline holds a histogram that cannot be read, and says which curve is missing', () => {
    const base = syntheticResults(BASE_ENTRIES)
    const garbage = { ...base, entries: base.entries.map((e) => ({ ...e, histogram: 'AAAA' })) }
    const head = syntheticResults(HEAD_ENTRIES)
    const html = renderReportHtml({ results: head, comparison: compare(garbage, head), base: garbage })
    expect(html).toContain('The base histogram in its results file could not be read, so that curve is missing.')
  })

  it('pins the one script allowed to run by its hash and fetches nothing', () => {
    const head = syntheticResults(HEAD_ENTRIES)
    const html = renderReportHtml({ results: head, comparison: compare(undefined, head) })
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'/)
    expect(html).not.toMatch(/<script[^>]+src=|<link /)
    expect(html).toContain('uPlot')
  })
})
