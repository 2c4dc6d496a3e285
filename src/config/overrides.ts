// Command-line and action-input overrides of a plan: pick scenarios, change rounds or duration, or the
// smoke profile. Applied after validation, so the plan stays the single source of truth.
import { InputError } from '../errors.js'
import { MAX_MS } from './load.js'
import type { Plan, ScenarioPlan, StressPlan } from './plan.js'
import { humanDurationMs, MAX_PLANNED_MS, plannedTime } from './planned-time.js'
import { quickProfile } from './profile.js'
import schema from './schema.json' with { type: 'json' }
import { parseBoundedDurationMs } from './units.js'

/** What the user asked to change for this run only. */
export interface Overrides {
  /** Scenario names to keep; empty keeps all. */
  readonly scenarios?: readonly string[]
  /** Tags to keep (a scenario with any of them); empty keeps all. */
  readonly tags?: readonly string[]
  readonly rounds?: number
  readonly durationMs?: number
  /** Time budget of deciding as you go, instead of the config's `budget`. */
  readonly budgetMs?: number
  /** Smoke profile: one short round per entry; a stress search with short steps and one bisection step. */
  readonly quick?: boolean
  /** Measure only this shard of the scenarios left by the filters: the k-th of them (0-based) belongs to shard k mod count + 1. */
  readonly shard?: Shard
}

/** One of `count` parts of a suite, `index` from 1. */
export interface Shard {
  readonly index: number
  readonly count: number
}

/** Parses `2/4`; `what` names the flag or input in the message. */
export function parseShard(text: string, what: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim())
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new InputError([`${what}: must be INDEX/COUNT with 1 <= INDEX <= COUNT, e.g. 2/4, got "${text}"`])
  }
  return { index, count }
}

/** The most rounds an entry may have, from the config, a flag or an input alike: the schema's limit. */
export const MAX_ROUNDS: number = schema.$defs.rounds.maximum

/** The overrides of a run as the user typed them, before they are checked; absent when not given. */
export interface OverrideTexts {
  readonly rounds?: string | undefined
  readonly duration?: string | undefined
  readonly budget?: string | undefined
  readonly shard?: string | undefined
}

/**
 * Checks the overrides of a run with one set of limits for the CLI flags and the action inputs, the
 * config's own: rounds from 1 to MAX_ROUNDS, a duration and a budget no longer than the config may
 * set. `name` says how the user wrote each one (`--rounds`, `input 'rounds'`) for the message.
 */
export function parseOverrideTexts(
  texts: OverrideTexts,
  name: (key: keyof OverrideTexts) => string,
): Pick<Overrides, 'rounds' | 'durationMs' | 'budgetMs' | 'shard'> {
  const { rounds, duration, budget, shard } = texts
  return {
    ...(rounds === undefined ? {} : { rounds: parseRounds(rounds, name('rounds')) }),
    ...(duration === undefined ? {} : { durationMs: parseBoundedDurationMs(duration, name('duration'), MAX_MS.duration) }),
    ...(budget === undefined ? {} : { budgetMs: parseBoundedDurationMs(budget, name('budget'), MAX_MS.budget) }),
    ...(shard === undefined ? {} : { shard: parseShard(shard, name('shard')) }),
  }
}

function parseRounds(text: string, what: string): number {
  const rounds = Number(text.trim())
  if (text.trim() === '' || !Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
    throw new InputError([`${what}: must be an integer from 1 to ${MAX_ROUNDS}, got "${text}"`])
  }
  return rounds
}

/** The smoke profile: enough to see that every scenario works, not enough to compare. */
export const QUICK = { rounds: 1, durationMs: 1000, warmupMs: 250 } as const

/** The smoke version of a stress search: 500 ms steps, one bisection step (one round, as QUICK). */
export const QUICK_STRESS = { stepMs: 500, bisect: 1 } as const

function quickStress(stress: StressPlan): StressPlan {
  return { ...stress, stepMs: QUICK_STRESS.stepMs, bisect: Math.min(stress.bisect, QUICK_STRESS.bisect) }
}

/** Applies overrides; throws InputError for a scenario or tag that matches nothing. */
export function applyOverrides(plan: Plan, overrides: Overrides): Plan {
  const names = overrides.scenarios ?? []
  const tags = overrides.tags ?? []
  for (const name of names) {
    if (!plan.scenarios.some((s) => s.name === name)) {
      throw new InputError([
        `--scenario: no scenario named "${name}" in ${plan.source}; there are: ${plan.scenarios.map((s) => `"${s.name}"`).join(', ')}`,
      ])
    }
  }
  let scenarios = plan.scenarios.filter((s) => names.length === 0 || names.includes(s.name))
  if (tags.length > 0) {
    scenarios = scenarios.filter((s) => s.tags.some((tag) => tags.includes(tag)))
    if (scenarios.length === 0)
      throw new InputError([`--tag: no scenario in ${plan.source} has tag ${tags.map((t) => `"${t}"`).join(' or ')}`])
  }
  const { shard } = overrides
  // Shards split what the filters kept, by position, so every shard job computes the same split
  // without talking to the others, and the tagged scenarios are spread over all shards.
  if (shard !== undefined) scenarios = scenarios.filter((_, k) => k % shard.count === shard.index - 1)
  const adjust = (s: ScenarioPlan): ScenarioPlan => {
    if (overrides.quick === true) {
      const { amount: _amount, ...rest } = s
      return quickProfile({ ...rest, ...QUICK, ...(s.stress === undefined ? {} : { stress: quickStress(s.stress) }) })
    }
    return {
      ...s,
      ...(overrides.rounds === undefined ? {} : { rounds: overrides.rounds }),
      // A spike's window is its phases (before + burst + after); --duration does not stretch it.
      ...(overrides.durationMs === undefined || s.spike !== undefined ? {} : { durationMs: overrides.durationMs }),
    }
  }
  const adjusted = scenarios.map(adjust)
  // --rounds and --duration can stretch a plan the config kept within bounds.
  if (overrides.rounds !== undefined || overrides.durationMs !== undefined) {
    const planned = plannedTime({ scenarios: adjusted, warmupSuite: plan.warmupSuite && overrides.quick !== true })
    if (planned.ms > MAX_PLANNED_MS) {
      throw new InputError([
        `--rounds/--duration: the suite would measure for ${humanDurationMs(planned.ms)}, more than the ${humanDurationMs(MAX_PLANNED_MS)} a plan may take (a GitHub job's limit); ask for fewer rounds or shorter ones`,
      ])
    }
  }
  return {
    ...plan,
    ...(overrides.budgetMs === undefined ? {} : { budgetMs: overrides.budgetMs }),
    // A smoke run only checks that every scenario works: a warm-up pass would double its time.
    ...(overrides.quick === true ? { warmupSuite: false } : {}),
    scenarios: adjusted,
  }
}
