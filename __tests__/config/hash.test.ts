// The config hash and the entries' definition hashes are one allow-list (config/hash.ts): every field
// of a scenario is classified, and each hash reacts to exactly the fields that change the numbers.
import { describe, expect, it } from 'vitest'
import { configHash, definitionHash, SCENARIO_FIELD_ROLES } from '../../src/config/hash.js'
import { parsePlan } from '../../src/config/load.js'
import type { ScenarioPlan } from '../../src/config/plan.js'
import { entriesOf, definitionHash as entryDefinitionHash } from '../../src/load/schedule.js'

const CONFIG = `app: { command: node s.js, env: { PORT: "3000" } }
baseUrl: http://127.0.0.1:3000
scenarios:
  - { name: list, path: /users, tags: [api], connections: [1, 10], rounds: 3, thresholds: { p99: { max: 50ms } } }
  - name: create
    rate: 200
    arrivals: poisson
    threads: 2
    amount: 1000
    requests: [{ method: POST, path: /users, body: { a: 1 }, headers: { x-k: v }, expect: { status: 201 } }]
`

const plan = parsePlan(CONFIG, 'c.yml', '/srv')
const open = plan.scenarios[1]
if (open === undefined) throw new Error('the config has two scenarios')
const level = open.levels[0] ?? { connections: 10, rate: 200 }

// One edit of every field; the record's type makes a new field of ScenarioPlan a compile error here too.
const EDITS: { readonly [K in keyof Required<ScenarioPlan>]: (s: ScenarioPlan) => ScenarioPlan } = {
  name: (s) => ({ ...s, name: 'renamed' }),
  tags: (s) => ({ ...s, tags: ['other'] }),
  requests: (s) => ({ ...s, requests: s.requests.map((r) => ({ ...r, path: '/other' })) }),
  data: (s) => ({ ...s, data: { file: 'users.csv', columns: ['user'], rows: [['a'], ['b']] } }),
  levels: (s) => ({ ...s, levels: s.levels.map((l) => ({ ...l, connections: l.connections + 1 })) }),
  pipelining: (s) => ({ ...s, pipelining: s.pipelining + 1 }),
  arrivals: (s) => ({ ...s, arrivals: s.arrivals === 'even' ? 'poisson' : 'even' }),
  threads: (s) => ({ ...s, threads: 3 }),
  durationMs: (s) => ({ ...s, durationMs: s.durationMs + 1 }),
  amount: (s) => ({ ...s, amount: (s.amount ?? 0) + 1 }),
  warmupMs: (s) => ({ ...s, warmupMs: s.warmupMs + 1 }),
  rounds: (s) => ({ ...s, rounds: s.rounds + 1 }),
  timeoutMs: (s) => ({ ...s, timeoutMs: s.timeoutMs + 1 }),
  thresholds: (s) => ({ ...s, thresholds: [] }),
  regression: (s) => ({ ...s, regression: [] }),
  profile: (s) => ({ ...s, profile: 'soak' }),
  spike: (s) => ({ ...s, spike: { rate: 100, multiple: 5, beforeMs: 5000, burstMs: 5000, afterMs: 15_000, recoveryTolerance: 0.2 } }),
  stress: (s) => ({
    ...s,
    stress: {
      loop: 'rate',
      start: 100,
      factor: 2,
      max: 1000,
      bisect: 3,
      follow: 0.9,
      connections: 10,
      slo: { latencyUs: [], maxErrorRate: 0.1 },
    },
  }),
}

describe('what changes the numbers', () => {
  it('keeps the hashes baselines were recorded with', () => {
    // Changed on purpose on 2026-12-05, when the default round went from 5 s to 2.5 s: the round's
    // length is measured, so a config that leaves `duration` unset records other entries since
    // (before: 450d341aea65d3e9 and 509026d97c7dccf0, 1752f04273e881a4, 38da37124ce223f5).
    expect(plan.configHash).toBe('b8eb42c2d68cb1df')
    expect(entriesOf(plan).map(entryDefinitionHash)).toEqual(['6d73b9d766e39718', '36037b3244ae4697', '9d57638d9967ec78'])
  })

  it.each(Object.entries(SCENARIO_FIELD_ROLES))('%s (%s) changes the hashes exactly when it is measured', (field, role) => {
    const edit = Object.entries(EDITS).find(([name]) => name === field)?.[1]
    if (edit === undefined) throw new Error(`no edit for ${field}`)
    const edited = edit(open)
    const configChanged = configHash(plan.app, 'http://127.0.0.1:3000', [plan.scenarios[0] ?? open, edited]) !== plan.configHash
    // An edited level list is compared level by level, as the entries are.
    const definitionChanged = definitionHash(edited, edited.levels[0] ?? level) !== definitionHash(open, level)
    expect({ configChanged, definitionChanged }).toEqual({
      configChanged: role === 'measured' || role === 'identity',
      definitionChanged: role === 'measured',
    })
  })

  it('covers the app’s command and environment, whatever the names of its variables', () => {
    const withEnv = (env: Record<string, string>): string => configHash({ command: 'node s.js', env }, 'http://x', plan.scenarios)
    // A deny-list of scenario field names also dropped same-named keys deeper down, such as these.
    expect(withEnv({ threads: '1' })).not.toBe(withEnv({ threads: '2' }))
    expect(withEnv({ rounds: '1' })).not.toBe(withEnv({ rounds: '2' }))
    expect(configHash({ command: 'node t.js', env: {} }, 'http://x', plan.scenarios)).not.toBe(
      configHash({ command: 'node s.js', env: {} }, 'http://x', plan.scenarios),
    )
  })
})
