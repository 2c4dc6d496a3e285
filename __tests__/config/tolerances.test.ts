// One table of default tolerances: what a config without `regression` gates, what labels an ungated
// change, and what the README promises, all read from src/config/tolerances.ts.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { compare } from '../../src/compare/compare.js'
import { parsePlan } from '../../src/config/load.js'
import { DEFAULT_TOLERANCE, defaultSeverity, GATED_BY_DEFAULT, GATED_BY_DEFAULT_WITH_APP } from '../../src/config/tolerances.js'
import { syntheticResults, type SyntheticEntry } from '../../__fixtures__/results/build.js'

const percent = (fraction: number): string => `${Math.round(fraction * 1000) / 10} %`

describe('the default tolerances', () => {
  it('gate exactly the default metrics at the table’s values when a config sets none', () => {
    const plan = parsePlan('baseUrl: http://127.0.0.1:1\nscenarios: [{ name: a, path: / }]\n', 'c.yml', '/')
    const byMetric = (a: { metric: string }, b: { metric: string }): number => a.metric.localeCompare(b.metric)
    expect([...(plan.scenarios[0]?.regression ?? [])].sort(byMetric)).toEqual(
      GATED_BY_DEFAULT.map((metric) => ({ metric, tolerance: DEFAULT_TOLERANCE[metric], severity: defaultSeverity(metric) })).sort(
        byMetric,
      ),
    )
    // The tail warns: two launches of the same app differ most there (README, `regression`).
    expect(GATED_BY_DEFAULT.map((metric) => `${metric} ${defaultSeverity(metric)}`)).toEqual(['rps fail', 'p50 fail', 'p99 warn'])
  })

  it('gate cpu too when Cannonade starts the app, and only then', () => {
    const withApp = parsePlan(
      'baseUrl: http://127.0.0.1:1\napp: { command: node server.js }\nscenarios: [{ name: a, path: / }, { name: s, path: /, profile: stress, rate: 10 }]\n',
      'c.yml',
      '/',
    )
    const gated = (i: number): string[] => (withApp.scenarios[i]?.regression ?? []).map((t) => t.metric).sort()
    expect(gated(0)).toEqual([...GATED_BY_DEFAULT_WITH_APP].sort())
    expect(withApp.scenarios[0]?.regression).toContainEqual({ metric: 'cpu', tolerance: DEFAULT_TOLERANCE.cpu, severity: 'fail' })
    // A stress scenario gates its capacity, app or not; a config's own cpu tolerance wins over the default.
    expect(gated(1)).toEqual(['capacity'])
    const own = parsePlan(
      'baseUrl: http://127.0.0.1:1\napp: { command: node server.js }\nscenarios: [{ name: a, path: /, thresholds: { regression: { cpu: { max: 20%, severity: warn } } } }]\n',
      'c.yml',
      '/',
    )
    expect(own.scenarios[0]?.regression).toContainEqual({ metric: 'cpu', tolerance: 0.2, severity: 'warn' })
  })

  it('label a change of an ungated metric at the table’s value', () => {
    // A config that gates only rps: p50 is ungated and labelled with the table's tolerance.
    const base: SyntheticEntry = {
      scenario: 'a',
      rps: [1000, 1010, 995, 1005, 990],
      p50Us: [200, 202, 199, 201, 198],
      regression: [{ metric: 'rps', tolerance: 0.05, severity: 'fail' }],
    }
    const head = { ...base, p50Us: base.p50Us.map((v) => Math.round(v * 1.08)) }
    const p50 = compare(syntheticResults([base]), syntheticResults([head])).entries[0]?.metrics.find((m) => m.metric === 'p50')
    expect(p50).toMatchObject({ gated: false, tolerance: DEFAULT_TOLERANCE.p50 })
  })

  it('are the ones the README states', async () => {
    const readme = (await readFile('README.md', 'utf8')).replace(/\s+/g, ' ')
    const at = (m: (typeof GATED_BY_DEFAULT)[number]): string => `\`${m}\` at ${percent(DEFAULT_TOLERANCE[m])}`
    const failing = GATED_BY_DEFAULT.filter((m) => defaultSeverity(m) === 'fail').map(at)
    const warning = GATED_BY_DEFAULT.filter((m) => defaultSeverity(m) === 'warn').map(at)
    expect(readme).toContain(
      `When a config sets none, Cannonade gates ${failing.join(' and ')}, both \`fail\`, and ${warning.join(', ')} as a \`warn\``,
    )
    const cpu = GATED_BY_DEFAULT_WITH_APP.filter((m) => !GATED_BY_DEFAULT.some((g) => g === m))
    expect(readme).toContain(
      `When Cannonade starts the app (\`app\`), it gates ${cpu.map((m) => `\`${m}\` at ${percent(DEFAULT_TOLERANCE[m])}`).join(', ')} too`,
    )
    const labelled = Object.entries(DEFAULT_TOLERANCE)
      .filter(([m]) => !GATED_BY_DEFAULT.some((g) => g === m))
      .map(([m, t]) => `\`${m}\` ${m === 'errorRate' ? `${t * 100} pp` : percent(t)}`)
    expect(readme).toContain(`beyond ${labelled.slice(0, -1).join(', ')} and ${labelled.at(-1)}`)
  })
})
