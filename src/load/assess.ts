// From raw measurements to trustworthy numbers: a round is judged valid or not (an entry is then summed
// up from its valid rounds, in results/entry-numbers.ts).
import type { LoadLevel, ValidityRules } from '../config/plan.js'
import type { WindowUsage } from '../app/monitor.js'
import type { LoadSeries, RoundResult, RoundSeries, ServerRound } from '../results/document.js'
import { OTHERS_WARN_PERCENT, round2, round6 } from '../results/entry-numbers.js'
import { BODY_KEEP_LIMIT_BYTES } from './bodies.js'
import type { LoadMeasurement } from './round.js'

/** Above this share of one core, the load generator may be what limits throughput. */
export const LOADGEN_SATURATED_PERCENT = 90

/**
 * Above this 99th percentile of the load generator's event-loop delay, ms, a round's latencies include
 * the generator's own lag: a response that arrived waited that long before it was timed.
 */
export const LOADGEN_LAG_LIMIT_MS = 20

/**
 * What held the load generator back in a round, if anything: `saturated` when its own CPU was above
 * {@link LOADGEN_SATURATED_PERCENT} (it could not send faster; its event loop then runs late too),
 * `descheduled` when its event loop ran later than {@link LOADGEN_LAG_LIMIT_MS} at p99 although its
 * CPU was below that: it was waiting for a core the machine gave to other processes, not busy.
 */
export function loadgenState(cpuPercent: number, loopDelayP99Ms: number | undefined): 'saturated' | 'descheduled' | undefined {
  if (cpuPercent > LOADGEN_SATURATED_PERCENT) return 'saturated'
  if (loopDelayP99Ms !== undefined && loopDelayP99Ms > LOADGEN_LAG_LIMIT_MS) return 'descheduled'
  return undefined
}

function percent(value: number): string {
  return `${(value * 100).toFixed(value < 0.1 ? 1 : 0)} %`
}

// A round without a single good response: say what the app did instead, so an app that answers
// every request with a 500 is not mistaken for a slow or overloaded one.
function noSuccess(m: LoadMeasurement): string {
  if (m.requests === 0) return 'no request completed'
  if (m.responses === 0) {
    const timeouts = m.timeouts === m.errors ? 'every request timed out' : 'every request failed without a response (connection errors)'
    return `no response: ${timeouts}`
  }
  const codes = Object.entries(m.statusCodes).sort((a, b) => b[1] - a[1])
  const [top] = codes
  if (m.unexpectedStatus === m.responses && top !== undefined) {
    const answered =
      codes.length === 1
        ? `every response was HTTP ${top[0]}`
        : `every response had an unexpected status (${codes.map(([code]) => code).join(', ')})`
    return `${answered}: the app answered, with errors — it is failing, not slow`
  }
  if ((m.captureFailures ?? 0) === m.responses && m.captureFailure !== undefined)
    return `every response failed a capture: ${m.captureFailure}`
  if (m.bodyMismatches === m.responses) return 'every response had the expected status but not the expected body'
  return 'no response met the expectation (status and body)'
}

/**
 * The load generator's and the server's per-second lists as one set of parallel lists: both cover
 * the same window but are cut at whole seconds on two threads, so the longer is trimmed to the
 * shorter. Server CPU in whole percent, RSS in KiB: integers keep a long soak's file small.
 */
export function roundSeries(load: LoadSeries, server: WindowUsage['perSecond'] | undefined): RoundSeries {
  const length = server === undefined ? load.rps.length : Math.min(load.rps.length, server.rssBytes.length)
  const cut = (list: readonly number[]): number[] => list.slice(0, length)
  const series = { rps: cut(load.rps), errors: cut(load.errors), p50Us: cut(load.p50Us), p99Us: cut(load.p99Us) }
  if (server === undefined) return series
  return { ...series, cpuPercent: cut(server.cpuPercent).map(Math.round), rssKiB: cut(server.rssBytes).map((b) => Math.round(b / 1024)) }
}

/** Turns one round's measurement into its results entry, judging whether it can be trusted. */
export function assessRound(
  measurement: LoadMeasurement,
  context: { round: number; startedAt: string; level: LoadLevel; rules: ValidityRules; server?: WindowUsage; speedProbeUs?: number },
): RoundResult {
  const m = measurement
  const failed = m.errors + m.unexpectedStatus + m.bodyMismatches + (m.captureFailures ?? 0)
  const errorRate = m.requests === 0 ? 1 : failed / m.requests
  const rps = (m.ok / m.durationMs) * 1000
  const problems: string[] = []
  const warnings: string[] = []
  const oversized = m.oversizedBodies ?? 0
  // A body too large to keep was never checked: the round cannot say whether the app answered right.
  if (oversized > 0) {
    problems.push(
      `${oversized} response${oversized === 1 ? '' : 's'} had a body over ${BODY_KEEP_LIMIT_BYTES / 1024 / 1024} MiB, more than Cannonade keeps to check expect.body: the round cannot be judged (drop expect.body for this route, or check a smaller one)`,
    )
  }
  const captureFailures = m.captureFailures ?? 0
  // Said whenever it happened: a failed capture also skips the rest of its pass, so it is worth
  // knowing even below the error limit.
  if (captureFailures > 0 && m.ok > 0) {
    warnings.push(
      `${captureFailures} response${captureFailures === 1 ? '' : 's'} failed a capture (counted as errors): ${m.captureFailure ?? 'no reason recorded'}`,
    )
  }
  if (m.ok === 0) problems.push(noSuccess(m))
  else if (errorRate > context.rules.maxErrorRate) {
    problems.push(`${percent(errorRate)} of requests failed (more than ${percent(context.rules.maxErrorRate)})`)
  }
  const { rate } = context.level
  if (rate !== undefined) {
    const achieved = ((m.responses + m.errors) / m.durationMs) * 1000
    if (achieved < rate * context.rules.minRateReached) {
      problems.push(`reached ${achieved.toFixed(0)} of the target ${rate} req/s`)
    }
  }
  const state = loadgenState(m.loadgenCpuPercent, m.loopDelayMs.p99)
  if (state === 'saturated') {
    warnings.push(
      `load generator saturated: its CPU at ${m.loadgenCpuPercent.toFixed(0)} % (limit ${LOADGEN_SATURATED_PERCENT} %): throughput may be the load generator's limit, not the app's`,
    )
  }
  if (state === 'descheduled') {
    warnings.push(
      `load generator descheduled: its event loop ran ${m.loopDelayMs.p99.toFixed(0)} ms late at p99 (limit ${LOADGEN_LAG_LIMIT_MS} ms) while it used ` +
        `${m.loadgenCpuPercent.toFixed(0)} % CPU: the machine ran other work in its place, and latencies include that delay`,
    )
  }
  const others = context.server?.othersCpuPercent
  if (others !== undefined && others > OTHERS_WARN_PERCENT) {
    warnings.push(
      `other processes used ${others.toFixed(0)} % of the app's CPUs (app.cpus: separate): the app competed with them, so it may have served slower than the machine allows`,
    )
  }
  const server: ServerRound | undefined =
    context.server === undefined
      ? undefined
      : {
          cpuPercent: round2(context.server.cpuPercent),
          cpuUsPerRequest: m.ok === 0 ? 0 : round2((context.server.cpuMs * 1000) / m.ok),
          rssMaxBytes: context.server.rssMaxBytes,
          rssMeanBytes: Math.round(context.server.rssMeanBytes),
          rssEndBytes: context.server.rssEndBytes,
          ...(context.server.othersCpuPercent === undefined
            ? {}
            : { othersCpuPercent: round2(Math.min(100, context.server.othersCpuPercent)) }),
          ...(context.server.cpuAccess === undefined ? {} : { cpuAccess: Math.round(context.server.cpuAccess * 10_000) / 10_000 }),
        }
  return {
    round: context.round,
    startedAt: context.startedAt,
    durationMs: round2(m.durationMs),
    rps: round2(rps),
    latencyUs: m.latencyUs,
    requests: m.requests,
    responses: m.responses,
    ok: m.ok,
    errors: m.errors,
    timeouts: m.timeouts,
    unexpectedStatus: m.unexpectedStatus,
    bodyMismatches: m.bodyMismatches,
    errorRate: round6(errorRate),
    bytes: m.bytes,
    statusCodes: m.statusCodes,
    histogram: m.histogram,
    loadgenCpuPercent: round2(m.loadgenCpuPercent),
    loadgenLoopDelayMs: m.loopDelayMs,
    ...(server === undefined ? {} : { server }),
    ...(context.speedProbeUs === undefined ? {} : { speedProbeUs: round2(context.speedProbeUs) }),
    series: roundSeries(m.perSecond, context.server?.perSecond),
    valid: problems.length === 0,
    problems,
    warnings,
  }
}
