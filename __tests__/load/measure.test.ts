// Measurement against a real server process: the demo app started by Cannonade itself, driven by the
// real autocannon over loopback. Rounds are short (a few hundred ms) so the file stays quick.
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { groupRunning } from '../../src/app/monitor.js'
import { parsePlan } from '../../src/config/load.js'
import { AppError } from '../../src/errors.js'
import { decodeHistogram } from '../../src/results/histogram.js'
import {
  AUTO_RELAUNCH_SHARE,
  autoRelaunches,
  cheapStarts,
  HEAP_PAD_BYTES,
  measure,
  measureSides,
  relaunchOf,
  sideOrder,
  withHeapPad,
  type Side,
} from '../../src/load/schedule.js'
import { parseResults } from '../../src/results/io.js'
import { demoDir, demoPlan } from '../helpers/demo-plan.js'
import { freePort } from '../helpers/ports.js'
import { scratchDir } from '../helpers/scratch.js'

const outDir = scratchDir('measure')

describe('measuring the demo app', () => {
  it('records sub-millisecond latency in microseconds and writes results that validate', async () => {
    const demo = await demoPlan('  - { name: users, path: /users, connections: 1 }')
    // Placed by the scheduler: pinned (auto's default), the app would share its one CPU with the other
    // load files' apps, and a clean-clone CI read a p50 of 1.55 ms; what is tested here is the unit.
    const plan = demo.app === undefined ? demo : { ...demo, app: { ...demo.app, cpus: 'shared' as const } }
    const { results, failure } = await measure(plan, { outDir: outDir() })
    expect(failure).toBeUndefined()
    const [entry] = results.entries
    expect(entry?.key).toBe('users @ 1 conn')
    expect(entry?.rounds).toHaveLength(2)
    expect(entry?.validRounds).toBe(2)
    // A loopback GET of a small JSON answers well under a millisecond; autocannon alone would say 0.
    // Its fastest tenth, that is: with the other load files' apps on the same two CPUs a clean-clone
    // CI of a9122cf read a p50 of 1.63 ms (and of d1e4ce5, 1.55 ms).
    expect(entry?.latencyUs.p50).toBeGreaterThan(0)
    for (const round of entry?.rounds ?? []) expect(decodeHistogram(round.histogram).getValueAtPercentile(10)).toBeLessThan(1000)
    expect(entry?.rounds.some((r) => r.latencyUs.p50 % 1000 !== 0)).toBe(true)
    expect(entry?.rps).toBeGreaterThan(100)
    expect(entry?.server?.cpuPercent).toBeGreaterThan(0)
    expect(entry?.server?.rssMaxBytes).toBeGreaterThan(10 * 1024 * 1024)
    expect(() => parseResults(JSON.parse(JSON.stringify(results)), 'results.json')).not.toThrow()
    expect(await readFile(path.join(outDir(), 'app.log'), 'utf8')).toContain('demo app listening')
  })

  it('paces an open-loop round at its rate and records every response exactly once', async () => {
    // /delay answers in 20 ms. At 40 req/s over 2 connections a request leaves every 25 ms, so a
    // connection is always free in time: nothing waits and every response is recorded once.
    // The round is judged valid down to the 70 % of the rate this test accepts (28 of 40 req/s): the
    // default 90 % failed it once in a full test run on a busy machine, and the rule itself is the
    // next test's.
    const paced = await demoPlan('  - { name: paced, path: /delay, rate: 40, connections: 2, duration: 1s }', {
      defaults: '{ warmup: 200ms, rounds: 1 }',
      extra: ['validity: { minRateReached: 70% }'],
    })
    const [entry] = (await measure(paced, { outDir: outDir() })).results.entries
    const round = entry?.rounds[0]
    expect(round?.problems).toEqual([])
    expect(round?.valid).toBe(true)
    expect(round?.rps).toBeGreaterThan(28)
    expect(round?.rps).toBeLessThan(52)
    expect(decodeHistogram(round?.histogram ?? '').totalCount).toBe(round?.ok)
    expect(entry?.latencyUs.p99).toBeGreaterThanOrEqual(20_000)
    // The load generator's event-loop delay is recorded. At 40 req/s nothing of ours keeps it late, but
    // a busy machine does (17.5–20 ms at p99 at load 4–13, when this bound was 15 ms): the bound only
    // catches a loop blocked for a whole request interval (25 ms) and more. That the server monitor
    // stays off the measuring thread is tested directly in __tests__/app/monitor.test.ts.
    expect(round?.loadgenLoopDelayMs?.p99).toBeGreaterThanOrEqual(0)
    expect(round?.loadgenLoopDelayMs?.p99).toBeLessThan(100)
    expect(round?.server?.cpuPercent).toBeGreaterThan(0)
  })

  it('flags an open-loop round that cannot reach its rate, and times requests from their intended send', async () => {
    // One connection at 100 req/s must send every 10 ms, but each answer takes 20 ms: the requests
    // fall further and further behind their schedule. Each is timed from when it was meant to leave,
    // so the wait shows in the latency (coordinated omission corrected exactly), with one value per
    // response and no synthetic ones.
    const overloaded = await demoPlan('  - { name: slow, path: /delay, rate: 100, connections: 1, duration: 1s }', {
      defaults: '{ warmup: 100ms, rounds: 1 }',
    })
    const [entry] = (await measure(overloaded, { outDir: outDir() })).results.entries
    const round = entry?.rounds[0]
    expect(round?.valid).toBe(false)
    expect(round?.problems.join()).toMatch(/reached \d+ of the target 100 req\/s/)
    expect(decodeHistogram(round?.histogram ?? '').totalCount).toBe(round?.ok)
    // By the end of the 1 s window the schedule is hundreds of ms ahead of the sends.
    expect(round?.latencyUs.p99).toBeGreaterThan(200_000)
  })

  it('counts responses that miss the expectation as errors and invalidates the round', async () => {
    const plan = await demoPlan(
      [
        '  - { name: wrong status, method: POST, path: /users, body: { name: x }, expect: { status: 200 } }',
        '  - { name: wrong body, path: /users, expect: { body: nobody-by-this-name } }',
        '  - name: two steps',
        '    requests:',
        '      - { path: /users }',
        '      - { method: POST, path: /users, body: { name: ada }, expect: { status: 201, body: { matches: "\\"name\\":\\"ada\\"" } } }',
      ].join('\n'),
      { defaults: '{ duration: 300ms, warmup: 100ms, rounds: 1, connections: 2 }' },
    )
    const { results } = await measure(plan, { outDir: outDir() })
    const [status, body, steps] = results.entries
    expect(status?.rounds[0]?.unexpectedStatus).toBeGreaterThan(0)
    expect(status?.rounds[0]?.ok).toBe(0)
    expect(status?.validRounds).toBe(0)
    expect(status?.rounds[0]?.statusCodes['201']).toBeGreaterThan(0)
    expect(body?.rounds[0]?.bodyMismatches).toBeGreaterThan(0)
    expect(body?.errorRate).toBe(1)
    expect(steps?.validRounds).toBe(1)
    expect(steps?.errorRate).toBe(0)
    expect(steps?.rounds[0]?.statusCodes).toMatchObject({ '200': expect.any(Number), '201': expect.any(Number) })
  })

  it('reports memory growth across rounds of a leaking endpoint', async () => {
    // Each /leak request keeps 16 KB; 3 rounds of 600 requests hold about 19 MB more at the end of
    // the third than of the first. A count, not a rate: a busy CPU that cannot reach a rate would make
    // the rounds invalid, leaving one round to measure growth across.
    const plan = await demoPlan('  - { name: leak, path: /leak, amount: 600, connections: 10 }', {
      defaults: '{ warmup: 50ms, rounds: 3 }',
    })
    const [entry] = (await measure(plan, { outDir: outDir() })).results.entries
    const ends = entry?.rounds.map((r) => r.server?.rssEndBytes ?? 0) ?? []
    expect(ends[2]).toBeGreaterThan(ends[0] ?? Infinity)
    expect(entry?.server?.rssGrowthBytes).toBeGreaterThan(8 * 1024 * 1024)
  })
})

describe('when the app cannot be measured', () => {
  it('fails with the log quoted when the app exits at start', async () => {
    const plan = await demoPlan('  - { name: users, path: /users }', { app: 'echo "config error: DATABASE_URL is not set" && exit 4' })
    const { results, failure } = await measure(plan, { outDir: outDir() })
    expect(failure).toBeInstanceOf(AppError)
    expect(failure?.message).toContain('the app exited (exit code 4) before it was ready')
    expect(failure?.message).toContain('| config error: DATABASE_URL is not set')
    expect(results.status).toBe('incomplete')
    expect(results.entries).toEqual([])
  })

  it('fails with the last answer when the app never gets ready', async () => {
    const port = await freePort()
    const plan = parsePlan(
      [
        'app:',
        '  command: node server.mjs',
        `  env: { PORT: "${port}" }`,
        `  ready: http://127.0.0.1:${port}/not-a-health-check`,
        // Long enough for the app to be answering 404 when the wait ends, on a busy machine.
        '  readyTimeout: 4s',
        `baseUrl: http://127.0.0.1:${port}`,
        'scenarios: [{ name: users, path: /users }]',
      ].join('\n'),
      'test.yml',
      demoDir,
    )
    const started = performance.now()
    const { failure } = await measure(plan, { outDir: outDir() })
    expect(failure?.message).toMatch(/was not ready at http:\/\/127\.0\.0\.1:\d+\/not-a-health-check within 4s \(it answered 404\)/)
    expect(failure?.message).toContain('| demo app listening')
    expect(performance.now() - started).toBeLessThan(8000)
  })

  it('keeps the finished rounds, quotes the log and leaves no process behind when the app dies mid-run', async () => {
    const pidFile = path.join(outDir(), 'app.pid')
    const plan = await demoPlan('  - { name: users, path: /users }\n  - { name: search, path: /search }', {
      app: `echo $$ > ${pidFile}; node server.mjs & node -e "setInterval(() => {}, 1000)"; wait`,
      env: 'DEMO_EXIT_AFTER: "1500"',
      // The crash is timed from the first request: it must land in the rounds, not in a suite warm-up
      // whose length follows the fresh app's throughput (config/warm-up.ts).
      extra: ['warmupSuite: false'],
      defaults: '{ duration: 300ms, warmup: 50ms, rounds: 10, connections: 2 }',
    })
    const { results, failure } = await measure(plan, { outDir: outDir() })
    expect(failure).toBeInstanceOf(AppError)
    expect(failure?.message).toMatch(/the app (exited \(exit code 70\)|stopped answering) during round \d+ of "(users|search) @ 2 conn"/)
    expect(results.status).toBe('incomplete')
    const finished = results.entries.reduce((sum, e) => sum + e.rounds.length, 0)
    expect(finished).toBeGreaterThan(0)
    expect(finished).toBeLessThan(20)
    expect(results.error).toContain('crashing on purpose')
    const pgid = Number(await readFile(pidFile, 'utf8'))
    expect(groupRunning(pgid)).toBe(false)
  })

  it('refuses to start when the port is already taken by another server', async () => {
    const squatter = http.createServer((_, res) => res.end('not your app'))
    const port = await new Promise<number>((resolve) =>
      squatter.listen(0, '127.0.0.1', () => {
        const address = squatter.address()
        resolve(typeof address === 'object' && address !== null ? address.port : 0)
      }),
    )
    try {
      const plan = parsePlan(
        `app: { command: node server.mjs, env: { PORT: "${port}" } }\nbaseUrl: http://127.0.0.1:${port}\nscenarios: [{ name: a, path: / }]`,
        'test.yml',
        demoDir,
      )
      const { failure } = await measure(plan, { outDir: outDir() })
      expect(failure?.message).toContain(`port ${port} on 127.0.0.1 is already in use`)
    } finally {
      squatter.close()
    }
  })
})

describe('measuring two builds side by side', () => {
  it('runs both apps at once and never measures an app twice in a row, in the configured and the extra rounds', async () => {
    const head = await demoPlan('  - { name: cpu, path: /cpu }', {
      defaults: '{ duration: 200ms, warmup: 50ms, rounds: 4, connections: 2 }',
    })
    const base = await demoPlan('  - { name: cpu, path: /cpu }', {
      defaults: '{ duration: 200ms, warmup: 50ms, rounds: 4, connections: 2 }',
      env: 'DEMO_SLOWDOWN: "400"',
    })
    const order: string[] = []
    const [b, h] = await measureSides(
      [
        { plan: base, outDir: path.join(outDir(), 'base'), label: 'base' },
        { plan: head, outDir: path.join(outDir(), 'head'), label: 'head' },
      ],
      {
        outDir: outDir(),
        onRound: (e) => order.push(`${e.side ?? '?'}${e.round}`),
        // Two extra pairs after the configured rounds, as deciding as you go adds them.
        adaptive: { decided: (_entry, [r]) => (r?.length ?? 0) >= 6, budgetMs: 600_000, maxRounds: 6 },
      },
    )
    // A B B A would measure head2 right after head1: an app's second round in a row is slower
    // (bench/carryover.ts), so each pair would carry that carryover with alternating sign.
    expect(order).toEqual(['base1', 'head1', 'base2', 'head2', 'base3', 'head3', 'base4', 'head4', 'base5', 'head5', 'base6', 'head6'])
    expect(b?.results.entries[0]?.rounds).toHaveLength(6)
    // The base does five times the CPU work per request: its throughput is clearly lower. Twice the
    // work gave 1.39× in 200 ms rounds at load 3.9, and once only 1.05× in a clean-clone CI beside two
    // other load files (532 against 560 req/s: the load generator, not the app, set both rates).
    expect((b?.results.entries[0]?.rps ?? 0) * 1.15).toBeLessThan(h?.results.entries[0]?.rps ?? 0)
  })

  it('starts each app afresh before its round of every pair after the first with app.relaunch: pair, and keeps one launch otherwise', async () => {
    const sides = async (
      relaunch: 'auto' | 'pair' | 'never',
      dir: string,
    ): Promise<{ order: string[]; rounds: number[]; logs: string[]; launches: (number | undefined)[] }> => {
      const plan = await demoPlan('  - { name: users, path: /users }', {
        defaults: '{ duration: 150ms, warmup: 50ms, rounds: 2, connections: 2 }',
      })
      const base = await demoPlan('  - { name: users, path: /users }', {
        defaults: '{ duration: 150ms, warmup: 50ms, rounds: 2, connections: 2 }',
      })
      const withRelaunch = (p: typeof plan): typeof plan => (p.app === undefined ? p : { ...p, app: { ...p.app, relaunch } })
      const order: string[] = []
      const measured = await measureSides(
        [
          { plan: withRelaunch(base), outDir: path.join(outDir(), dir, 'base'), label: 'base' },
          { plan: withRelaunch(plan), outDir: path.join(outDir(), dir, 'head'), label: 'head' },
        ],
        { outDir: outDir(), onRound: (e) => order.push(`${e.side ?? '?'}${e.round}`) },
      )
      for (const m of measured) expect(m.failure).toBeUndefined()
      const logs = await Promise.all(['base', 'head'].map((side) => readFile(path.join(outDir(), dir, side, 'app.log'), 'utf8')))
      return {
        order,
        // Every round measured, valid or not: a fresh app's 150 ms round was once invalid in a full
        // test run on a busy machine, and what this counts is the schedule's rounds.
        rounds: measured.map((m) => m.results.entries[0]?.rounds.length ?? 0),
        logs,
        launches: measured.map((m) => m.results.launches),
      }
    }
    const starts = (log: string): number => log.split('demo app listening').length - 1
    const fresh = await sides('pair', 'pair')
    // Two pairs: the first on the apps started for the run, the second on apps started for it.
    expect(fresh.logs.map(starts)).toEqual([2, 2])
    expect(fresh.order).toEqual(['base1', 'head1', 'base2', 'head2'])
    expect(fresh.rounds).toEqual([2, 2])
    expect(fresh.launches).toEqual([2, 2])
    const kept = await sides('never', 'never')
    expect(kept.logs.map(starts)).toEqual([1, 1])
    expect(kept.rounds).toEqual([2, 2])
    expect(kept.launches).toEqual([undefined, undefined])
    // auto: the demo app runs on Node, but a start of it (spawn to ready, ≥ 100 ms) is more than a
    // quarter of a 200 ms round, so the run keeps its launches (the rule is tested on its own below).
    const auto = await sides('auto', 'auto')
    expect(auto.logs.map(starts)).toEqual([1, 1])
  })

  it('relaunches by default (auto) only a Node app, and only while every start costs at most a quarter of the round', async () => {
    expect(relaunchOf(undefined)).toBe('auto')
    const plan = await demoPlan('  - { name: users, path: /users }')
    const withCommand = (command: string): typeof plan => (plan.app === undefined ? plan : { ...plan, app: { ...plan.app, command } })
    for (const command of ['node server.mjs', 'npm start', 'npx tsx src/app.ts', 'cd api && yarn start']) {
      expect(autoRelaunches(withCommand(command))).toBe(true)
    }
    for (const command of ['python3 -m uvicorn app:app', 'java -jar app.jar', './server', 'docker compose up']) {
      expect(autoRelaunches(withCommand(command))).toBe(false)
    }
    const { app: _app, ...external } = plan
    expect(autoRelaunches(external)).toBe(false)
    expect(AUTO_RELAUNCH_SHARE).toBe(0.25)
    // A node service ready in 300 ms beside 6 s rounds (1 s warm-up, 5 s measured): relaunched.
    expect(cheapStarts([300, 450], 6000)).toBe(true)
    expect(cheapStarts([300, 1500], 6000)).toBe(true)
    // One side slow to start (a JVM, a container), or no app of Cannonade's to start: kept.
    expect(cheapStarts([300, 1501], 6000)).toBe(false)
    expect(cheapStarts([300, Infinity], 6000)).toBe(false)
  })

  it('pads the heap of a Node app on glibc under auto, keeping one launch a side, and leaves every other app to the relaunch rule', async () => {
    const plan = await demoPlan('  - { name: users, path: /users }')
    const app = plan.app
    if (app === undefined) throw new Error('the demo plan starts an app')
    const side = (over: Partial<typeof app>): Side => ({ plan: { ...plan, app: { ...app, ...over } }, outDir: outDir() })
    const pads = (sides: readonly Side[], glibc = true): (number | undefined)[] =>
      withHeapPad(sides, () => glibc).map((s) => s.plan.app?.heapPad)
    const padded = withHeapPad([side({}), side({})], () => true)
    for (const s of padded) {
      expect(s.plan.app?.env).toMatchObject({ MALLOC_TOP_PAD_: String(HEAP_PAD_BYTES), PORT: app.env.PORT })
      expect(autoRelaunches(s.plan)).toBe(false)
    }
    expect(HEAP_PAD_BYTES).toBe(64 * 1024 * 1024)
    // Not on glibc, not Node, not auto, or one side alone: nothing padded, the relaunch rule as before.
    expect(pads([side({}), side({})], false)).toEqual([undefined, undefined])
    expect(autoRelaunches(withHeapPad([side({}), side({})], () => false)[0]?.plan)).toBe(true)
    expect(pads([side({ command: 'python3 -m uvicorn app:app' }), side({ command: 'python3 -m uvicorn app:app' })])).toEqual([
      undefined,
      undefined,
    ])
    expect(pads([side({ relaunch: 'pair' }), side({ relaunch: 'pair' })])).toEqual([undefined, undefined])
    expect(pads([side({ relaunch: 'never' }), side({ relaunch: 'never' })])).toEqual([undefined, undefined])
    expect(pads([side({})])).toEqual([undefined])
    // The user's own pad stands and counts; one that is not a size leaves the app to fresh launches.
    const own = withHeapPad(
      [side({ env: { ...app.env, MALLOC_TOP_PAD_: '1048576' } }), side({ env: { ...app.env, MALLOC_TOP_PAD_: '1048576' } })],
      () => true,
    )
    expect(own.map((s) => [s.plan.app?.heapPad, s.plan.app?.env.MALLOC_TOP_PAD_])).toEqual([
      [1048576, '1048576'],
      [1048576, '1048576'],
    ])
    expect(pads([side({ env: { MALLOC_TOP_PAD_: 'lots' } }), side({ env: { MALLOC_TOP_PAD_: 'lots' } })])).toEqual([undefined, undefined])
  })

  it('drops an optional side whose app fails, and measures the other', async () => {
    const head = await demoPlan('  - { name: users, path: /users }', {
      defaults: '{ duration: 200ms, warmup: 50ms, rounds: 2, connections: 2 }',
    })
    const broken = await demoPlan('  - { name: users, path: /users }', { app: 'echo "base does not build" && exit 1' })
    const [b, h] = await measureSides(
      [
        { plan: broken, outDir: path.join(outDir(), 'base'), label: 'base', optional: true },
        { plan: head, outDir: path.join(outDir(), 'head'), label: 'head' },
      ],
      { outDir: outDir() },
    )
    expect(b?.failure?.message).toContain('base does not build')
    expect(h?.failure).toBeUndefined()
    expect(h?.results.entries[0]?.rounds).toHaveLength(2)
  })
})

describe('the side order (sideOrder)', () => {
  it('starts each pair after the side measured last, so no side follows itself across entries', () => {
    // Two entries of two rounds: every slot of the run, in order.
    const slots: number[] = []
    let last: number | undefined
    for (let round = 0; round < 3; round++) {
      for (let entry = 0; entry < 2; entry++) {
        for (const side of sideOrder([0, 1], last)) {
          slots.push(side)
          last = side
        }
      }
    }
    expect(slots).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    expect(sideOrder([0, 1, 2], 0)).toEqual([1, 2, 0])
    expect(sideOrder([0, 2], 1)).toEqual([2, 0])
    expect(sideOrder([1], 1)).toEqual([1])
  })
})
