// test-kind: process — the pages' charts hold the points their results files hold, whatever those are;
// Chromium's start is awaited, with no bound on its time.
//
// The bundle's pages, opened in headless Chromium: report.html as `cannonade run` writes it for a
// real app, and the site `cannonade history --site` writes, from history.json or from results files.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { extendHistory } from '../src/history/build.js'
import type { History } from '../src/history/document.js'
import { parseHistory } from '../src/history/io.js'
import { parseResults } from '../src/results/io.js'
import { syntheticResults } from '../__fixtures__/results/build.js'
import { chromiumAvailable, drawnCharts, launchChromium, openFile } from './helpers/browser.js'
import { freePort } from './helpers/ports.js'
import { cli } from './helpers/run-node.js'
import { demoAppLines } from '../__fixtures__/demo/app-config.js'

const RUNS = 7
const DAY_MS = 86_400_000

let dir = ''
let browser: Browser | undefined
const available = chromiumAvailable()

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-site-'))
  if (available) browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await rm(dir, { recursive: true, force: true })
})

/** Run `run` of a base branch, one day apart, p99 stepping up from run 5. */
function resultsOfRun(run: number, scenarios = ['list users', 'search']): ReturnType<typeof syntheticResults> {
  const slow = run >= 5 ? 1.5 : 1
  const results = syntheticResults(
    scenarios.map((scenario, i) => ({
      scenario,
      rps: [1000, 1010, 990].map((v) => v / (i + 1)),
      p50Us: [2000, 2020, 1980].map((v) => v * (i + 1) * slow),
    })),
    { sha: `${run}`.repeat(40).slice(0, 40) },
  )
  return { ...results, createdAt: new Date(Date.parse('2026-11-01T12:00:00Z') + run * DAY_MS).toISOString() }
}

function historyOf(runs: number): History {
  let history: History | undefined
  for (let run = 0; run < runs; run++) history = extendHistory(history, resultsOfRun(run), 1000 + run)
  if (history === undefined) throw new Error('no runs')
  return history
}

async function shoot(page: import('playwright-core').Page, name: string): Promise<void> {
  const shots = process.env['CANNONADE_SCREENSHOTS']
  if (shots === undefined || shots === '') return
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true })
  await page.screenshot({ path: path.join(shots, `${name}-top.png`) })
}

// These cases write and open pages from files, measuring nothing: they run side by side (the run of a
// real app below does not).
describe('cannonade history --site', { concurrent: true }, () => {
  it('refuses to guess where the history is', async () => {
    const neither = await cli(['history', '--site', path.join(dir, 'nowhere')])
    expect(neither.code).toBe(2)
    expect(neither.stderr).toContain('history needs one of --history FILE or --results-dir DIR, got neither')
    const noSite = await cli(['history', '--history', 'x.json'])
    expect(noSite.code).toBe(2)
    expect(noSite.stderr).toContain('history needs --site DIR')
    const broken = path.join(dir, 'broken.json')
    await writeFile(broken, '{"schemaVersion": 1, "suite": "demo", "runs": [{"date": 5}]}')
    const bad = await cli(['history', '--site', path.join(dir, 'bad'), '--history', broken])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain(`${broken}: not a valid Cannonade history file`)
  })

  it.skipIf(!available)('writes a site from history.json whose every trend chart holds every run', async () => {
    const history = historyOf(RUNS)
    const file = path.join(dir, 'history.json')
    await writeFile(file, JSON.stringify(history))
    const site = path.join(dir, 'site')
    const written = await cli(['history', '--site', site, '--history', file])
    expect(written.code, written.stderr).toBe(0)
    expect(written.stdout).toContain('(2 entries, 7 runs of demo)')
    expect((await readdir(site)).sort()).toEqual(['history.json', 'index.html'])
    expect(parseHistory(JSON.parse(await readFile(path.join(site, 'history.json'), 'utf8')), 'site')).toEqual(history)

    const { page, problems } = await openFile(browser!, path.join(site, 'index.html'))
    const charts = await drawnCharts(page)
    await shoot(page, 'site')
    expect(problems).toEqual([])
    const metrics = ['p99', 'p50', 'rps', 'errorRate', 'cpu', 'rss']
    expect(charts.map((c) => c.id)).toEqual([0, 1].flatMap((e) => metrics.map((m) => `entry-${e}-history-${m}`)))
    expect(charts.every((c) => c.drawn && c.points === RUNS)).toBe(true)
    // p99 of the second entry, in ms: the step at run 5 is in the points.
    const p99 = charts.find((c) => c.id === 'entry-1-history-p99')?.series.find((s) => s.label === 'base branch (median)')?.values
    expect(p99).toEqual([12, 12, 12, 12, 12, 18, 18])
    expect(await page.locator('#entry-1 h2').textContent()).toBe('search @ 10 conn')
    await page.close()
  })

  it.skipIf(!available)('writes a site from a folder of results files, one per run, oldest first', async () => {
    const folder = path.join(dir, 'artifacts')
    // Written newest first into folders named against time: the dates decide the order.
    for (let run = 0; run < 3; run++) {
      await mkdir(path.join(folder, `run-${9 - run}`), { recursive: true })
      await writeFile(path.join(folder, `run-${9 - run}`, 'results.json'), JSON.stringify(resultsOfRun(run, ['only'])))
    }
    const site = path.join(dir, 'from-results')
    const written = await cli(['history', '--site', site, '--results-dir', folder])
    expect(written.code, written.stderr).toBe(0)
    expect(written.stdout).toContain('(1 entry, 3 runs of demo)')
    const { page, problems } = await openFile(browser!, path.join(site, 'index.html'))
    const charts = await drawnCharts(page)
    expect(problems).toEqual([])
    const rps = charts.find((c) => c.id === 'entry-0-history-rps')
    expect(rps?.x).toEqual([0, 1, 2].map((run) => Date.parse(resultsOfRun(run).createdAt) / 1000))
    await page.close()

    await writeFile(path.join(folder, 'run-9', 'results.json'), JSON.stringify({ ...resultsOfRun(0), suite: 'other' }))
    const mixed = await cli(['history', '--site', site, '--results-dir', folder])
    expect(mixed.code).toBe(2)
    expect(mixed.stderr).toMatch(/the results files belong to 2 suites, expected one/)
  })
})

describe.skipIf(!available)('cannonade run writes report.html', () => {
  it('beside results.json, drawing every entry of a real run with one point per round', async () => {
    const port = await freePort()
    const config = path.join(dir, 'run.yml')
    await writeFile(
      config,
      [
        ...demoAppLines(port),
        'warmupSuite: false',
        'defaults: { connections: 2, rounds: 3, duration: 200ms, warmup: 50ms }',
        'scenarios:',
        '  - { name: users, path: /users }',
        '  - { name: "<b>search</b>", path: /search }',
      ].join('\n'),
    )
    const out = path.join(dir, 'run')
    const run = await cli(['run', '--config', config, '--out', out])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain(`report: ${path.relative(process.cwd(), path.join(out, 'report.html'))}`)
    const results = parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')

    const { page, problems } = await openFile(browser!, path.join(out, 'report.html'))
    const charts = await drawnCharts(page)
    await shoot(page, 'cli-report')
    expect(problems).toEqual([])
    const kinds = ['percentiles', 'rounds-rps', 'rounds-p99', 'server-cpu', 'server-rss']
    expect(charts.map((c) => c.id)).toEqual([0, 1].flatMap((e) => kinds.map((k) => `entry-${e}-${k}`)))
    expect(charts.every((c) => c.drawn)).toBe(true)
    const rps = charts.find((c) => c.id === 'entry-1-rounds-rps')?.series[0]?.values
    expect(rps).toEqual(results.entries[1]?.rounds.map((r) => r.rps))
    expect(await page.locator('#entry-1 h2').textContent()).toBe('<b>search</b> @ 2 conn')
    await page.close()
  })
})
