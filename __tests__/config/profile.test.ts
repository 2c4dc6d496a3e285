// The scenario `profile` and its settings: defaults each profile fills in, and a file:line:col error
// for every setting that is malformed or belongs to another profile.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { parsePlan } from '../../src/config/load.js'
import { applyOverrides } from '../../src/config/overrides.js'
import { problemsOf as configProblems } from '../helpers/config-problems.js'

const head = 'baseUrl: http://127.0.0.1:3000\nscenarios:\n'

function plan(scenarios: string): ReturnType<typeof parsePlan> {
  return parsePlan(head + scenarios, 'c.yml', '/srv')
}

function problemsOf(scenarios: string): string[] {
  return configProblems(head + scenarios, 'c.yml')
}

describe('load profiles in the config', () => {
  it('keeps today’s behaviour without a profile (steady), and the config hash with it', () => {
    const steady = plan('  - { name: a, path: / }\n')
    const explicit = plan('  - { name: a, path: /, profile: steady }\n')
    expect(steady.scenarios[0]?.profile).toBe('steady')
    expect(explicit.configHash).toBe(steady.configHash)
    // stress searches the load itself (its own tests are in stress.test.ts)
    expect(plan('  - { name: a, path: /, profile: stress, connections: 2 }\n').scenarios[0]?.stress).toBeDefined()
  })

  it('fills a spike’s defaults: 100 req/s, ×5 for 5 s between 5 s and 15 s, 20 % recovery, one thread', () => {
    const [spike] = plan('  - { name: s, path: /, profile: spike }\n').scenarios
    expect(spike?.spike).toEqual({ rate: 100, multiple: 5, beforeMs: 5000, burstMs: 5000, afterMs: 15_000, recoveryTolerance: 0.2 })
    expect(spike?.durationMs).toBe(25_000)
    expect(spike?.levels).toEqual([{ connections: 10, rate: 100 }])
    expect(spike?.threads).toBe(1)
    expect(spike?.rounds).toBe(3)
  })

  it('makes a soak long and adds the default leak limit of 1 MB/min, whatever the suite defaults say', () => {
    const config = parsePlan(
      'baseUrl: http://127.0.0.1:3000\ndefaults: { duration: 2s, warmup: 100ms, rounds: 5 }\nscenarios:\n  - { name: s, path: /, profile: soak }\n',
      'c.yml',
      '/',
    )
    const [soak] = config.scenarios
    expect(soak).toMatchObject({ durationMs: 600_000, warmupMs: 30_000, rounds: 1 })
    expect(soak?.thresholds).toContainEqual({ metric: 'leak', bound: 'max', limit: 1024 ** 2, severity: 'fail' })
    const own = plan(
      '  - { name: s, path: /, profile: soak, duration: 20s, thresholds: { leak: { max: 3MB/min }, drift: { max: 2ms/min } } }\n',
    )
    expect(own.scenarios[0]?.durationMs).toBe(20_000)
    expect(own.scenarios[0]?.thresholds).toEqual([
      { metric: 'leak', bound: 'max', limit: 3 * 1024 ** 2, severity: 'fail' },
      { metric: 'drift', bound: 'max', limit: 2000, severity: 'fail' },
    ])
  })

  it('sweeps a volume scenario over body sizes, one entry each, sent with POST', () => {
    const [volume] = plan('  - { name: v, path: /upload, profile: volume, connections: 4, bodySize: [1KB, 64KB] }\n').scenarios
    expect(volume?.levels).toEqual([
      { connections: 4, bodyBytes: 1024 },
      { connections: 4, bodyBytes: 65_536 },
    ])
    expect(volume?.requests[0]?.method).toBe('POST')
    const [download] = plan('  - { name: d, path: "/blob?size={bodySize}", profile: volume, bodySize: 1MB }\n').scenarios
    expect(download?.requests[0]?.method).toBe('GET')
  })

  it('gives --quick a short smoke version of each profile', () => {
    const quick = applyOverrides(
      plan(
        '  - { name: s, path: /, profile: spike }\n  - { name: k, path: /, profile: soak }\n  - { name: v, path: /, profile: volume, bodySize: 1KB }\n',
      ),
      { quick: true },
    )
    const [spike, soak, volume] = quick.scenarios
    expect(spike).toMatchObject({ durationMs: 6000, rounds: 1, spike: { beforeMs: 2000, burstMs: 1000, afterMs: 3000 } })
    expect(soak).toMatchObject({ durationMs: 5000, warmupMs: 1000, rounds: 1 })
    expect(volume).toMatchObject({ durationMs: 1000, rounds: 1 })
  })

  it('says where each bad profile setting is, with the field and what was expected', () => {
    const problems = problemsOf(
      [
        '  - name: a',
        '    path: /',
        '    profile: spik',
        '  - name: b',
        '    path: /',
        '    profile: spike',
        '    spike: { multiple: 1, burst: soon }',
        '    duration: 5s',
        '  - name: c',
        '    path: /',
        '    spike: { rate: 10 }',
        '    bodySize: 1KB',
        '    thresholds: { leak: { max: 1MB }, recovery: { max: 3s } }',
        '  - name: d',
        '    path: /',
        '    profile: volume',
        '  - name: e',
        '    path: /',
        '    profile: soak',
        '    thresholds: { leak: { max: 1MB/hour } }',
        '',
      ].join('\n'),
    )
    expect(problems).toEqual([
      'c.yml:5:14: scenarios[0].profile: must be one of steady, stress, spike, soak, volume, got "spik"',
      'c.yml:9:24: scenarios[1].spike.multiple: must be a number above 1 and at most 1000, got 1',
      'c.yml:9:34: scenarios[1].spike.burst: must be a duration like 500ms, 5s or 1m, got "soon"',
      'c.yml:15:32: scenarios[2].thresholds.leak.max: must be a growth like 1MB/min, got "1MB"',
      'c.yml:22:32: scenarios[4].thresholds.leak.max: must be a growth like 1MB/min, got "1MB/hour"',
    ])
    const second = problemsOf(
      [
        '  - name: b',
        '    path: /',
        '    profile: spike',
        '    duration: 5s',
        '  - name: c',
        '    path: /',
        '    spike: { rate: 10 }',
        '    bodySize: 1KB',
        '    thresholds: { leak: { max: 1MB/min }, recovery: { max: 3s } }',
        '  - name: d',
        '    path: /',
        '    profile: volume',
        '  - name: e',
        '    path: /',
        '    profile: volume',
        '    connections: [1, 2]',
        '    bodySize: [1KB, 2KB]',
        '',
      ].join('\n'),
    )
    expect(second).toEqual([
      'c.yml:6:15: scenarios[0].duration: profile spike measures spike.before + spike.burst + spike.after; set those instead',
      'c.yml:9:12: scenarios[1].spike: only applies with profile: spike, and this scenario’s profile is steady; set profile: spike or remove it',
      'c.yml:10:15: scenarios[1].bodySize: only applies with profile: volume, and this scenario’s profile is steady; set profile: volume or remove it',
      'c.yml:11:25: scenarios[1].thresholds.leak: only applies with profile: soak, and this scenario’s profile is steady; set profile: soak or remove it',
      'c.yml:11:53: scenarios[1].thresholds.recovery: only applies with profile: spike, and this scenario’s profile is steady; set profile: spike or remove it',
      'c.yml:14:14: scenarios[2].profile: profile volume needs bodySize: a size like 64KB or a list of sizes to sweep',
      'c.yml:19:15: scenarios[3].bodySize: cannot sweep body sizes and connections (or rates) at once; make one of them a single value',
    ])
  })

  it('accepts every profile example of the README as written', async () => {
    const readme = await readFile('README.md', 'utf8')
    const section = readme.slice(readme.indexOf('### Load profiles'), readme.indexOf('### `validity`'))
    const examples = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
    expect(examples).toHaveLength(3)
    const profiles = examples.flatMap((example) => plan(example).scenarios.map((s) => s.profile))
    expect(profiles).toEqual(['spike', 'soak', 'volume', 'volume'])
  })
})
