// report.html opened in headless Chromium: it draws every chart with no console error and no
// request, the charts hold the points the results hold, and names from a results file stay text.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compare } from '../../src/compare/compare.js'
import { extendHistory } from '../../src/history/build.js'
import type { History } from '../../src/history/format.js'
import type { Results } from '../../src/results/format.js'
import { renderReportHtml } from '../../src/report/html/report-page.js'
import { scriptSafeJson } from '../../src/report/html/page.js'
import { reportRows, verdictWord } from '../../src/report/rows.js'
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

const present = (values: readonly (number | null)[]): number[] => values.filter((v): v is number => v !== null)

describe.skipIf(!available)('report.html in Chromium', () => {
  it('draws every chart of a same-job pull request with the data points it should, and the verdict table', async () => {
    const base = timed(syntheticResults(BASE_ENTRIES, { sha: 'base111' }), (i) => ABBA_BASE[i] ?? 0)
    const head = timed(syntheticResults(HEAD_ENTRIES, { sha: 'head222' }), (i) => ABBA_HEAD[i] ?? 0)
    const comparison = compare(base, head, { paired: true, baselineDescription: 'base commit measured beside the head' })
    const html = renderReportHtml({ results: head, comparison, base, paired: true, history: history(5) })
    const { charts, problems, page } = await open('report.html', html)
    expect(problems).toEqual([])

    const kinds = ['percentiles', 'rounds-rps', 'rounds-p99', 'server-cpu', 'server-rss', 'history-p99', 'history-rps']
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

    // The table says what the comment says, in the same order.
    const notable = reportRows(comparison).notable
    expect(notable.length).toBeGreaterThan(0)
    const firstRow = page.locator('table.rows').first().locator('tbody tr').first()
    expect(await firstRow.locator('td').last().textContent()).toBe(verdictWord(notable[0]!))
    expect(await page.locator('table.rows').first().locator('tbody tr').count()).toBe(notable.length)
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
