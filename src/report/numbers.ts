// How numbers are shown to people, in one place so the table, the comment and the log agree.
import type { MetricName } from '../config/plan.js'
import { isLatencyMetric } from '../config/plan.js'

// Above this, a whole number in digits is no longer read (1e300 printed 300 of them): such values come
// from a hostile or broken file, or a limit written as "no limit", and are shown as `1.00e+300`.
const MOST_DIGITS = 1e15

/** A whole number with thousands separators (`12,345`), or in exponent form when too large to read (`1.00e+300`). */
export function grouped(value: number): string {
  return Math.abs(value) >= MOST_DIGITS ? value.toPrecision(3) : Math.round(value).toLocaleString('en-US')
}

/** Latency in µs as milliseconds with µs precision: `0.214 ms`, `12.5 ms`, `1,204 ms`. */
export function formatLatencyUs(us: number): string {
  const ms = us / 1000
  if (ms < 10) return `${ms.toFixed(3)} ms`
  if (ms < 100) return `${ms.toFixed(2)} ms`
  if (ms < 1000) return `${ms.toFixed(1)} ms`
  return `${grouped(ms)} ms`
}

/** Requests per second: `12,345` or `87.5`. */
export function formatRps(rps: number): string {
  return rps >= 100 ? grouped(rps) : rps.toFixed(1)
}

/**
 * A fraction as a percentage, the one way every share, tolerance and noise figure is shown: two
 * significant digits below 10 % (`0.033 %`, `0.25 %`, `2.4 %`, `5 %`), whole percents above (`12 %`).
 * Signed changes have their own fixed-decimal form in change.ts, so that a table's column lines up.
 */
export function formatFraction(fraction: number): string {
  const pct = fraction * 100
  if (!Number.isFinite(pct)) return 'n/a'
  if (pct === 0) return '0 %'
  return `${Math.abs(pct) < 10 ? Number(pct.toPrecision(2)) : grouped(pct)} %`
}

/** A duration in ms as seconds: `2.4 s`, `0.0 s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/** Bytes in binary units: `48.2 MB` (MB = 1024² bytes, as memory is reported). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB']
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit] ?? 'GB'}`
}

/** A value of a metric in its display unit. `cpu` is percent of one core here. */
export function formatMetric(metric: MetricName, value: number): string {
  if (isLatencyMetric(metric) || metric === 'burstP99') return formatLatencyUs(value)
  if (metric === 'recovery') return formatSeconds(value)
  if (metric === 'burstErrorRate') return formatFraction(value)
  if (metric === 'leak') return `${formatBytes(value)}/min`
  if (metric === 'drift') return `${formatLatencyUs(value)}/min`
  if (metric === 'rps' || metric === 'capacity') return `${formatRps(value)} req/s`
  if (metric === 'errorRate') return formatFraction(value)
  if (metric === 'cpu') return `${value.toFixed(value < 10 ? 1 : 0)} % CPU`
  return formatBytes(value)
}

/** The name of a metric as a column or row label, with its unit. */
export function metricLabel(metric: MetricName): string {
  const labels: Record<MetricName, string> = {
    p50: 'latency p50',
    p90: 'latency p90',
    p95: 'latency p95',
    p99: 'latency p99',
    p999: 'latency p99.9',
    mean: 'latency mean',
    max: 'latency max',
    rps: 'throughput (req/s)',
    errorRate: 'error rate',
    cpu: 'server CPU',
    rss: 'server peak RSS',
    capacity: 'capacity (req/s)',
    recovery: 'spike recovery',
    burstP99: 'latency p99 in the burst',
    burstErrorRate: 'error rate in the burst',
    leak: 'RSS growth (leak)',
    drift: 'p99 drift',
  }
  return labels[metric]
}
