// Opens pages in Debian's headless Chromium through playwright-core (which downloads no browser).
// Without Chromium a test skips locally but fails under CI (CI set), so a missing browser can
// never make the page tests pass silently there.
import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { awaitSystemTools } from './system-tools.js'

/** Where Debian puts Chromium; CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'

/** True when the page tests can run here; under CI a missing Chromium throws instead. */
export function chromiumAvailable(): boolean {
  awaitSystemTools()
  if (existsSync(CHROMIUM)) return true
  if (process.env['CI'] !== undefined && process.env['CI'] !== '') {
    throw new Error(`Chromium is not at ${CHROMIUM} (set CHROMIUM_PATH): the report.html tests cannot run, and CI must not skip them`)
  }
  return false
}

/** Starts a headless Chromium with no network services of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** What a page reported while it loaded. */
export interface Opened {
  readonly page: Page
  /** Console errors, uncaught exceptions and any request the page tried to make off the file. */
  readonly problems: string[]
}

/** Opens a local HTML file, recording console errors, page errors and network requests. */
export async function openFile(browser: Browser, file: string, viewport = { width: 1280, height: 900 }): Promise<Opened> {
  const page = await browser.newPage({ viewport })
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) problems.push(`request: ${request.url()}`)
  })
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
  return { page, problems }
}

/** What the tests read back from every chart the page drew (window.cannonadeCharts). */
export interface DrawnChart {
  readonly id: string
  /** The x values' count. */
  readonly points: number
  /** Per series: its label and how many of its values are points (not null). */
  readonly series: { readonly label: string; readonly values: (number | null)[] }[]
  readonly x: number[]
  /** The drawing surface has a size. */
  readonly drawn: boolean
}

// Runs in the page (a string, since the tests are type-checked without the DOM's types).
const READ_CHARTS = `(window.cannonadeCharts || []).filter((c) => c.plot).map(({ id, plot }) => {
  const canvas = plot.root.querySelector('canvas')
  const [x = [], ...rest] = plot.data
  return {
    id,
    points: x.length,
    x: Array.from(x, (v) => (v == null ? NaN : v)),
    series: rest.map((values, i) => ({ label: String(plot.series[i + 1].label), values: Array.from(values, (v) => (v == null ? null : v)) })),
    drawn: canvas !== null && canvas.width > 0 && canvas.height > 0,
  }
})`

/** The charts the page drew, read from the uPlot instances themselves. */
export function drawnCharts(page: Page): Promise<DrawnChart[]> {
  return page.evaluate<DrawnChart[]>(READ_CHARTS)
}
