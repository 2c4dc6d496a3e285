// Judging one round: a load generator that lagged is flagged like a saturated one.
import { describe, expect, it } from 'vitest'
import { assessRound, LOADGEN_LAG_LIMIT_MS } from '../../src/load/assess.js'
import { createHistogram, encodeHistogram, summarise } from '../../src/results/histogram.js'
import type { LoadMeasurement } from '../../src/load/round.js'

function measurement(loopDelayMs: { p99: number; max: number }): LoadMeasurement {
  const histogram = createHistogram()
  histogram.recordValue(500)
  return {
    durationMs: 1000,
    requests: 1,
    responses: 1,
    ok: 1,
    unexpectedStatus: 0,
    bodyMismatches: 0,
    errors: 0,
    timeouts: 0,
    bytes: 2,
    statusCodes: { '200': 1 },
    latencyUs: summarise(histogram),
    histogram: encodeHistogram(histogram),
    recorded: 1,
    loadgenCpuPercent: 10,
    loopDelayMs,
    perSecond: { rps: [], errors: [], p50Us: [], p99Us: [] },
  }
}

const context = {
  round: 1,
  startedAt: '2026-01-01T00:00:00Z',
  level: { connections: 1 },
  rules: { maxErrorRate: 0.1, minRateReached: 0.9 },
}

describe('the load generator lag', () => {
  it('is recorded in the round and warned about beyond the limit', () => {
    const calm = assessRound(measurement({ p99: 1.2, max: 4 }), context)
    expect(calm.loadgenLoopDelayMs).toEqual({ p99: 1.2, max: 4 })
    expect(calm.warnings).toEqual([])
    const lagging = assessRound(measurement({ p99: LOADGEN_LAG_LIMIT_MS + 5, max: 80 }), context)
    expect(lagging.valid).toBe(true)
    expect(lagging.warnings.join()).toMatch(/load generator lagged: its event loop ran 25 ms late at p99 \(limit 20 ms\)/)
  })
})
