import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPlan, parsePlan } from '../../src/config/load.js'
import { InputError } from '../../src/errors.js'
import { problemsOf } from '../helpers/config-problems.js'

const minimal = 'baseUrl: http://127.0.0.1:3000\nscenarios:\n  - name: home\n    path: /\n'

describe('loading the documented example', () => {
  it('accepts the README example as written and fills defaults', async () => {
    const plan = await loadPlan('__fixtures__/configs/example.yml')
    expect(plan.scenarios.map((s) => s.name)).toEqual(['list users', 'create user'])
    const [list, create] = plan.scenarios
    expect(list?.levels).toEqual([{ connections: 1 }, { connections: 10 }, { connections: 50 }])
    expect(list?.durationMs).toBe(2500)
    expect(list?.thresholds).toContainEqual({ metric: 'p99', bound: 'max', limit: 50_000, severity: 'fail' })
    expect(list?.thresholds).toContainEqual({ metric: 'rps', bound: 'min', limit: 1000, severity: 'warn' })
    expect(list?.thresholds).toContainEqual({ metric: 'errorRate', bound: 'max', limit: 0.01, severity: 'fail' })
    expect(list?.regression).toContainEqual({ metric: 'p99', tolerance: 0.15, severity: 'fail' })
    expect(create?.levels).toEqual([{ connections: 10, rate: 200 }])
    expect(create?.requests[0]).toMatchObject({ method: 'POST', body: '{"name":"ada"}', expect: { status: [201] } })
    expect(plan.app?.readyUrl).toBe('http://127.0.0.1:3000/health')
    expect(plan.app?.env).toEqual({ PORT: '3000' })
    expect(plan.app?.cwd).toBe(path.resolve('__fixtures__/configs'))
    expect(plan.app?.build).toEqual({ kind: 'command', command: 'npm ci' })
  })

  it('is the example the README shows, beside the workflow the end-to-end tests run', async () => {
    const readme = await readFile('README.md', 'utf8')
    const example = await readFile('__fixtures__/configs/example.yml', 'utf8')
    expect(readme).toContain(example.trim())
    expect(readme).toContain((await readFile('examples/perf.yml', 'utf8')).trim())
  })
})

describe('app.build', () => {
  const build = (line: string): unknown =>
    parsePlan(`app:\n  command: node server.js\n${line}${minimal}`, 'cannonade.yml', '/repo').app?.build

  it('is inferred from the checkout when absent or auto, and turned off by none', () => {
    expect(build('')).toEqual({ kind: 'auto' })
    expect(build('  build: auto\n')).toEqual({ kind: 'auto' })
    expect(build('  build: " Auto "\n')).toEqual({ kind: 'auto' })
    expect(build('  build: none\n')).toEqual({ kind: 'none' })
    expect(build('  build: NONE\n')).toEqual({ kind: 'none' })
  })

  it('is a shell command otherwise, kept as written', () => {
    expect(build('  build: npm ci && npm run build\n')).toEqual({ kind: 'command', command: 'npm ci && npm run build' })
    expect(build('  build: "true"\n')).toEqual({ kind: 'command', command: 'true' })
    expect(build('  build: ./auto\n')).toEqual({ kind: 'command', command: './auto' })
  })
})

describe('rejecting bad configs with one line per problem', () => {
  it('names the field, the expectation and the value for a wrong type', () => {
    const problems = problemsOf(minimal.replace('path: /', 'path: /\n    rate: fast'))
    expect(problems).toEqual([
      'cannonade.yml:5:11: scenarios[0].rate: must be a number above 0 and at most 1000000, or a list of them, got "fast"',
    ])
  })

  it('suggests the closest known key for an unknown one', () => {
    const problems = problemsOf(minimal.replace('path: /', 'path: /\n    conections: 5'))
    expect(problems).toEqual(['cannonade.yml:5:5: scenarios[0].conections: unknown field; did you mean "connections"?'])
  })

  it('takes app.relaunch as auto, pair or never, and names the field otherwise', () => {
    const app = (relaunch: string): string => `app:\n  command: node server.js\n  relaunch: ${relaunch}\n${minimal}`
    expect(parsePlan(app('pair'), 'c.yml', '/srv').app?.relaunch).toBe('pair')
    expect(parsePlan(app('never'), 'c.yml', '/srv').app?.relaunch).toBe('never')
    expect(parsePlan(app('auto'), 'c.yml', '/srv').app?.relaunch).toBe('auto')
    expect(parsePlan(`app: { command: x }\n${minimal}`, 'c.yml', '/srv').app?.relaunch).toBeUndefined()
    const problems = problemsOf(app('sometimes'))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^cannonade\.yml:3:13: app\.relaunch: must be auto, pair or never, got "sometimes"/)
  })

  it('names app.build when it is not a shell command', () => {
    const problems = problemsOf(`app:\n  command: node server.js\n  build: ""\n${minimal}`)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^cannonade\.yml:3:10: app\.build: must be a shell command, got ""/)
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

  it('bounds every count, rate and duration that could exhaust memory, overflow a timer or run for days', () => {
    const scenario = (fields: string): string[] => problemsOf(minimal.replace('path: /', `path: /\n    ${fields}`))
    expect(scenario('connections: 1000000000')).toEqual([
      'cannonade.yml:5:18: scenarios[0].connections: must be an integer from 1 to 10000 or a list of them, got 1000000000',
    ])
    expect(scenario('connections: [1, 20000]')[0]).toContain(
      'scenarios[0].connections: must be an integer from 1 to 10000 or a list of them',
    )
    expect(scenario('rate: 10000000')[0]).toContain(
      'scenarios[0].rate: must be a number above 0 and at most 1000000, or a list of them, got 10000000',
    )
    expect(scenario('pipelining: 1000')[0]).toContain('scenarios[0].pipelining: must be an integer from 1 to 100, got 1000')
    expect(scenario('amount: 100000000000')[0]).toContain('scenarios[0].amount: must be an integer from 1 to 10000000, got 100000000000')
    expect(scenario('duration: 40000m')).toEqual(['cannonade.yml:5:15: scenarios[0].duration: must be at most 60m, got "40000m"'])
    expect(scenario('timeout: 11m')[0]).toContain('scenarios[0].timeout: must be at most 10m, got "11m"')
    expect(scenario('warmup: 2h')[0]).toContain('scenarios[0].warmup: must be a duration like 500ms, 5s or 1m, got "2h"')
    expect(scenario('warmup: 61m')[0]).toContain('scenarios[0].warmup: must be at most 60m, got "61m"')
    expect(problemsOf(`defaults: { duration: 90m }\n${minimal}`)).toEqual([
      'cannonade.yml:1:23: defaults.duration: must be at most 60m, got "90m"',
    ])
    expect(problemsOf(`defaults: { connections: 20000 }\n${minimal}`)).toEqual([
      'cannonade.yml:1:26: defaults.connections: must be an integer from 1 to 10000 or a list of them, got 20000',
    ])
    expect(problemsOf(`app: { command: x, readyTimeout: 2000m }\n${minimal}`)[0]).toContain('app.readyTimeout: must be at most 60m')
  })

  it('accepts a sub-second timeout and a zero warm-up', () => {
    const [home] = parsePlan(minimal.replace('path: /', 'path: /\n    timeout: 500ms\n    warmup: 0s'), 'c.yml', '/srv').scenarios
    expect(home?.timeoutMs).toBe(500)
    expect(home?.warmupMs).toBe(0)
  })

  it('refuses body patterns the linear-time engine cannot run, before anything is measured', () => {
    const problems = problemsOf(minimal.replace('path: /', 'path: /\n    expect: { body: { matches: "(?<=id)1" } }'))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(
      /^cannonade\.yml:5:32: scenarios\[0\]\.expect\.body\.matches: must be a regular expression in RE2 syntax \(no lookaround or backreferences\)/,
    )
    expect(() =>
      parsePlan(minimal.replace('path: /', 'path: /\n    expect: { body: { matches: "(a+)+$" } }'), 'c.yml', '/srv'),
    ).not.toThrow()
  })

  it('refuses a YAML alias bomb as bad input naming the file', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]']
    let previous = 'a'
    for (const name of 'bcdefghi') {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`)
      previous = name
    }
    const problems = problemsOf(`${lines.join('\n')}\n${minimal}`)
    expect(problems).toEqual([expect.stringMatching(/^cannonade\.yml: YAML aliases \(\*name\) expand to more than 100 copies/)])
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

  it('refuses {port} in baseUrl and app.ready, which the schema lets through but no URL parser takes', () => {
    const problems = problemsOf(
      [
        'app: { command: "node server.js --port {port}", ready: "http://127.0.0.1:{port}/health" }',
        'baseUrl: http://127.0.0.1:{port}',
        'scenarios:',
        '  - { name: a, path: / }',
      ].join('\n'),
    )
    expect(problems).toEqual([
      expect.stringMatching(
        /^cannonade\.yml:1:\d+: app\.ready: must be a URL .*, got "http:\/\/127\.0\.0\.1:\{port\}\/health": \{port\} is filled in only in app\.command and app\.env\. Write the number here/,
      ),
      expect.stringMatching(/^cannonade\.yml:2:10: baseUrl: must be a URL .*\{port\} is filled in only/),
    ])
    expect(problemsOf('baseUrl: "http://127.0.0.1:99999"\nscenarios:\n  - { name: a, path: / }\n')).toEqual([
      'cannonade.yml:1:10: baseUrl: must be a URL Cannonade can open (host and a numeric port), got "http://127.0.0.1:99999"',
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

  it('gates rps and p50 by default to fail, and p99 to warn unless the config names it', () => {
    const [plain] = parsePlan(minimal, 'c.yml', '/').scenarios
    expect(plain?.regression).toEqual([
      { metric: 'p50', tolerance: 0.1, severity: 'fail' },
      { metric: 'p99', tolerance: 0.15, severity: 'warn' },
      { metric: 'rps', tolerance: 0.05, severity: 'fail' },
    ])
    const named = parsePlan(`${minimal}    thresholds: { regression: { p99: 15% } }\n`, 'c.yml', '/').scenarios[0]
    expect(named?.regression).toContainEqual({ metric: 'p99', tolerance: 0.15, severity: 'fail' })
  })

  it('sweeps every scenario over defaults.connections or defaults.rate unless it sets its own', () => {
    const plan = parsePlan(
      [
        'baseUrl: http://127.0.0.1:3000',
        'defaults: { connections: [1, 10, 50, 100] }',
        'scenarios:',
        '  - { name: a, path: / }',
        '  - { name: b, path: /, connections: 5 }',
        '  - { name: c, path: /, rate: [100, 200] }',
      ].join('\n'),
      'c.yml',
      '/srv',
    )
    const [a, b, c] = plan.scenarios
    expect(a?.levels).toEqual([{ connections: 1 }, { connections: 10 }, { connections: 50 }, { connections: 100 }])
    expect(b?.levels).toEqual([{ connections: 5 }])
    expect(c?.levels).toEqual([
      { connections: 10, rate: 100 },
      { connections: 10, rate: 200 },
    ])
    const rates = parsePlan(`defaults: { rate: [50, 100], connections: 4 }\n${minimal}`, 'c.yml', '/srv').scenarios[0]?.levels
    expect(rates).toEqual([
      { connections: 4, rate: 50 },
      { connections: 4, rate: 100 },
    ])
    expect(problemsOf(`defaults: { rate: [50, 100], connections: [1, 2] }\n${minimal}`)).toEqual([
      'cannonade.yml:1:19: defaults.rate: cannot sweep connections and rate at once; make one of them a single value',
    ])
  })

  it('keeps the config hash when only thresholds change, and changes it when the load changes', () => {
    const hash = (text: string): string => parsePlan(text, 'c.yml', '/srv').configHash
    const base = hash(minimal)
    expect(hash(`${minimal}    thresholds: { p99: { max: 5ms } }\n`)).toBe(base)
    expect(hash(`${minimal}    connections: 20\n`)).not.toBe(base)
  })
})

describe('warning about what a config probably does not mean', () => {
  const withApp = (ready: string, baseUrl: string, env = '{ PORT: "3000" }'): readonly string[] =>
    parsePlan(
      `app: { command: node server.js, env: ${env}, ready: "${ready}" }\nbaseUrl: ${baseUrl}\nscenarios: [{ name: a, path: / }]\n`,
      'c.yml',
      '/srv',
    ).warnings

  it('says when the ready URL and the base URL of a local app are on different ports', () => {
    expect(withApp('http://127.0.0.1:3000/health', 'http://127.0.0.1:3001')).toEqual([
      'c.yml:2:10: baseUrl: is on port 3001 but app.ready is on port 3000, and app.command and app.env mention only 3000: ' +
        'the app is awaited on one port and measured on the other, ' +
        'and nothing may answer there. Use the same port in both, unless the app really listens on both',
    ])
    // The README's rule: the ports differ and only one is mentioned. Telling the app the measured port
    // (PORT) while awaiting it on another was validated "ok" before.
    expect(withApp('http://127.0.0.1:3402/health', 'http://127.0.0.1:3401', '{ PORT: "3401" }')).toEqual([
      expect.stringMatching(
        /^c\.yml:2:10: baseUrl: is on port 3401 but app\.ready is on port 3402, and app\.command and app\.env mention only 3401: /,
      ),
    ])
    expect(withApp('http://127.0.0.1:3402/health', 'http://127.0.0.1:3401', '{ HOME: "/tmp" }')).toEqual([
      expect.stringContaining('mention neither'),
    ])
    expect(withApp('http://127.0.0.1:3000/health', 'http://localhost:3000')).toEqual([])
    // The app is told about both ports: a health port beside the traffic port is meant.
    expect(withApp('http://127.0.0.1:9000/health', 'http://127.0.0.1:3000', '{ PORT: "3000", ADMIN_PORT: "9000" }')).toEqual([])
  })

  it("says when baseUrl's port is written into the command, which the base commit would be started with too", () => {
    const plan = (app: string): readonly string[] =>
      parsePlan(`app: ${app}\nbaseUrl: http://127.0.0.1:8101\nscenarios: [{ name: a, path: / }]\n`, 'c.yml', '/srv').warnings
    expect(plan('{ command: "uvicorn main:app --port 8101" }')).toEqual([
      "c.yml:1:17: app.command: has baseUrl's port 8101 written in it: run --against and a same-job baseline start the base commit " +
        'beside this app on a port of their own, and this command would tell it 8101 too. Write {port} instead (e.g. --port {port}): ' +
        "Cannonade fills in each side's port, and also passes it as PORT",
    ])
    expect(plan('{ command: "uvicorn main:app --port {port}" }')).toEqual([])
    // Another number that merely contains the port is not it.
    expect(plan('{ command: "uvicorn main:app --port 18101" }')).toEqual([])
    // With build: none no base commit is ever started beside it.
    expect(plan('{ command: "uvicorn main:app --port 8101", build: none }')).toEqual([])
  })

  it('says when an app is started here but the requests go to another host', () => {
    const [warning] = withApp('http://127.0.0.1:3000/health', 'https://staging.example.test')
    expect(warning).toMatch(/^c\.yml:2:10: baseUrl: points at staging\.example\.test, not this machine, while app starts a server here/)
    expect(parsePlan(`baseUrl: https://staging.example.test\nscenarios: [{ name: a, path: / }]\n`, 'c.yml', '/srv').warnings).toEqual([])
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

describe('pacing, load threads and the warm-up pass', () => {
  const config = (top: string, defaults: string, scenario: string): string =>
    `baseUrl: http://127.0.0.1:1\n${top}defaults: { ${defaults} }\nscenarios: [{ name: a, path: /, rate: 10${scenario} }]\n`

  it('defaults to even arrivals, automatic threads and a warm-up pass, and takes other choices', () => {
    const plain = parsePlan(config('', 'rounds: 1', ''), 'c.yml', '/')
    expect(plain.warmupSuite).toBe(true)
    expect(plain.scenarios[0]).toMatchObject({ arrivals: 'even', threads: 'auto' })
    const chosen = parsePlan(config('warmupSuite: false\n', 'arrivals: poisson', ', threads: 2'), 'c.yml', '/')
    expect(chosen.warmupSuite).toBe(false)
    expect(chosen.scenarios[0]).toMatchObject({ arrivals: 'poisson', threads: 2 })
    // Even arrivals and threads leave the config hash as it was; Poisson arrivals change it.
    expect(parsePlan(config('', 'rounds: 1', ', threads: 3, arrivals: even'), 'c.yml', '/').configHash).toBe(plain.configHash)
    expect(chosen.configHash).not.toBe(plain.configHash)
  })

  it('names the field and what it expected', () => {
    let message = ''
    try {
      parsePlan(config('warmupSuite: maybe\n', 'threads: 0', ', arrivals: burst'), 'c.yml', '/')
    } catch (error) {
      message = error instanceof InputError ? error.message : String(error)
    }
    expect(message).toContain('c.yml:2:14: warmupSuite: must be true or false, got "maybe"')
    expect(message).toContain('defaults.threads: must be auto or an integer from 1 to 64, got 0')
    expect(message).toContain('scenarios[0].arrivals: must be even or poisson, got "burst"')
  })
})
