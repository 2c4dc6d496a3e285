// Lines and points against an x and a y axis, drawn by uPlot: the per-round, per-second, percentile,
// trend, load and decision charts are all this kind, told apart only by their data.
import uPlot from 'uplot'
import type { MarkSpec, SeriesRole, SeriesSpec, XScale, XYChartSpec, YUnit } from '../page-types.js'
import { axisLabel, formatValue, percentileLabel, tickLabel, xValueLabel } from './format.js'

/** The x value's name in the legend, short (the axis label says more). */
const LEGEND_X: Record<XScale, string> = { linear: 'round', percentile: 'percentile', time: 'date' }

/** Colours by role, shared by lines, points and shaded bands. */
export const COLOURS: Record<SeriesRole, string> = {
  base: '#2563eb',
  head: '#ea580c',
  interval: '#64748b',
  tolerance: '#16a34a',
  other: '#7c3aed',
}

/** Band fills: the role's colour, faint. */
const FILLS: Record<SeriesRole, string> = {
  base: '#2563eb18',
  head: '#ea580c18',
  interval: '#64748b18',
  tolerance: '#16a34a1f',
  other: '#7c3aed18',
}

/** Width of a tick label in CSS pixels, at the axis font (12 px system-ui: about 7 px a character). */
function labelWidth(text: string): number {
  return text.length * 7 + 6
}

/**
 * Labels that do not overlap: a tick keeps its label only when it stands clear of the last kept
 * one, and the last is dropped when it would be cut at the edge of the canvas. ("0 %50 %" and a
 * clipped "99.999 %" were what a reader saw before.)
 */
function spacedLabels(u: uPlot, splits: readonly number[], labels: readonly (string | null)[]): (string | null)[] {
  // Positions from the scale itself: while uPlot lays the axes out, the plot's own box may not be sized yet.
  const { min, max, distr } = u.scales['x'] ?? {}
  if (min === undefined || max === undefined || min === null || max === null || !(max > min)) return [...labels]
  const log = distr === 3
  const span = log ? Math.log10(max) - Math.log10(min) : max - min
  const plotWidth = Math.max(100, (u.bbox.width > 0 ? u.bbox.width / devicePixelRatio : u.width - Y_AXIS_GUESS) - 0)
  let lastEdge = -Infinity
  return labels.map((label, i) => {
    const value = splits[i]
    if (label === null || value === undefined) return null
    const at = ((log ? Math.log10(value) - Math.log10(min) : value - min) / span) * plotWidth
    const half = labelWidth(label) / 2
    // The canvas ends PAD_RIGHT beyond the plot: a label past it would be cut.
    if (at - half < lastEdge || at + half > plotWidth + PAD_RIGHT) return null
    lastEdge = at + half
    return label
  })
}

/** The y axis's width before uPlot has measured it, for the first layout pass. */
const Y_AXIS_GUESS = 70

/** Room on the right of the plot, so that the last x label is not cut off. */
const PAD_RIGHT = 28

/** A time axis with room at both ends, so the first and last points (this run's mark) are not cut. */
function padded(_u: uPlot, min: number, max: number): uPlot.Range.MinMax {
  const pad = Math.max(3600, (max - min) * 0.04)
  return [min - pad, max + pad]
}

/** Tick positions of the percentile axis: 50 %, 90 %, 99 %, … as far as the data reaches (0 % says nothing). */
function percentileSplits(_u: uPlot, _axis: number, min: number, max: number): number[] {
  const splits: number[] = []
  for (const x of [2, 10, 100, 1e3, 1e4, 1e5, 1e6]) if (x >= min && x <= max * 1.0001) splits.push(x)
  return splits
}

function seriesOptions(spec: SeriesSpec, unit: YUnit, y2Unit: YUnit | undefined, dots: boolean): uPlot.Series {
  const stroke = COLOURS[spec.role]
  const shownUnit = spec.secondAxis === true && y2Unit !== undefined ? y2Unit : unit
  const thin = spec.role === 'interval' || spec.role === 'tolerance'
  const options: uPlot.Series = {
    label: spec.label,
    stroke,
    width: thin ? 1.5 : 2,
    scale: spec.secondAxis === true ? 'y2' : 'y',
    spanGaps: spec.breakAtGaps !== true,
    value: (_u, v) => (v === null || v === undefined ? '—' : formatValue(v, shownUnit)),
    points: {
      show: (dots && spec.role !== 'tolerance') || spec.pointsOnly === true,
      size: spec.pointsOnly === true ? 7 : 5,
      stroke,
      fill: stroke,
    },
  }
  if (spec.role === 'interval') options.dash = [5, 4]
  if (spec.pointsOnly === true) options.paths = () => null
  return options
}

/** Draws each mark as a dashed vertical line with its label at the top of the plot. */
function marksPlugin(marks: readonly MarkSpec[]): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u
          const { top, height } = u.bbox
          ctx.save()
          ctx.strokeStyle = '#57606a'
          ctx.fillStyle = '#1f2328'
          ctx.lineWidth = devicePixelRatio
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio])
          ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`
          for (const mark of marks) {
            const x = Math.round(u.valToPos(mark.x, 'x', true))
            ctx.beginPath()
            ctx.moveTo(x, top)
            ctx.lineTo(x, top + height)
            ctx.stroke()
            // The label sits right of the line, or left of it near the right edge.
            const width = ctx.measureText(mark.label).width
            const room = u.bbox.left + u.bbox.width - x
            ctx.textAlign = room > width + 8 * devicePixelRatio ? 'left' : 'right'
            ctx.fillText(mark.label, x + (ctx.textAlign === 'left' ? 4 : -4) * devicePixelRatio, top + 14 * devicePixelRatio)
          }
          ctx.restore()
        },
      ],
    },
  }
}

/** Room for the y axis's tick labels: the widest of them. */
function ySize(_u: uPlot, values: string[] | null): number {
  const widest = Math.max(3, ...(values ?? []).map((v) => String(v ?? '').length))
  return Math.max(44, widest * 7 + 18)
}

/** The uPlot options of a chart: axes and scales from its spec, one series per line. */
function plotOptions(spec: XYChartSpec, width: number): uPlot.Options {
  const scale = spec.x.scale
  const xAxis: uPlot.Axis = {
    label: spec.x.label,
    values: (u, splits) =>
      spacedLabels(
        u,
        splits,
        splits.map((v) => (v === null ? null : scale === 'linear' ? tickLabel(v) : percentileLabel(v))),
      ),
  }
  if (scale === 'percentile') {
    xAxis.splits = percentileSplits
    // uPlot labels only powers of ten on a log axis by default; 50 % (x = 2) deserves its label.
    xAxis.filter = (_u, splits) => splits
  }
  if (scale === 'linear') xAxis.incrs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
  const fixed = spec.y.range
  const axes: uPlot.Axis[] = [
    scale === 'time' ? { label: spec.x.label } : xAxis,
    { label: axisLabel(spec.y.label, spec.y.unit), size: ySize, values: (_u, splits) => splits.map(tickLabel) },
  ]
  const scales: uPlot.Scales = {
    x: scale === 'percentile' ? { time: false, distr: 3, log: 10 } : scale === 'time' ? { time: true, range: padded } : { time: false },
    y:
      fixed !== undefined
        ? { range: [fixed[0], fixed[1]] }
        : spec.y.log === true
          ? { distr: 3, log: 10 }
          : { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
  }
  const y2 = spec.y2
  if (y2 !== undefined) {
    scales['y2'] = { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] }
    axes.push({
      scale: 'y2',
      side: 1,
      label: axisLabel(y2.label, y2.unit),
      size: ySize,
      grid: { show: false },
      values: (_u, splits) => splits.map(tickLabel),
    })
  }
  const options: uPlot.Options = {
    width,
    height: 260,
    // Top, right, bottom, left: the right keeps the last x label whole.
    padding: [12, y2 === undefined ? PAD_RIGHT : 8, 0, 0],
    scales,
    axes,
    legend: { live: true },
    series: [
      { label: spec.x.legend ?? LEGEND_X[scale], value: (_u, v) => (v === null || v === undefined ? '—' : xValueLabel(scale, v)) },
      ...spec.series.map((s) => seriesOptions(s, spec.y.unit, y2?.unit, scale !== 'percentile')),
    ],
    plugins: spec.marks === undefined || spec.marks.length === 0 ? [] : [marksPlugin(spec.marks)],
  }
  if (spec.bands !== undefined) {
    // uPlot counts the x values as series 0.
    options.bands = spec.bands.map((band) => ({ series: [band.between[0] + 1, band.between[1] + 1], fill: FILLS[band.role] }))
  }
  return options
}

/** Draws an x-y chart into `box`, as wide as the box is. */
export function drawXYChart(spec: XYChartSpec, box: HTMLElement): uPlot {
  const data: uPlot.AlignedData = [[...spec.x.values], ...spec.series.map((s) => [...s.values])]
  const width = Math.max(300, Math.floor(box.clientWidth || 520))
  return new uPlot(plotOptions(spec, width), data, box)
}
