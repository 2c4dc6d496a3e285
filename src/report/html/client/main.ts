// The browser half of report.html and the history site: reads the page's data from its JSON script
// element and lays it out. Every word comes from the data and is set as text (textContent), never as
// markup, so names from a results file cannot inject anything. Charts are drawn by uPlot, bundled in.
import uPlot from 'uplot'
import type { ChartSpec, PageData, PageEntry, PageTable, SeriesRole, SeriesSpec, XScale, YUnit } from '../page-types.js'
import { drawFlame } from './flame.js'

/** Every chart drawn, by id, for a reader's console and for the tests that open the page. */
interface DrawnChart {
  readonly id: string
  readonly plot: uPlot
}

declare global {
  interface Window {
    cannonadeCharts?: DrawnChart[]
  }
}

/** The x value's name in the legend, short (the axis label says more). */
const LEGEND_X: Record<XScale, string> = { linear: 'round', percentile: 'percentile', time: 'date' }

const COLOURS: Record<SeriesRole, string> = { base: '#2563eb', head: '#ea580c', interval: '#94a3b8', other: '#16a34a' }

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (className !== undefined) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

function trimmed(value: number, digits: number): string {
  return Number(value.toFixed(digits)).toLocaleString('en-US', { maximumFractionDigits: digits })
}

/** A value in its unit, with as many digits as its size deserves. */
function formatValue(value: number, unit: YUnit): string {
  const abs = Math.abs(value)
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3
  return unit === '%' ? `${trimmed(value, digits)} %` : `${trimmed(value, digits)} ${unit}`
}

/** `latency p99 (ms)`; a label that already names its unit keeps it once. */
function axisLabel(label: string, unit: YUnit): string {
  return label.endsWith(`(${unit})`) ? label : `${label} (${unit})`
}

/** An axis tick: the number alone, as the axis label carries the unit. */
function tickLabel(value: number): string {
  const abs = Math.abs(value)
  return trimmed(value, abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3)
}

/** A time axis with room at both ends, so the first and last points (this run's mark) are not cut. */
function padded(_u: uPlot, min: number, max: number): uPlot.Range.MinMax {
  const pad = Math.max(3600, (max - min) * 0.04)
  return [min - pad, max + pad]
}

/** `1 / (1 − p)` back to the percentile it stands for: 10 → `90 %`, 1000 → `99.9 %`. */
function percentileLabel(x: number): string {
  return `${Number((100 * (1 - 1 / x)).toPrecision(6))} %`
}

function xValueLabel(scale: XScale, value: number): string {
  if (scale === 'percentile') return percentileLabel(value)
  if (scale === 'time') return new Date(value * 1000).toISOString().slice(0, 16).replace('T', ' ')
  return `round ${value}`
}

/** Tick positions of the percentile axis: 50 %, 90 %, 99 %, … as far as the data reaches. */
function percentileSplits(_u: uPlot, _axis: number, min: number, max: number): number[] {
  const splits: number[] = []
  for (const x of [1, 2, 10, 100, 1e3, 1e4, 1e5, 1e6]) if (x >= min && x <= max * 1.0001) splits.push(x)
  return splits
}

function seriesOptions(spec: SeriesSpec, unit: YUnit, y2Unit: YUnit | undefined, dots: boolean): uPlot.Series {
  const stroke = COLOURS[spec.role]
  const shownUnit = spec.secondAxis === true && y2Unit !== undefined ? y2Unit : unit
  const options: uPlot.Series = {
    label: spec.label,
    stroke,
    width: spec.role === 'interval' ? 1 : 2,
    scale: spec.secondAxis === true ? 'y2' : 'y',
    spanGaps: true,
    value: (_u, v) => (v === null || v === undefined ? '—' : formatValue(v, shownUnit)),
    points: { show: dots || spec.pointsOnly === true, size: spec.pointsOnly === true ? 9 : 5, stroke, fill: stroke },
  }
  if (spec.role === 'interval') options.dash = [4, 4]
  if (spec.pointsOnly === true) options.paths = () => null
  return options
}

/** The uPlot options of a chart: axes and scales from its spec, one series per line. */
function plotOptions(spec: ChartSpec, width: number): uPlot.Options {
  const scale = spec.x.scale
  const xAxis: uPlot.Axis = {
    label: spec.x.label,
    values: (_u, splits) => splits.map((v) => (v === null ? null : scale === 'linear' ? String(v) : percentileLabel(v))),
  }
  if (scale === 'percentile') {
    xAxis.splits = percentileSplits
    // uPlot labels only powers of ten on a log axis by default; 50 % (x = 2) deserves its label.
    xAxis.filter = (_u, splits) => splits
  }
  if (scale === 'linear') xAxis.incrs = [1, 2, 5, 10, 20, 50, 100]
  const axes: uPlot.Axis[] = [
    scale === 'time' ? { label: spec.x.label } : xAxis,
    { label: axisLabel(spec.y.label, spec.y.unit), size: 60, values: (_u, splits) => splits.map(tickLabel) },
  ]
  const scales: uPlot.Scales = {
    x: scale === 'percentile' ? { time: false, distr: 3, log: 10 } : scale === 'time' ? { time: true, range: padded } : { time: false },
    y: spec.y.log === true ? { distr: 3, log: 10 } : { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
  }
  const y2 = spec.y2
  if (y2 !== undefined) {
    scales['y2'] = { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] }
    axes.push({
      scale: 'y2',
      side: 1,
      label: axisLabel(y2.label, y2.unit),
      size: 60,
      grid: { show: false },
      values: (_u, splits) => splits.map(tickLabel),
    })
  }
  return {
    width,
    height: 260,
    scales,
    axes,
    legend: { live: true },
    series: [
      { label: spec.x.legend ?? LEGEND_X[scale], value: (_u, v) => (v === null || v === undefined ? '—' : xValueLabel(scale, v)) },
      ...spec.series.map((s) => seriesOptions(s, spec.y.unit, y2?.unit, scale !== 'percentile')),
    ],
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
    const data: uPlot.AlignedData = [[...spec.x.values], ...spec.series.map((s) => [...s.values])]
    const width = Math.max(300, Math.floor(plotBox.clientWidth || 520))
    const plot = new uPlot(plotOptions(spec, width), data, plotBox)
    drawn.push({ id: spec.id, plot })
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
