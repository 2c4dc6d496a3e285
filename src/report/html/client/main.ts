// The browser half of report.html and the history site: reads the page's data from its JSON script
// element and lays it out: headline, facts, tables, then each entry's charts. Every word comes from
// the data and is set as text (dom.ts); each kind of chart is drawn by its own module (charts.ts).
import type { ChartSpec, PageData, PageEntry, PageTable } from '../page-types.js'
import { drawAnyChart, type DrawnChart } from './charts.js'
import { element } from './dom.js'
import { drawFlame } from './flame.js'

declare global {
  interface Window {
    cannonadeCharts?: DrawnChart[]
  }
}

function drawChart(spec: ChartSpec, container: HTMLElement, drawn: DrawnChart[]): void {
  const card = element('figure', 'chart')
  card.dataset['chartId'] = spec.id
  card.append(element('figcaption', 'chart-title', spec.title))
  if (spec.caption !== undefined) card.append(element('p', 'chart-caption', spec.caption))
  const plotBox = element('div', 'plot')
  card.append(plotBox)
  container.append(card)
  try {
    drawn.push(drawAnyChart(spec, plotBox))
    card.dataset['rendered'] = 'true'
  } catch (error) {
    plotBox.textContent = 'This chart could not be drawn.'
    console.error(`chart ${spec.id}:`, error)
  }
}

function renderTable(table: PageTable): HTMLElement {
  const node = element('table', 'rows')
  const head = node.createTHead().insertRow()
  for (const cell of table.header) head.append(element('th', undefined, cell))
  const body = node.createTBody()
  for (const row of table.rows) {
    const tr = body.insertRow()
    tr.className = `kind-${row.kind.replace(/[^a-z-]/g, '')}`
    for (const cell of row.cells) tr.insertCell().textContent = cell
  }
  if (table.collapsedSummary === undefined) return node
  const details = element('details')
  details.append(element('summary', undefined, table.collapsedSummary), node)
  return details
}

/** The entry's section; its charts are drawn once it is in the page, so each knows the width it has. */
function renderEntry(entry: PageEntry, index: number): { section: HTMLElement; grid: HTMLElement } {
  const section = element('section', 'entry')
  section.id = `entry-${index}`
  section.append(element('h2', undefined, entry.key))
  if (entry.summary !== undefined) section.append(element('p', 'entry-summary', entry.summary))
  const grid = element('div', 'charts')
  section.append(grid)
  return { section, grid }
}

function render(data: PageData, root: HTMLElement): void {
  document.title = data.title
  root.append(element('h1', undefined, data.title))
  if (data.headline !== undefined) root.append(element('p', `headline outcome-${data.outcome ?? 'none'}`, data.headline))
  const facts = element('ul', 'facts')
  for (const fact of data.facts) facts.append(element('li', undefined, fact))
  root.append(facts)
  for (const notice of data.notices) root.append(element('p', 'notice', notice))
  for (const table of data.tables) root.append(renderTable(table))
  if (data.entries.length > 1) {
    const nav = element('nav', 'toc')
    for (const [index, entry] of data.entries.entries()) {
      const link = element('a', undefined, entry.key)
      link.href = `#entry-${index}`
      nav.append(link)
    }
    root.append(nav)
  }
  const drawn: DrawnChart[] = []
  window.cannonadeCharts = drawn
  for (const [index, entry] of data.entries.entries()) {
    const { section, grid } = renderEntry(entry, index)
    root.append(section)
    for (const chart of entry.charts) drawChart(chart, grid, drawn)
    if (entry.flame !== undefined) drawFlame(entry.flame, section, renderTable)
  }
  root.append(element('footer', undefined, data.footer))
}

function start(): void {
  const root = document.getElementById('app')
  const source = document.getElementById('cannonade-data')
  if (root === null || source === null) return
  try {
    const data: PageData = JSON.parse(source.textContent ?? '{}')
    render(data, root)
  } catch (error) {
    root.textContent = 'This report could not be shown: its data is unreadable.'
    console.error(error)
  }
}

start()
