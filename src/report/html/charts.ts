// The charts of report.html and the history site, one function per chart: each takes plain results
// or history and returns a ChartSpec (data and words), or undefined when it has nothing to show, so a
// page simply leaves that chart out. A new kind of data (a load curve, a per-second series) is one
// more function here and one more line where the entry's charts are listed. Pure: data in, data out.
import type { ComparedMetric } from '../../compare/types.js'
import { seriesOf } from '../../history/build.js'
import type { History } from '../../history/document.js'
import type { RoundResult, RoundSeries, StressSummary } from '../../results/document.js'
import { mergeHistograms } from '../../results/histogram.js'
import { comparedMetricLabel } from '../change.js'
import type { ChartSpec, SeriesSpec, YUnit } from './page-types.js'

/** Points per decade of the percentile axis: smooth enough for a curve, small enough to embed. */
const PERCENTILE_STEPS_PER_DECADE = 16

/** The percentile axis ends at 99.9999 %: beyond it even a million responses hold a single value. */
const MAX_PERCENTILE_X = 1_000_000

const MIB = 1024 * 1024

/** An encoded histogram and whose it is, for the percentile chart. */
export interface HistogramSide {
  readonly label: string
  readonly role: 'base' | 'head'
  /** results.json's encoded µs histogram. */
  readonly histogram: string
}

/** The percentiles a reader looks for (50, 75, 90, 95, 99, 99.9 …), as `1 / (1 − p)`: always on the grid. */
const NAMED_PERCENTILE_X = [2, 4, 10, 20, 100, 1000, 10_000, 100_000, 1_000_000]

/** `1 / (1 − p)` for the grid of the percentile axis: 1, 10^(1/16), … up to the largest count. */
function percentileGrid(maxX: number): number[] {
  const top = Math.min(MAX_PERCENTILE_X, Math.max(10, maxX))
  const grid = new Set(NAMED_PERCENTILE_X.filter((x) => x <= top))
  for (let k = 0; ; k++) {
    const x = 10 ** (k / PERCENTILE_STEPS_PER_DECADE)
    if (x > top * 1.0001) break
    grid.add(Number(x.toPrecision(6)))
  }
  return [...grid].sort((a, b) => a - b)
}

/**
 * The latency distribution as HdrHistogram plots it: latency (ms) against percentile on a log axis,
 * so the tail (99 %, 99.9 %, 99.99 %) gets as much room as the median. Each side's curve ends where
 * its response count stops resolving percentiles (1 in `count`).
 */
export function percentileChart(id: string, sides: readonly HistogramSide[]): ChartSpec | undefined {
  // A histogram that matches the schema can still be garbage (a baseline from another run): its
  // curve is left out and the caption says so, rather than the whole page failing to be written.
  const decoded = sides.map((side) => ({ side, histogram: decodedOrUndefined(side.histogram) }))
  const unreadable = decoded.filter((d) => d.histogram === undefined).map((d) => d.side.label)
  try {
    const present = decoded.flatMap(({ side, histogram }) =>
      histogram !== undefined && histogram.totalCount > 0 ? [{ side, histogram }] : [],
    )
    if (present.length === 0) return undefined
    const x = percentileGrid(Math.max(...present.map((d) => d.histogram.totalCount)))
    const series: SeriesSpec[] = present.map(({ side, histogram }) => ({
      label: side.label,
      role: side.role,
      values: x.map((v) => (v > histogram.totalCount * 1.0001 ? null : histogram.getValueAtPercentile(100 * (1 - 1 / v)) / 1000)),
    }))
    return {
      kind: 'xy',
      id,
      title: 'Latency by percentile',
      caption:
        'Every response of the valid rounds; the right of the chart is the tail.' +
        (unreadable.length === 0
          ? ''
          : ` The ${unreadable.join(' and ')} histogram in its results file could not be read, so that curve is missing.`),
      x: { label: 'percentile', scale: 'percentile', values: x },
      y: { label: 'latency', unit: 'ms' },
      series,
    }
  } finally {
    for (const d of decoded) d.histogram?.destroy()
  }
}

// Decoded (packed, as untrusted text must be) and copied into a recorder's plain counts in one pass:
// the chart reads ~100 percentiles, and each read of a packed histogram walks all its counts slowly
// (120–200 ms of CPU per histogram read packed, 13–20 ms copied, measured at load 4.5).
function decodedOrUndefined(encoded: string): ReturnType<typeof mergeHistograms> | undefined {
  try {
    return mergeHistograms([encoded])
  } catch {
    return undefined
  }
}

/** The rounds of an entry, of one or both sides. */
export interface RoundSides {
  readonly head: readonly RoundResult[]
  readonly base?: readonly RoundResult[]
  /** Base and head were measured in the same job, their rounds interleaved in time. */
  readonly paired: boolean
}

interface Placed {
  readonly side: 'base' | 'head'
  readonly round: RoundResult
  readonly x: number
}

// In the same job the rounds share one clock, so their order is the order they ran in (A/B
// interleaving shows); a stored baseline ran elsewhere, so each side is numbered on its own.
function placeRounds(sides: RoundSides): { placed: Placed[]; xs: number[] } {
  const byTime = (a: RoundResult, b: RoundResult): number => Date.parse(a.startedAt) - Date.parse(b.startedAt)
  const head = [...sides.head].sort(byTime).map((round) => ({ side: 'head' as const, round }))
  const base = [...(sides.base ?? [])].sort(byTime).map((round) => ({ side: 'base' as const, round }))
  let placed: Placed[]
  if (sides.paired) {
    placed = [...base, ...head].sort((a, b) => byTime(a.round, b.round)).map((p, i) => ({ ...p, x: i + 1 }))
  } else {
    placed = [...base.map((p, i) => ({ ...p, x: i + 1 })), ...head.map((p, i) => ({ ...p, x: i + 1 }))]
  }
  const xs = [...new Set(placed.map((p) => p.x))].sort((a, b) => a - b)
  return { placed, xs }
}

function roundChart(
  id: string,
  sides: RoundSides,
  what: { title: string; caption: string; label: string; unit: YUnit; value: (r: RoundResult) => number | undefined },
): ChartSpec | undefined {
  const { placed, xs } = placeRounds(sides)
  const series: SeriesSpec[] = []
  for (const [role, label] of [
    ['base', 'base'],
    ['head', 'head'],
  ] as const) {
    const mine = placed.filter((p) => p.side === role)
    if (mine.length === 0) continue
    const at = new Map(mine.map((p) => [p.x, p.round.valid ? what.value(p.round) : undefined]))
    const values = xs.map((x) => at.get(x) ?? null)
    if (values.every((v) => v === null)) continue
    series.push({ label: sides.base === undefined ? 'this run' : label, role, values })
  }
  // One round a side is one dot a chart: the per-second charts (and the table) say more.
  if (!series.some((s) => s.values.filter((v) => v !== null).length >= 2)) return undefined
  const invalid = placed.filter((p) => !p.round.valid).length
  const left = invalid === 0 ? '' : ` ${invalid} invalid round${invalid === 1 ? ' is' : 's are'} left out.`
  return {
    kind: 'xy',
    id,
    title: what.title,
    caption: `${what.caption}${left}`,
    x: { label: sides.paired ? 'round (base and head in the order they ran)' : 'round', scale: 'linear', values: xs },
    y: { label: what.label, unit: what.unit },
    series,
  }
}

function roundsCaption(sides: RoundSides, metric: string): string {
  if (sides.paired) return `${metric} of each round in the order the rounds ran: base and head interleave, so drift hits both.`
  if (sides.base !== undefined) return `${metric} of each round; the baseline ran in another job, numbered on its own.`
  return `${metric} of each round in the order they ran: a steady slope is drift.`
}

/** Throughput of every round in time order. */
export function roundsRpsChart(id: string, sides: RoundSides): ChartSpec | undefined {
  return roundChart(id, sides, {
    title: 'Throughput per round',
    caption: roundsCaption(sides, 'Successful responses per second'),
    label: 'throughput',
    unit: 'req/s',
    value: (r) => r.rps,
  })
}

/** p99 latency of every round in time order. */
export function roundsP99Chart(id: string, sides: RoundSides): ChartSpec | undefined {
  return roundChart(id, sides, {
    title: 'Latency p99 per round',
    caption: roundsCaption(sides, 'The 99th percentile'),
    label: 'latency p99',
    unit: 'ms',
    value: (r) => r.latencyUs.p99 / 1000,
  })
}

/** Server CPU of every round (percent of one core over the measured window). */
export function serverCpuChart(id: string, sides: RoundSides): ChartSpec | undefined {
  return roundChart(id, sides, {
    title: 'Server CPU per round',
    caption: 'CPU of the app and its child processes over each round, in percent of one core.',
    label: 'server CPU',
    unit: '%',
    value: (r) => r.server?.cpuPercent,
  })
}

/** Server memory of every round (mean resident set size over the measured window). */
export function serverRssChart(id: string, sides: RoundSides): ChartSpec | undefined {
  return roundChart(id, sides, {
    title: 'Server memory per round',
    caption: 'Mean resident memory of the app over each round: a steady climb hints at a leak.',
    label: 'memory (RSS)',
    unit: 'MB',
    value: (r) => (r.server === undefined ? undefined : r.server.rssMeanBytes / MIB),
  })
}

/** A metric's history value in the unit its chart shows. */
function displayUnit(metric: ComparedMetric): { unit: YUnit; scale: (v: number) => number } {
  switch (metric) {
    case 'rps':
      return { unit: 'req/s', scale: (v) => v }
    case 'errorRate':
      return { unit: '%', scale: (v) => v * 100 }
    case 'cpu':
      return { unit: 'µs', scale: (v) => v }
    case 'rss':
      return { unit: 'MB', scale: (v) => v / MIB }
    default:
      return { unit: 'ms', scale: (v) => v / 1000 }
  }
}

/** This run's value, marked on a history chart whose runs it is not one of (a pull request). */
export interface CurrentPoint {
  /** ISO 8601. */
  readonly date: string
  /** In the metric's own unit (µs, req/s, bytes, fraction), as the history holds it. */
  readonly value: number
  readonly label: string
}

/**
 * One metric of one entry over the base branch's runs: the median of each run with its ≈ 95 %
 * interval, oldest first on a date axis, and this run's value marked when it is not among them.
 */
export function historyChart(
  id: string,
  history: History,
  key: string,
  metric: ComparedMetric,
  current?: CurrentPoint,
): ChartSpec | undefined {
  const points = seriesOf(history, key, metric)
  if (points.length === 0 && current === undefined) return undefined
  const { unit, scale } = displayUnit(metric)
  const seconds = (iso: string): number => Math.round(Date.parse(iso) / 1000)
  const rows = points.map(({ run, point }) => ({ x: seconds(run.date), point }))
  const currentX = current === undefined ? undefined : seconds(current.date)
  const xs = [...new Set([...rows.map((r) => r.x), ...(currentX === undefined ? [] : [currentX])])].sort((a, b) => a - b)
  const at = new Map(rows.map((r) => [r.x, r.point]))
  const column = (pick: (p: { median: number; low: number; high: number }) => number): (number | null)[] =>
    xs.map((x) => {
      const point = at.get(x)
      return point === undefined ? null : scale(pick(point))
    })
  const series: SeriesSpec[] = [
    { label: 'base branch (median)', role: 'base', values: column((p) => p.median) },
    { label: '95 % interval, low', role: 'interval', values: column((p) => p.low) },
    { label: '95 % interval, high', role: 'interval', values: column((p) => p.high) },
  ]
  if (current !== undefined && currentX !== undefined) {
    series.push({
      label: current.label,
      role: 'head',
      pointsOnly: true,
      values: xs.map((x) => (x === currentX ? scale(current.value) : null)),
    })
  }
  const label = comparedMetricLabel(metric)
  return {
    kind: 'xy',
    id,
    title: `Trend: ${label}`,
    caption: `${points.length} run${points.length === 1 ? '' : 's'} of the base branch, each with the interval of its median.`,
    x: { label: 'date', scale: 'time', values: xs },
    y: { label, unit },
    series,
  }
}

/** A round's per-second list a chart draws, in the chart's unit; undefined where the round has none. */
type PerSecondPick = (series: RoundSeries) => readonly number[] | undefined

// Each second of a round at its own time: seconds since the first round began. In the same job both
// sides share that clock (base and head rounds alternate along it); a stored baseline ran elsewhere,
// so each side counts from its own first round. The line stops at the pause between two rounds (and,
// in the same job, where the other side's round ran): what the app did then was not measured.
function perSecondChart(
  id: string,
  sides: RoundSides,
  what: { title: string; caption: string; label: string; unit: YUnit; pick: PerSecondPick; scale: (v: number) => number },
): ChartSpec | undefined {
  const startOf = (round: RoundResult): number => Math.floor(Date.parse(round.startedAt) / 1000)
  const sideRounds = [
    ['base', sides.base ?? []],
    ['head', sides.head],
  ] as const
  const all = sideRounds.flatMap(([, rounds]) => rounds)
  const firstOf = (rounds: readonly RoundResult[]): number => Math.min(...rounds.map(startOf))
  const points = new Map<'base' | 'head', Map<number, number>>()
  for (const [role, rounds] of sideRounds) {
    if (rounds.length === 0) continue
    const origin = sides.paired ? firstOf(all) : firstOf(rounds)
    const at = new Map<number, number>()
    for (const round of rounds) {
      const values = round.series === undefined ? undefined : what.pick(round.series)
      if (values === undefined || !round.valid) continue
      // A round's window opens after its warm-up: its seconds are placed from its start, in order.
      values.forEach((v, i) => at.set(startOf(round) - origin + i, what.scale(v)))
    }
    if (at.size > 0) points.set(role, at)
  }
  if (points.size === 0) return undefined
  const measured = [...new Set([...points.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b)
  // A second with no value at all after a pause, so that the line breaks there and nothing is
  // drawn across the time nobody measured.
  const xs = measured.flatMap((x, i) => (i > 0 && x - (measured[i - 1] ?? x) > 1 ? [(measured[i - 1] ?? x) + 1, x] : [x]))
  const series: SeriesSpec[] = [...points.entries()].map(([role, at]) => ({
    label: sides.base === undefined ? 'this run' : role,
    role,
    values: xs.map((x) => at.get(x) ?? null),
    breakAtGaps: true,
  }))
  return {
    kind: 'xy',
    id,
    title: what.title,
    caption: what.caption,
    x: {
      label: sides.paired ? 'seconds since the first round (base and head as they ran)' : 'seconds since the first round',
      scale: 'linear',
      values: xs,
      legend: 'second',
    },
    y: { label: what.label, unit: what.unit },
    series,
  }
}

/** p99 latency second by second through every round: a spike's burst and recovery, a soak's drift. */
export function perSecondP99Chart(id: string, sides: RoundSides): ChartSpec | undefined {
  return perSecondChart(id, sides, {
    title: 'Latency p99 per second',
    caption: 'The 99th percentile of each second of the measured windows, each round at the time it ran.',
    label: 'latency p99',
    unit: 'ms',
    pick: (s) => s.p99Us,
    scale: (v) => v / 1000,
  })
}

/** Server CPU second by second through every round. */
export function perSecondCpuChart(id: string, sides: RoundSides): ChartSpec | undefined {
  return perSecondChart(id, sides, {
    title: 'Server CPU over time',
    caption: 'CPU of the app and its child processes in each second, in percent of one core.',
    label: 'server CPU',
    unit: '%',
    pick: (s) => s.cpuPercent,
    scale: (v) => v,
  })
}

/** Server memory second by second through every round: a climb that never levels off is a leak. */
export function perSecondRssChart(id: string, sides: RoundSides): ChartSpec | undefined {
  return perSecondChart(id, sides, {
    title: 'Server memory over time',
    caption: 'Resident memory of the app at the end of each second: a climb that never levels off is a leak.',
    label: 'memory (RSS)',
    unit: 'MB',
    pick: (s) => s.rssKiB,
    scale: (v) => (v * 1024) / MIB,
  })
}

/**
 * A stress entry's latency against load: the p99 of every load its searches measured (the median
 * over the rounds that measured it), base and head, so the load where the curve turns up shows.
 */
export function loadCurveChart(id: string, head: StressSummary | undefined, base: StressSummary | undefined): ChartSpec | undefined {
  const sides = [
    ['base', base],
    ['head', head],
  ] as const
  const present = sides.filter((s): s is readonly ['base' | 'head', StressSummary] => s[1] !== undefined && s[1].curve.length > 0)
  if (present.length === 0) return undefined
  const xs = [...new Set(present.flatMap(([, s]) => s.curve.map((p) => p.load)))].sort((a, b) => a - b)
  const series: SeriesSpec[] = present.map(([role, summary]) => {
    const at = new Map(summary.curve.map((p) => [p.load, p.p99Us / 1000]))
    return { label: base === undefined ? 'this run' : role, role, values: xs.map((x) => at.get(x) ?? null) }
  })
  const loop = (head ?? base)?.loop ?? 'rate'
  return {
    kind: 'xy',
    id,
    title: 'Latency against load',
    caption: 'p99 at every load the capacity search tried: where the curve turns up, the SLO breaks.',
    x: { label: loop === 'rate' ? 'offered load (req/s)' : 'connections', scale: 'linear', values: xs, legend: 'load' },
    y: { label: 'latency p99', unit: 'ms' },
    series,
  }
}
