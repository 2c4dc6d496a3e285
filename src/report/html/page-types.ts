// What report.html and the history site embed as JSON and draw from. The page is data first: the
// server side (page-data.ts, site-data.ts) turns results and history into these plain objects, every
// word and unit already chosen; the browser side (client/) only lays them out and draws the charts.
// Shared by both sides, so this file imports nothing.

/** How a chart's x axis reads its values. */
export type XScale =
  /** Plain numbers, e.g. round order or a load level. */
  | 'linear'
  /** `1 / (1 − p)` for percentile p, on a log scale labelled 50 %, 90 %, 99 %, … as HdrHistogram plots do. */
  | 'percentile'
  /** Unix seconds, labelled as dates. */
  | 'time'

/** The unit a y axis shows its values in; the values are already in it. */
export type YUnit = 'ms' | 'req/s' | '%' | 'pp' | 'MB' | 'µs' | 'conn'

/**
 * What a series shows; the page colours them consistently: the two sides, an interval's ends, a
 * tolerance's limits, or anything else.
 */
export type SeriesRole = 'base' | 'head' | 'interval' | 'tolerance' | 'other'

/** One line (or set of points) of a chart. */
export interface SeriesSpec {
  readonly label: string
  readonly role: SeriesRole
  /** One value per x value; null where this series has no point there. */
  readonly values: readonly (number | null)[]
  /** Points without a connecting line, e.g. a single marked value. */
  readonly pointsOnly?: boolean
  /** Drawn against the second y axis. */
  readonly secondAxis?: boolean
  /**
   * The line stops where a value is missing, instead of joining the points either side (per-second
   * series: the pause between two rounds is not a slope). Default: joined.
   */
  readonly breakAtGaps?: boolean
}

/** What every kind of chart has: where it sits on the page and the words around it. */
export interface ChartFrame {
  /** Unique on the page and stable (`entry-2-rounds-rps`); never made from a user's names. */
  readonly id: string
  readonly title: string
  /** One sentence under the title saying what to look for. */
  readonly caption?: string
}

/** A vertical line across an x-y chart at one x value, labelled (`knee: 64 conn`). */
export interface MarkSpec {
  readonly x: number
  readonly label: string
}

/** Lines and points against an x and a y axis (drawn by client/xy-chart.ts). */
export interface XYChartSpec extends ChartFrame {
  readonly kind: 'xy'
  /** `legend` names the x value in the legend (default by scale: round, percentile, date). */
  readonly x: { readonly label: string; readonly scale: XScale; readonly values: readonly number[]; readonly legend?: string }
  /** `range` fixes the axis, e.g. so that one wide early interval does not flatten the rest. */
  readonly y: { readonly label: string; readonly unit: YUnit; readonly log?: boolean; readonly range?: readonly [number, number] }
  readonly y2?: { readonly label: string; readonly unit: YUnit }
  readonly series: readonly SeriesSpec[]
  /** The area between two series (indices into `series`) is shaded, e.g. a tolerance band. */
  readonly bands?: readonly { readonly between: readonly [number, number]; readonly role: SeriesRole }[]
  readonly marks?: readonly MarkSpec[]
}

/**
 * Every kind of chart a page can hold. A new kind is one more spec here, with its own `kind`, and one
 * more module in client/ registered in client/charts.ts.
 */
export type ChartSpec = XYChartSpec

/** One entry (a scenario at a load level) and its charts. */
export interface PageEntry {
  readonly key: string
  /** A short line under the entry's name: its verdict or its headline numbers. */
  readonly summary?: string
  readonly charts: readonly ChartSpec[]
  /** The differential flame graph of the entry's CPU profiles, when it got slower and was profiled. */
  readonly flame?: FlameSpec
}

/** A call path of a differential flame graph: inclusive CPU per request, µs, on each side. */
export interface FlameNodeSpec {
  readonly name: string
  readonly base: number
  readonly head: number
  readonly children: readonly FlameNodeSpec[]
}

/** A differential flame graph: widths are the head's CPU per request, colour the change from the base. */
export interface FlameSpec {
  /** Unique on the page and stable (`entry-0-flame`). */
  readonly id: string
  readonly title: string
  readonly caption: string
  readonly root: FlameNodeSpec
  /** The functions that grew most, as in the comment. */
  readonly table?: PageTable
}

/** A table of words, e.g. the comparison's rows. */
export interface PageTable {
  readonly header: readonly string[]
  /** `kind` colours the row (regression, improvement, unchanged, …); cells are plain text. */
  readonly rows: readonly { readonly kind: string; readonly cells: readonly string[] }[]
  /** Shown collapsed under this summary line when set. */
  readonly collapsedSummary?: string
}

/** Everything a page shows. */
export interface PageData {
  readonly title: string
  /** `pass`, `warn` or `fail` colours the headline; absent for a page without a verdict (the site). */
  readonly outcome?: 'pass' | 'warn' | 'fail'
  readonly headline?: string
  /** Short facts: suite, commit, date, machine, rounds. */
  readonly facts: readonly string[]
  /** Caveats shown before the table. */
  readonly notices: readonly string[]
  readonly tables: readonly PageTable[]
  readonly entries: readonly PageEntry[]
  /** Shown at the bottom: where the page came from. */
  readonly footer: string
}
