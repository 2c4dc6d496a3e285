// One replayed round as the schedule records it, carrying only what the comparison reads: the
// benches that push recorded or simulated (rps, p50, p99) triples through the real decision code.
import type { RoundResult } from '../src/results/document.js'

/** Req/s, p50 and p99 (µs) of one round. */
export type Row = readonly [number, number, number]

/** Round `n` with the values of `row`; the other fields are what a valid, error-free round holds. */
export function replayRound(n: number, row: Row): RoundResult {
  const [rps, p50, p99] = row
  return {
    round: n,
    startedAt: '',
    durationMs: 1000,
    rps,
    latencyUs: { p50, p90: p99, p95: p99, p99, p999: p99, max: p99, mean: p50 },
    requests: 0,
    responses: 0,
    ok: 0,
    errors: 0,
    timeouts: 0,
    unexpectedStatus: 0,
    bodyMismatches: 0,
    errorRate: 0,
    bytes: 0,
    statusCodes: {},
    histogram: '',
    loadgenCpuPercent: 0,
    valid: true,
    problems: [],
    warnings: [],
  }
}
