// A scenario measured at several connection counts (a closed-loop sweep): throughput and p99 against
// the connections, base and head, with the knee marked where p99 began to rise faster than
// throughput (results/scaling.ts, stats/scaling.ts). Until now the knee was only in the terminal.
import type { ScalingSummary } from '../../results/document.js'
import { grouped } from '../numbers.js'
import type { ChartSpec, MarkSpec, SeriesSpec, YUnit } from './page-types.js'

function kneeMarks(head: ScalingSummary, base: ScalingSummary | undefined): MarkSpec[] {
  const marks: MarkSpec[] = []
  const both = base !== undefined
  if (base?.kneeConnections !== undefined && base.kneeConnections !== head.kneeConnections) {
    marks.push({ x: base.kneeConnections, label: `base knee: ${base.kneeConnections} conn` })
  }
  if (head.kneeConnections !== undefined) {
    const whose = both && base.kneeConnections !== head.kneeConnections ? 'head knee' : 'knee'
    marks.push({ x: head.kneeConnections, label: `${whose}: ${head.kneeConnections} conn` })
  }
  return marks
}

function kneeWords(head: ScalingSummary): string {
  return head.kneeConnections === undefined
    ? 'No knee: p99 rose no faster than throughput at any step.'
    : `The knee (dashed) is at ${head.kneeConnections} connections: from there p99 rose by a larger factor than throughput did.`
}

function sweepChart(
  id: string,
  head: ScalingSummary,
  base: ScalingSummary | undefined,
  what: { title: string; caption: string; label: string; unit: YUnit; value: (p: ScalingSummary['points'][number]) => number },
): ChartSpec {
  const sides = [
    ['base', base],
    ['head', head],
  ] as const
  const present = sides.filter((s): s is readonly ['base' | 'head', ScalingSummary] => s[1] !== undefined && s[1].points.length > 0)
  const xs = [...new Set(present.flatMap(([, s]) => s.points.map((p) => p.connections)))].sort((a, b) => a - b)
  const series: SeriesSpec[] = present.map(([role, summary]) => {
    const at = new Map(summary.points.map((p) => [p.connections, what.value(p)]))
    return { label: base === undefined ? 'this run' : role, role, values: xs.map((x) => at.get(x) ?? null) }
  })
  return {
    kind: 'xy',
    id,
    title: what.title,
    caption: `${what.caption} ${kneeWords(head)}`,
    x: { label: 'connections', scale: 'linear', values: xs, legend: 'connections' },
    y: { label: what.label, unit: what.unit },
    series,
    marks: kneeMarks(head, base),
  }
}

/** Throughput against connections, and p99 against connections, for one scenario's sweep. */
export function sweepCharts(idPrefix: string, head: ScalingSummary, base?: ScalingSummary): ChartSpec[] {
  if (head.points.length < 2) return []
  const last = head.points[head.points.length - 1]
  const efficiency =
    last === undefined
      ? ''
      : ` At ${grouped(last.connections)} connections throughput was ${Math.round(last.efficiency * 100)} % of what the lowest level would give if it grew in proportion.`
  return [
    sweepChart(`${idPrefix}-throughput`, head, base, {
      title: 'Throughput against connections',
      caption: `Successful responses per second at each connection count (the median over its rounds).${efficiency}`,
      label: 'throughput',
      unit: 'req/s',
      value: (p) => p.rps,
    }),
    sweepChart(`${idPrefix}-p99`, head, base, {
      title: 'Latency p99 against connections',
      caption: 'The 99th percentile at each connection count: past the knee, more connections only queue.',
      label: 'latency p99',
      unit: 'ms',
      value: (p) => p.p99Us / 1000,
    }),
  ]
}
