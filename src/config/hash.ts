// What changes the numbers, written once as allow-lists: the config hash (a baseline taken with another
// config is said to be so) and each entry's definition hash (an edited scenario measured something
// else, so its regressions do not block). A field left off a list changes neither hash, so every
// field of a scenario is classified below, and the compiler refuses a new one until it is.
import { createHash } from 'node:crypto'
import type { AppPlan, LoadLevel, ScenarioPlan } from './plan.js'

/**
 * What each field of a scenario is to the hashes: `measured` changes what the app is asked to do
 * (both hashes cover it); `identity` names the scenario (the config hash covers it, an entry's key
 * already holds it); `judging` decides what the numbers mean, `harness` how Cannonade produces the
 * same load, `selection` which runs include it: none of these makes old numbers incomparable.
 */
export const SCENARIO_FIELD_ROLES = {
  name: 'identity',
  tags: 'selection',
  requests: 'measured',
  data: 'measured',
  levels: 'measured',
  pipelining: 'measured',
  arrivals: 'measured',
  threads: 'harness',
  durationMs: 'measured',
  amount: 'measured',
  warmupMs: 'measured',
  rounds: 'judging',
  timeoutMs: 'measured',
  thresholds: 'judging',
  regression: 'judging',
  profile: 'measured',
  spike: 'measured',
  stress: 'measured',
} as const satisfies { readonly [K in keyof Required<ScenarioPlan>]: 'measured' | 'identity' | 'judging' | 'harness' | 'selection' }

function sha16(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16)
}

// The fields in the order the plan builds them, so hashes of configs written before this allow-list
// are unchanged. Even arrivals are the default and were the only schedule before `arrivals` existed,
// so they are left out as they always were.
function measuredScenario(s: ScenarioPlan): object {
  return {
    name: s.name,
    requests: s.requests,
    levels: s.levels,
    pipelining: s.pipelining,
    ...(s.arrivals === 'even' ? {} : { arrivals: s.arrivals }),
    durationMs: s.durationMs,
    ...(s.amount === undefined ? {} : { amount: s.amount }),
    warmupMs: s.warmupMs,
    timeoutMs: s.timeoutMs,
    ...profileOf(s),
  }
}

// The steady profile was the only one before `profile` existed, so it leaves both hashes as they were;
// another profile, a spike's schedule and a stress search change what is sent.
function profileOf(s: ScenarioPlan): object {
  return {
    ...(s.profile === 'steady' ? {} : { profile: s.profile }),
    ...(s.spike === undefined ? {} : { spike: s.spike }),
    ...(s.stress === undefined ? {} : { stress: s.stress }),
    // The rows by digest: a data file of many rows would otherwise be hashed twice per entry.
    ...(s.data === undefined ? {} : { data: sha16({ columns: s.data.columns, rows: s.data.rows }) }),
  }
}

/**
 * Hash of what a config measures: the app's command and environment, the base URL, and the measured
 * and identity fields of every scenario. Thresholds, tolerances and round counts can be edited
 * without making old baselines look like another config's.
 */
export function configHash(app: Pick<AppPlan, 'command' | 'env'> | undefined, baseUrl: string, scenarios: readonly ScenarioPlan[]): string {
  return sha16({
    app: app === undefined ? null : { command: app.command, env: app.env },
    baseUrl,
    scenarios: scenarios.map(measuredScenario),
  })
}

/**
 * Hash of what one entry (a scenario at one load level) sends and how: the measured fields, with the
 * level instead of the scenario's list of them. Arrivals only matter for an open-loop level.
 */
export function definitionHash(s: ScenarioPlan, level: LoadLevel): string {
  const { requests, pipelining, durationMs, amount, warmupMs, timeoutMs, arrivals } = s
  // Even arrivals leave the hash as it was before `arrivals` existed.
  const schedule = arrivals === 'even' || level.rate === undefined ? {} : { arrivals }
  return sha16({ requests, level, pipelining, durationMs, amount: amount ?? null, warmupMs, timeoutMs, ...schedule, ...profileOf(s) })
}
