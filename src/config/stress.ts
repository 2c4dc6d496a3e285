// The `stress` settings of a `profile: stress` scenario → StressPlan, with the checks a schema cannot
// state (start below max, whole connections, a single load level). Problems are collected like the
// rest of load.ts's, so a bad setting gets its file:line:column.
import type { AbsoluteThreshold, LatencyMetric, LoadLevel, StressPlan } from './plan.js'
import { isLatencyMetric } from './plan.js'
import type { RawScenario } from './raw.js'
import { formatDurationMs, parseDurationMs, parsePercent } from './units.js'
import type { Problem } from './validate.js'

/** Defaults of the search, documented in the README's stress section. */
export const STRESS_DEFAULTS = {
  factor: 2,
  bisect: 3,
  follow: 0.9,
  maxRate: 100_000,
  maxConnections: 1000,
} as const

// The schema's own bounds on a rate and on connections: a search may not go past what a fixed
// level may be.
const RATE_LIMIT = 1_000_000
const CONNECTIONS_LIMIT = 10_000
const MAX_STEP_MS = 3_600_000

/** A capacity is only found by a stress search: anywhere else a limit or tolerance on it would never be checked. */
export function checkCapacityUse(s: RawScenario, at: (string | number)[], problems: Problem[]): void {
  if (s.profile === 'stress') return
  const why = 'capacity is only measured by profile: stress; add profile: stress to this scenario or remove it'
  if (s.thresholds?.capacity !== undefined) problems.push({ path: [...at, 'thresholds', 'capacity'], message: why, atKey: true })
  if (s.thresholds?.regression?.capacity !== undefined) {
    problems.push({ path: [...at, 'thresholds', 'regression', 'capacity'], message: why, atKey: true })
  }
}

/**
 * The search plan of a scenario, or undefined when it is not `profile: stress` (then `stress` is a
 * mistake, reported). `levels` are the scenario's load levels as built for a steady scenario: one
 * level, whose rate (open loop) or connections (closed loop) is the default start.
 */
export function buildStress(
  s: RawScenario,
  levels: readonly LoadLevel[],
  thresholds: readonly AbsoluteThreshold[],
  defaultMaxErrorRate: number,
  at: (string | number)[],
  problems: Problem[],
): StressPlan | undefined {
  const raw = s.stress ?? {}
  if (s.profile !== 'stress') {
    if (s.stress !== undefined) {
      problems.push({ path: [...at, 'stress'], message: 'only applies to profile: stress; add profile: stress or remove it', atKey: true })
    }
    return undefined
  }
  const [level] = levels
  if (level === undefined || levels.length > 1) {
    const field = s.rate !== undefined ? 'rate' : s.connections !== undefined ? 'connections' : 'profile'
    problems.push({
      path: [...at, field],
      message: 'profile: stress searches the load itself: give one rate (open loop) or one connections value (closed loop), not a sweep',
    })
    return undefined
  }
  if (s.amount !== undefined) {
    problems.push({ path: [...at, 'amount'], message: 'cannot be used with profile: stress, whose steps are timed (stress.step)' })
  }
  const loop = level.rate === undefined ? 'connections' : 'rate'
  const limit = loop === 'rate' ? RATE_LIMIT : CONNECTIONS_LIMIT
  const unit = loop === 'rate' ? 'req/s' : 'connections'
  const start = raw.start ?? level.rate ?? level.connections
  const max = raw.max ?? Math.max(start, loop === 'rate' ? STRESS_DEFAULTS.maxRate : STRESS_DEFAULTS.maxConnections)
  const here = [...at, 'stress']
  if (loop === 'connections') {
    for (const [field, value] of [
      ['start', raw.start],
      ['max', raw.max],
    ] as const) {
      if (value !== undefined && !Number.isInteger(value)) {
        problems.push({
          path: [...here, field],
          message: `must be a whole number of connections (this scenario is closed loop: it has no rate), got ${value}`,
        })
      }
    }
  }
  if (max > limit) problems.push({ path: [...here, 'max'], message: `must be at most ${limit} ${unit}, got ${max}` })
  if (start > limit) problems.push({ path: [...here, 'start'], message: `must be at most ${limit} ${unit}, got ${start}` })
  if (start >= max) {
    problems.push({
      path: [...here, raw.max === undefined ? 'start' : 'max'],
      message: `max (${max} ${unit}) must be above start (${start} ${unit}), so there is something to search`,
    })
  }
  let stepMs: number | undefined
  if (raw.step !== undefined) {
    stepMs = parseDurationMs(raw.step)
    if (stepMs <= 0 || stepMs > MAX_STEP_MS) {
      problems.push({
        path: [...here, 'step'],
        message: `must be more than 0 and at most ${formatDurationMs(MAX_STEP_MS)}, got ${JSON.stringify(raw.step)}`,
      })
    }
  }
  const follow = raw.follow === undefined ? STRESS_DEFAULTS.follow : parsePercent(raw.follow)
  if (follow <= 0 || follow > 1) {
    problems.push({
      path: [...here, 'follow'],
      message: `must be a percentage above 0% and at most 100%, got ${JSON.stringify(raw.follow)}`,
    })
  }
  if (raw.follow !== undefined && loop === 'connections') {
    problems.push({
      path: [...here, 'follow'],
      message: 'only applies to an open-loop search (a scenario with a rate): a closed loop offers no rate to follow',
      atKey: true,
    })
  }
  const latencyUs = thresholds
    .filter(
      (t): t is AbsoluteThreshold & { metric: Exclude<LatencyMetric, 'max'> } =>
        t.bound === 'max' && isLatencyMetric(t.metric) && t.metric !== 'max',
    )
    .map((t) => ({ metric: t.metric, max: t.limit }))
  const errorLimit = thresholds.find((t) => t.metric === 'errorRate' && t.bound === 'max')
  return {
    loop,
    start,
    factor: raw.factor ?? STRESS_DEFAULTS.factor,
    max,
    ...(stepMs === undefined ? {} : { stepMs }),
    bisect: raw.bisect ?? STRESS_DEFAULTS.bisect,
    follow,
    connections: level.connections,
    slo: { latencyUs, maxErrorRate: errorLimit?.limit ?? defaultMaxErrorRate },
  }
}
