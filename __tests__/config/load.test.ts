import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPlan, parsePlan } from '../../src/config/load.js'
import { InputError } from '../../src/errors.js'

function problemsOf(text: string): string[] {
  try {
    parsePlan(text, 'cannonade.yml', '/srv')
  } catch (error) {
    if (error instanceof InputError) return [...error.problems]
    throw error
  }
  throw new Error('expected the config to be rejected')
}

const minimal = 'baseUrl: http://127.0.0.1:3000\nscenarios:\n  - name: home\n    path: /\n'

describe('loading the documented example', () => {
  it('accepts the README example as written and fills defaults', async () => {
    const plan = await loadPlan('__fixtures__/configs/example.yml')
    expect(plan.scenarios.map((s) => s.name)).toEqual(['list users', 'create user'])
    const [list, create] = plan.scenarios
    expect(list?.levels).toEqual([{ connections: 1 }, { connections: 10 }, { connections: 50 }])
    expect(list?.durationMs).toBe(5000)
    expect(list?.thresholds).toContainEqual({ metric: 'p99', bound: 'max', limit: 50_000, severity: 'fail' })
    expect(list?.thresholds).toContainEqual({ metric: 'rps', bound: 'min', limit: 1000, severity: 'warn' })
    expect(list?.thresholds).toContainEqual({ metric: 'errorRate', bound: 'max', limit: 0.01, severity: 'fail' })
    expect(list?.regression).toContainEqual({ metric: 'p99', tolerance: 0.15, severity: 'fail' })
    expect(create?.levels).toEqual([{ connections: 10, rate: 200 }])
    expect(create?.requests[0]).toMatchObject({ method: 'POST', body: '{"name":"ada"}', expect: { status: [201] } })
    expect(plan.app?.readyUrl).toBe('http://127.0.0.1:3000/health')
    expect(plan.app?.env).toEqual({ PORT: '3000' })
    expect(plan.app?.cwd).toBe(path.resolve('__fixtures__/configs'))
  })

  it('is the example the README shows, beside the workflow the end-to-end tests run', async () => {
    const readme = await readFile('README.md', 'utf8')
    const example = await readFile('__fixtures__/configs/example.yml', 'utf8')
    expect(readme).toContain(example.trim())
    expect(readme).toContain((await readFile('examples/perf.yml', 'utf8')).trim())
  })
})

describe('rejecting bad configs with one line per problem', () => {
  it('names the field, the expectation and the value for a wrong type', () => {
    const problems = problemsOf(minimal.replace('path: /', 'path: /\n    rate: fast'))
    expect(problems).toEqual(['cannonade.yml:5:11: scenarios[0].rate: must be a positive number or a list of positive numbers, got "fast"'])
  })

  it('suggests the closest known key for an unknown one', () => {
    const problems = problemsOf(minimal.replace('path: /', 'path: /\n    conections: 5'))
    expect(problems).toEqual(['cannonade.yml:5:5: scenarios[0].conections: unknown field; did you mean "connections"?'])
  })

  it('lists the known keys when nothing is close', () => {
    const [problem] = problemsOf(`${minimal}zebra: 1\n`)
    expect(problem).toMatch(/^cannonade\.yml:5:1: zebra: unknown field; expected one of suite, app, baseUrl/)
  })

  it('rejects a negative or zero duration', () => {
    expect(problemsOf(minimal.replace('path: /', 'path: /\n    duration: -5s'))[0]).toContain(
      'scenarios[0].duration: must be a duration like 500ms, 5s or 1m, got "-5s"',
    )
    expect(problemsOf(minimal.replace('path: /', 'path: /\n    duration: 0s'))[0]).toContain('scenarios[0].duration: must be more than 0')
  })

  it('rejects an empty scenario list', () => {
    expect(problemsOf('baseUrl: http://127.0.0.1:3000\nscenarios: []\n')).toEqual([
      'cannonade.yml:2:12: scenarios: must be a non-empty list of scenarios, got []',
    ])
  })

  it('points at the line of a YAML syntax error', () => {
    const [problem] = problemsOf('baseUrl: http://127.0.0.1:3000\nscenarios:\n  - name: [home\n    path: /\n')
    expect(problem).toMatch(/^cannonade\.yml:4:\d+: invalid YAML: /)
  })

  it('reports every problem at once, in file order', () => {
    const problems = problemsOf(
      'baseUrl: ftp://x\nscenarios:\n  - name: a\n    path: nope\n    expect: { status: 99 }\n    thresholds: { p99: { max: 50 } }\n',
    )
    expect(problems.map((p) => p.split(': ')[1])).toEqual([
      'baseUrl',
      'scenarios[0].path',
      'scenarios[0].expect.status',
      'scenarios[0].thresholds.p99.max',
    ])
  })

  it('catches what the schema cannot: duplicate names, missing path, both sweeps, min above max', () => {
    const problems = problemsOf(
      [
        'baseUrl: http://127.0.0.1:3000',
        'scenarios:',
        '  - { name: a, path: / }',
        '  - { name: a, path: /x, connections: [1, 2], rate: [10, 20] }',
        '  - { name: b }',
        '  - { name: c, path: /, thresholds: { rps: { min: 10, max: 5 } } }',
      ].join('\n'),
    )
    expect(problems).toEqual([
      'cannonade.yml:4:13: scenarios[1].name: "a" is already the name of scenarios[0]; names must be unique',
      'cannonade.yml:4:53: scenarios[1].rate: cannot sweep connections and rate at once; make one of them a single value',
      'cannonade.yml:5:5: scenarios[2]: needs either path (one request) or requests (several steps)',
      'cannonade.yml:6:44: scenarios[3].thresholds.rps: has min greater than max',
    ])
  })
})

describe('normalising', () => {
  it('merges default thresholds with scenario ones, the scenario winning per metric', () => {
    const plan = parsePlan(
      [
        'baseUrl: http://127.0.0.1:3000/',
        'defaults:',
        '  headers: { X-Team: perf }',
        '  thresholds: { p99: { max: 100ms }, rss: { max: 200MB, severity: warn }, regression: { rps: 3% } }',
        'scenarios:',
        '  - name: a',
        '    path: /',
        '    body: { id: 1 }',
        '    thresholds: { p99: { max: 20ms }, regression: { p99: { max: 30%, severity: warn } } }',
      ].join('\n'),
      'c.yml',
      '/srv',
    )
    const [a] = plan.scenarios
    expect(plan.baseUrl).toBe('http://127.0.0.1:3000')
    expect(a?.thresholds).toEqual([
      { metric: 'p99', bound: 'max', limit: 20_000, severity: 'fail' },
      { metric: 'rss', bound: 'max', limit: 200 * 1024 * 1024, severity: 'warn' },
    ])
    expect(a?.regression).toEqual([
      { metric: 'p50', tolerance: 0.1, severity: 'fail' },
      { metric: 'p99', tolerance: 0.3, severity: 'warn' },
      { metric: 'rps', tolerance: 0.03, severity: 'fail' },
    ])
    expect(a?.requests[0]).toMatchObject({ body: '{"id":1}', headers: { 'x-team': 'perf', 'content-type': 'application/json' } })
  })

  it('keeps the config hash when only thresholds change, and changes it when the load changes', () => {
    const hash = (text: string): string => parsePlan(text, 'c.yml', '/srv').configHash
    const base = hash(minimal)
    expect(hash(`${minimal}    thresholds: { p99: { max: 5ms } }\n`)).toBe(base)
    expect(hash(`${minimal}    connections: 20\n`)).not.toBe(base)
  })
})

describe('reading the file', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-config-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('says plainly when the file is missing', async () => {
    await expect(loadPlan(path.join(dir, 'missing.yml'))).rejects.toThrow(/missing\.yml: no such file/)
  })

  it('reads JSON with line numbers too', async () => {
    const file = path.join(dir, 'c.json')
    await writeFile(file, '{\n  "baseUrl": "http://127.0.0.1:1",\n  "scenarios": [{ "name": "a", "path": "/", "rounds": 0 }]\n}\n')
    await expect(loadPlan(file)).rejects.toThrow(`${file}:3:55: scenarios[0].rounds: must be an integer from 1 to 50, got 0`)
  })
})

describe('budget', () => {
  const config = (budget: string): string => `${budget}baseUrl: http://127.0.0.1:1\nscenarios: [{ name: a, path: /a }]\n`
  it('defaults to 5 minutes per suite and reads a duration', () => {
    expect(parsePlan(config(''), 'c.yml', '/').budgetMs).toBe(300_000)
    expect(parsePlan(config('budget: 90s\n'), 'c.yml', '/').budgetMs).toBe(90_000)
  })
  it('rejects a budget that is not a positive duration, naming the file and field', () => {
    expect(() => parsePlan(config('budget: soon\n'), 'c.yml', '/')).toThrow(/c\.yml:1:9: budget: must be a duration like 500ms, 5s or 1m/)
    expect(() => parsePlan(config('budget: 0s\n'), 'c.yml', '/')).toThrow(/c\.yml:1:9: budget/)
  })
})
