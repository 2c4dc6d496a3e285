// Which module draws which kind of chart. A new kind (a flame graph, say) is its spec in
// page-types.ts, its module here in client/, and one line in DRAWERS.
import type uPlot from 'uplot'
import type { ChartSpec } from '../page-types.js'
import { drawXYChart } from './xy-chart.js'

/** A chart drawn on the page, kept by id for a reader's console and for the tests that open the page. */
export interface DrawnChart {
  readonly id: string
  readonly kind: ChartSpec['kind']
  /** The uPlot instance of an x-y chart (the tests read its data back). */
  readonly plot?: uPlot
}

/** Draws one kind of chart into its box; returns what the page keeps of it. */
type Drawer<S extends ChartSpec> = (spec: S, box: HTMLElement) => Omit<DrawnChart, 'id' | 'kind'>

/** One drawer per kind: the checker insists every kind of ChartSpec has one. */
const DRAWERS: { readonly [K in ChartSpec['kind']]: Drawer<Extract<ChartSpec, { kind: K }>> } = {
  xy: (spec, box) => ({ plot: drawXYChart(spec, box) }),
}

/** Draws a chart of any kind. */
export function drawAnyChart(spec: ChartSpec, box: HTMLElement): DrawnChart {
  const drawer: Drawer<ChartSpec> = DRAWERS[spec.kind]
  return { id: spec.id, kind: spec.kind, ...drawer(spec, box) }
}
