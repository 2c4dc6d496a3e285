// The load profile of a scenario (`profile: spike | soak | volume`, see src/load/profiles/): its own
// settings, the defaults it changes, and the settings that only make sense with one profile.
import type { LoadLevel, Profile, ProfileMetric, ScenarioPlan, SpikePlan } from './plan.js'
import type { RawScenario, RawThresholds } from './raw.js'
import { formatDurationMs, parseDurationMs, parsePercent, parseSizeBytes } from './units.js'
import type { Problem } from './validate.js'

/** Defaults of `spike:`; documented in the README's profile section. */
export const SPIKE_DEFAULTS = { rate: 100, multiple: 5, beforeMs: 5000, burstMs: 5000, afterMs: 15_000, recoveryTolerance: 0.2 } as const

/** What a soak changes unless the scenario says otherwise: one long round after a longer warm-up. */
export const SOAK_DEFAULTS = { durationMs: 10 * 60_000, warmupMs: 30_000, rounds: 1 } as const

/** A spike takes several seconds a round: fewer rounds than a steady scenario unless set. */
export const SPIKE_ROUNDS = 3

/** The leak limit a soak gets when its thresholds name none: 1 MB of RSS per minute. */
export const DEFAULT_LEAK_BYTES_PER_MIN = 1024 ** 2

// The longest phase of a spike: the measured window (before + burst + after) stays under the hour a
// duration may last.
const MAX_PHASE_MS = 20 * 60_000

// Which profile each profile-only metric belongs to: naming it elsewhere is a mistake worth saying.
const METRIC_PROFILE: Readonly<Record<ProfileMetric, Profile>> = {
  recovery: 'spike',
  burstP99: 'spike',
  burstErrorRate: 'spike',
  leak: 'soak',
  drift: 'soak',
}

/** What the profile sets on the scenario plan. */
export interface ProfileSettings {
  readonly profile: Profile
  readonly spike?: SpikePlan
  /** Replaces the scenario's levels (spike: one rate; volume: one level per body size). */
  readonly levels?: readonly LoadLevel[]
  /** Defaults that differ from a steady scenario's, used where the scenario and defaults set none. */
  readonly durationMs?: number
  readonly warmupMs?: number
  readonly rounds?: number
  /** A profile whose schedule one thread must keep (a spike's rate changes over the round). */
  readonly threads?: 1
}

function phase(value: string | undefined, fallback: number, at: (string | number)[], problems: Problem[]): number {
  if (value === undefined) return fallback
  const ms = parseDurationMs(value)
  if (ms <= 0 || ms > MAX_PHASE_MS) {
    problems.push({ path: at, message: `must be more than 0 and at most ${formatDurationMs(MAX_PHASE_MS)}, got ${JSON.stringify(value)}` })
  }
  return ms
}

function buildSpike(s: RawScenario, levels: readonly LoadLevel[], at: (string | number)[], problems: Problem[]): ProfileSettings {
  const raw = s.spike ?? {}
  const here = [...at, 'spike']
  if (Array.isArray(s.rate) && s.rate.length > 1) {
    problems.push({ path: [...at, 'rate'], message: 'profile spike takes one steady rate, not a list; set spike.rate' })
  }
  if (s.duration !== undefined) {
    problems.push({
      path: [...at, 'duration'],
      message: 'profile spike measures spike.before + spike.burst + spike.after; set those instead',
    })
  }
  if (s.amount !== undefined) problems.push({ path: [...at, 'amount'], message: 'profile spike runs for a time, not a request count' })
  const scenarioRate = typeof s.rate === 'number' ? s.rate : undefined
  const spike: SpikePlan = {
    rate: raw.rate ?? scenarioRate ?? SPIKE_DEFAULTS.rate,
    multiple: raw.multiple ?? SPIKE_DEFAULTS.multiple,
    beforeMs: phase(raw.before, SPIKE_DEFAULTS.beforeMs, [...here, 'before'], problems),
    burstMs: phase(raw.burst, SPIKE_DEFAULTS.burstMs, [...here, 'burst'], problems),
    afterMs: phase(raw.after, SPIKE_DEFAULTS.afterMs, [...here, 'after'], problems),
    recoveryTolerance: raw.recovery === undefined ? SPIKE_DEFAULTS.recoveryTolerance : parsePercent(raw.recovery),
  }
  if (spike.rate * spike.multiple > 1_000_000) {
    problems.push({ path: here, message: `rate × multiple must be at most 1000000 req/s, got ${spike.rate * spike.multiple}` })
  }
  const connections = levels[0]?.connections ?? 1
  return {
    profile: 'spike',
    spike,
    levels: [{ connections, rate: spike.rate }],
    durationMs: spike.beforeMs + spike.burstMs + spike.afterMs,
    rounds: SPIKE_ROUNDS,
    threads: 1,
  }
}

function buildVolume(s: RawScenario, levels: readonly LoadLevel[], at: (string | number)[], problems: Problem[]): ProfileSettings {
  if (s.bodySize === undefined) {
    problems.push({ path: [...at, 'profile'], message: 'profile volume needs bodySize: a size like 64KB or a list of sizes to sweep' })
    return { profile: 'volume' }
  }
  const sizes = [...new Set([s.bodySize].flat().map(parseSizeBytes))]
  if (sizes.some((bytes) => bytes < 1 || bytes > 64 * 1024 ** 2)) {
    problems.push({ path: [...at, 'bodySize'], message: `must be sizes from 1B to 64MB, got ${JSON.stringify(s.bodySize)}` })
  }
  if (levels.length > 1 && sizes.length > 1) {
    problems.push({
      path: [...at, 'bodySize'],
      message: 'cannot sweep body sizes and connections (or rates) at once; make one of them a single value',
    })
  }
  return {
    profile: 'volume',
    levels: levels.flatMap((level) => sizes.map((bodyBytes) => ({ ...level, bodyBytes: Math.round(bodyBytes) }))),
  }
}

/**
 * The profile settings of a scenario whose steady levels are `levels`; problems for settings of
 * another profile than the one chosen (a `spike:` mapping on a soak, a leak limit on a spike).
 */
export function buildProfile(s: RawScenario, levels: readonly LoadLevel[], at: (string | number)[], problems: Problem[]): ProfileSettings {
  const profile = s.profile ?? 'steady'
  const misplaced = (field: readonly string[], wanted: Profile): void => {
    problems.push({
      path: [...at, ...field],
      message: `only applies with profile: ${wanted}, and this scenario’s profile is ${profile}; set profile: ${wanted} or remove it`,
    })
  }
  if (s.spike !== undefined && profile !== 'spike') misplaced(['spike'], 'spike')
  if (s.bodySize !== undefined && profile !== 'volume') misplaced(['bodySize'], 'volume')
  const own: RawThresholds = s.thresholds ?? {}
  for (const [metric, wanted] of Object.entries(METRIC_PROFILE)) {
    if (wanted !== profile && metric in own) misplaced(['thresholds', metric], wanted)
  }
  if (profile !== 'spike' && own.regression?.recovery !== undefined) misplaced(['thresholds', 'regression', 'recovery'], 'spike')
  if (profile === 'spike') return buildSpike(s, levels, at, problems)
  if (profile === 'volume') return buildVolume(s, levels, at, problems)
  if (profile === 'soak') return { profile, ...SOAK_DEFAULTS }
  // stress is measured as steady here; its search lives elsewhere.
  return { profile }
}

/**
 * The smoke version of a profile (`--quick`), applied after the general one (one short round): a
 * spike of 2 s steady, 1 s burst, 3 s steady; a soak of 5 s after 1 s of warm-up, enough seconds for
 * a slope. Steady, stress and volume scenarios keep the general smoke round.
 */
export function quickProfile(scenario: ScenarioPlan): ScenarioPlan {
  if (scenario.spike !== undefined) {
    const spike = { ...scenario.spike, beforeMs: 2000, burstMs: 1000, afterMs: 3000 }
    return { ...scenario, spike, durationMs: spike.beforeMs + spike.burstMs + spike.afterMs }
  }
  if (scenario.profile === 'soak') return { ...scenario, durationMs: 5000, warmupMs: 1000 }
  return scenario
}
