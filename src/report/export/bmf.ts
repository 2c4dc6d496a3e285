// This run's numbers in Bencher Metric Format (BMF): one benchmark per entry (scenario at a load
// level), keyed by the entry's name, with Bencher's built-in measures where one fits (`latency` in
// nanoseconds, `throughput` in operations per second) and measures of our own for the rest, which
// Bencher creates on first use. `value` is the number the table shows (the median over valid rounds);
// `lower_value` and `upper_value` are the lowest and highest round, so Bencher sees the run's spread.
import type { LatencyMetric } from '../../config/plan.js'
import type { EntryResult, Results, RoundResult } from '../../results/document.js'
import { entryLatency, pooledErrorRate } from '../../results/entry-numbers.js'

/** One measure of one benchmark. */
export interface BmfMetric {
  readonly value: number
  readonly lower_value?: number
  readonly upper_value?: number
}

/** A BMF document: benchmark name → measure slug → metric. */
export type Bmf = Record<string, Record<string, BmfMetric>>

function valid(rounds: readonly RoundResult[]): readonly RoundResult[] {
  const kept = rounds.filter((r) => r.valid)
  return kept.length > 0 ? kept : rounds
}

function spread(value: number, values: readonly number[]): BmfMetric {
  if (values.length < 2) return { value }
  return { value, lower_value: Math.min(...values), upper_value: Math.max(...values) }
}

const NS_PER_US = 1000

function latency(entry: EntryResult, metric: LatencyMetric): BmfMetric {
  const rounds = valid(entry.rounds)
  return spread(
    entryLatency(entry)[metric] * NS_PER_US,
    rounds.map((r) => r.latencyUs[metric] * NS_PER_US),
  )
}

/** The BMF document of a run's entries. */
export function renderBmf(results: Results): Bmf {
  const out: Bmf = {}
  for (const entry of results.entries) {
    const rounds = valid(entry.rounds)
    const measures: Record<string, BmfMetric> = {
      latency: latency(entry, 'p50'),
      'latency-p99': latency(entry, 'p99'),
      throughput: spread(
        entry.rps,
        rounds.map((r) => r.rps),
      ),
      'error-rate': { value: pooledErrorRate(entry.rounds) },
    }
    if (entry.server !== undefined) measures['server-cpu-per-request-us'] = { value: entry.server.cpuUsPerRequest }
    if (entry.server !== undefined) measures['server-rss-bytes'] = { value: entry.server.rssMaxBytes }
    if (entry.stress !== undefined) {
      measures['capacity'] = { value: entry.stress.capacity, lower_value: entry.stress.low, upper_value: entry.stress.high }
    }
    out[entry.key] = measures
  }
  return out
}
