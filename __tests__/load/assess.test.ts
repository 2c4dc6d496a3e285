// Judging one round: a load generator that lagged is flagged, as saturated when its own CPU was the
// limit and as descheduled when it was idle but the machine ran other work in its place; an app whose
// CPUs other work shared is flagged too.
import { describe, expect, it } from 'vitest'
import { assessRound, LOADGEN_LAG_LIMIT_MS } from '../../src/load/assess.js'
import { loadgenNote, sharedCpuNote } from '../../src/report/run-warnings.js'
import { createHistogram, encodeHistogram, summarise } from '../../src/results/histogram.js'
import type { LoadMeasurement } from '../../src/load/round.js'

function measurement(loopDelayMs: { p99: number; max: number }, loadgenCpuPercent = 10): LoadMeasurement {
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
    loadgenCpuPercent,
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
    expect(lagging.warnings).toEqual([
      'load generator descheduled: its event loop ran 25 ms late at p99 (limit 20 ms) while it used 10 % CPU: the machine ran other work in its place, and latencies include that delay',
    ])
  })

  // json-server rows read "load generator saturated" while the generator used 5–19 % CPU: its event
  // loop had run 24 ms late because the machine was busy, which is not saturation.
  it('calls a late but idle generator descheduled, and only a busy one saturated', () => {
    const late = assessRound(measurement({ p99: 24, max: 60 }, 12), context)
    const busy = assessRound(measurement({ p99: 30, max: 90 }, 97), context)
    expect(busy.warnings).toEqual([
      "load generator saturated: its CPU at 97 % (limit 90 %): throughput may be the load generator's limit, not the app's",
    ])
    expect(loadgenNote([late])).toBe('load generator descheduled (event loop 24 ms late, CPU 12 %)')
    expect(loadgenNote([late, busy])).toBe('load generator saturated (CPU 97 %)')
    expect(loadgenNote([assessRound(measurement({ p99: 2, max: 4 }, 12), context)])).toBeUndefined()
  })
})

describe('other work on the app’s CPUs', () => {
  const usage = (othersCpuPercent?: number) => ({
    cpuPercent: 60,
    cpuMs: 600,
    rssMaxBytes: 1,
    rssMeanBytes: 1,
    rssEndBytes: 1,
    perSecond: { cpuPercent: [], rssBytes: [] },
    ...(othersCpuPercent === undefined ? {} : { othersCpuPercent }),
  })

  it('is recorded in the round, and warned about above 20 %', () => {
    const quiet = assessRound(measurement({ p99: 1, max: 2 }), { ...context, server: usage(4.123) })
    expect(quiet.server?.othersCpuPercent).toBe(4.12)
    expect(quiet.warnings).toEqual([])
    const shared = assessRound(measurement({ p99: 1, max: 2 }), { ...context, server: usage(46.2) })
    expect(shared.valid).toBe(true)
    expect(shared.warnings).toEqual([
      "other processes used 46 % of the app's CPUs (app.cpus: separate): the app competed with them, so it may have served slower than the machine allows",
    ])
    expect(sharedCpuNote([quiet, shared])).toBe("app's CPUs shared with other work (46 %)")
    expect(sharedCpuNote([quiet])).toBeUndefined()
    // Not measured (app.cpus: shared, a container): nothing recorded, nothing said.
    const unmeasured = assessRound(measurement({ p99: 1, max: 2 }), { ...context, server: usage() })
    expect(unmeasured.server).not.toHaveProperty('othersCpuPercent')
    expect(sharedCpuNote([unmeasured])).toBeUndefined()
  })
})
