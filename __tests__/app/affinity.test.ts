// test-kind: process — starts two small apps and reads their CPU affinity from /proc, then measures
// two rounds of the demo app and asserts only that the speed probe's reading is in each, and, beside
// a busy process on the app's CPUs, a lower bound on the share other work took (which a busier machine
// only raises) and an upper bound on it with the app's (which no machine can pass).
//
// app.cpus: separate: both sides' apps on every CPU but the first, this process (the load
// generator) on the first while any of them runs, and this process's own CPUs given back when the
// last one stops; the speed probe runs on the apps' CPUs meanwhile and each round records it. A run
// of one side under auto is pinned alike.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpusOfList, cpuSplit, runningSpeedProbe } from '../../src/app/affinity.js'
import { startSpeedProbe } from '../../src/app/speed-probe.js'
import { isListening, startApp } from '../../src/app/process.js'
import type { AppPlan, Plan } from '../../src/config/plan.js'
import { parsePlan } from '../../src/config/load.js'
import { entriesOf, measure, withSeparateCpus, type Side } from '../../src/load/schedule.js'
import { profileRounds } from '../../src/profile/rounds.js'
import { parseResults } from '../../src/results/io.js'
import { demoPlan } from '../helpers/demo-plan.js'
import { freePort } from '../helpers/ports.js'

// The CPUs a process may run on, as the kernel lists them ("1-3"), one number each.
const allowed = (pid: number): number[] =>
  cpusOfList(/Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '')

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-affinity-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe('app.cpus', () => {
  it('reads taskset lists', () => {
    expect(cpusOfList('0-3,8,10-11')).toEqual([0, 1, 2, 3, 8, 10, 11])
    expect(cpusOfList('1')).toEqual([1])
  })

  it('is read from the config, and refused with the field named when it is not a known word', () => {
    const plan = parsePlan(
      'baseUrl: http://127.0.0.1:1\napp: { command: node s.js, cpus: separate }\nscenarios: [{ name: a, path: / }]\n',
      'c.yml',
      '/',
    )
    expect(plan.app?.cpus).toBe('separate')
    const cpusOf = (app: string): AppPlan['cpus'] =>
      parsePlan(`baseUrl: http://127.0.0.1:1\napp: { command: node s.js${app} }\nscenarios: [{ name: a, path: / }]\n`, 'c.yml', '/').app
        ?.cpus
    expect(cpusOf(', cpus: shared')).toBe('shared')
    // Absent and auto alike: decided where the sides are known (withSeparateCpus).
    expect(cpusOf('')).toBeUndefined()
    expect(cpusOf(', cpus: auto')).toBeUndefined()
    expect(() => cpusOf(', cpus: half')).toThrow(/app\.cpus.*auto, shared or separate/s)
  })

  it('auto: separate for both sides of a same-job run and for one side alone; not for a container or a set value', () => {
    const plan = (app: string): Side['plan'] =>
      parsePlan(`baseUrl: http://127.0.0.1:1\napp: { command: node s.js${app} }\nscenarios: [{ name: a, path: / }]\n`, 'c.yml', '/')
    const sides = (app: string, count = 2): Side[] => ['base', 'head'].slice(0, count).map((outDir) => ({ plan: plan(app), outDir }))
    const cpusOf = (list: readonly Side[]): Array<AppPlan['cpus']> => withSeparateCpus(list).map((s) => s.plan.app?.cpus)
    expect(cpusOf(sides(''))).toEqual(['separate', 'separate'])
    expect(cpusOf(sides(', cpus: auto'))).toEqual(['separate', 'separate'])
    expect(cpusOf(sides('', 1))).toEqual(['separate'])
    expect(cpusOf(sides(', cpus: shared'))).toEqual(['shared', 'shared'])
    expect(cpusOf(sides(', container: db'))).toEqual([undefined, undefined])
  })

  const split = cpuSplit()
  it.runIf(split !== undefined)(
    'separate: both apps off the first CPU, this process on it while they run, its CPUs back after',
    async () => {
      const before = allowed(process.pid)
      const start = async (): Promise<{ app: Awaited<ReturnType<typeof startApp>>; url: string }> => {
        const port = await freePort()
        const url = `http://127.0.0.1:${port}/`
        const plan: AppPlan = {
          command: `exec node -e "require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')"`,
          build: { kind: 'none' },
          cwd: dir,
          env: {},
          readyTimeoutMs: 20_000,
          stopTimeoutMs: 5_000,
          cpus: 'separate',
        }
        const app = await startApp(plan, url, path.join(dir, `app-${port}.log`))
        await until(() => isListening(url))
        return { app, url }
      }
      const base = await start()
      const head = await start()
      try {
        expect(allowed(base.app.pgid)).toEqual(cpusOfList(split?.app ?? ''))
        expect(allowed(head.app.pgid)).toEqual(cpusOfList(split?.app ?? ''))
        expect(allowed(process.pid)).toEqual(cpusOfList(split?.load ?? ''))
        // The speed probe runs on the apps' CPUs and reads a unit every 20 ms.
        const probe = runningSpeedProbe()
        const from = Date.now()
        await until(async () => (probe?.between(from, Date.now()) ?? 0) > 0)
        await base.app.stop()
        // The head still runs: the load generator stays off its CPUs.
        expect(allowed(process.pid)).toEqual(cpusOfList(split?.load ?? ''))
      } finally {
        await base.app.stop()
        await head.app.stop()
      }
      expect(allowed(process.pid)).toEqual(before)
      expect(runningSpeedProbe()).toBeUndefined()
    },
  )

  it('a probe that cannot run is ready at once, as it has ended, and reads nothing', async () => {
    // No machine has CPU 4095 to pin to: taskset refuses and exits. ready() must not wait out its
    // timeout (longer than this test's) for a unit that will never come.
    const probe = startSpeedProbe('4095')
    await probe.ready(600_000)
    expect(probe.between(0, Date.now())).toBeUndefined()
    probe.stop()
  })

  it("a probe reports each unit as the reference size's time: the ratio of the two is measured at its start", async () => {
    // A unit that spends n × 50 µs of its own CPU time, which no load on the machine can stretch: sized
    // 4 and reported as 16, it must read four times what the same work reported as itself reads.
    const body =
      'const from = process.cpuUsage(); let used = 0; while (used < n * 50) { const u = process.cpuUsage(from); used = u.user + u.system }'
    const own = startSpeedProbe('0', { body, size: 4, intervalMs: 20 })
    const scaled = startSpeedProbe('0', { body, size: 4, referenceSize: 16, intervalMs: 20 })
    try {
      const from = Date.now()
      // Read once both have a second's units (a window needs 0.8 s of them).
      await until(async () => (own.between(from, Date.now()) ?? 0) > 0 && (scaled.between(from, Date.now()) ?? 0) > 0)
      const ownUs = own.between(from, Date.now()) ?? NaN
      const scaledUs = scaled.between(from, Date.now()) ?? NaN
      expect(ownUs).toBeGreaterThanOrEqual(200)
      expect(scaledUs / ownUs).toBeGreaterThan(3.5)
      expect(scaledUs / ownUs).toBeLessThan(4.5)
    } finally {
      own.stop()
      scaled.stop()
    }
  })

  it.runIf(split !== undefined)('separate: every round records the machine speed the probe read beside it', async () => {
    const plan = await demoPlan('  - { name: users, path: /users }', {
      defaults: '{ duration: 1s, warmup: 100ms, rounds: 2, connections: 2 }',
    })
    const app = plan.app === undefined ? undefined : { ...plan.app, cpus: 'separate' as const }
    const { results, failure } = await measure({ ...plan, ...(app === undefined ? {} : { app }) }, { outDir: path.join(dir, 'measured') })
    expect(failure).toBeUndefined()
    const rounds = results.entries[0]?.rounds ?? []
    expect(rounds).toHaveLength(2)
    for (const round of rounds) expect(round.speedProbeUs).toBeGreaterThan(0)
    expect(() => parseResults(JSON.parse(JSON.stringify(results)), 'results.json')).not.toThrow()
    expect(runningSpeedProbe()).toBeUndefined()
  })

  it.runIf(split !== undefined)(
    'separate: each round says how much of the app’s CPUs other work took, without counting the app or the probe',
    async () => {
      const plan = await demoPlan('  - { name: users, path: /users }', {
        defaults: '{ duration: 1s, warmup: 100ms, rounds: 2, connections: 2 }',
      })
      const app = plan.app === undefined ? undefined : { ...plan.app, cpus: 'separate' as const }
      // A busy process on each of the app's CPUs for the whole run, as another job on the runner would be.
      const appCpus = cpusOfList(split?.app ?? '')
      const busy = appCpus.map((cpu) => spawn('taskset', ['-c', String(cpu), process.execPath, '-e', 'for (;;);'], { stdio: 'ignore' }))
      try {
        const { results, failure } = await measure(
          { ...plan, ...(app === undefined ? {} : { app }) },
          { outDir: path.join(dir, 'contended') },
        )
        expect(failure).toBeUndefined()
        const rounds = results.entries[0]?.rounds ?? []
        expect(rounds).toHaveLength(2)
        for (const round of rounds) {
          const others = round.server?.othersCpuPercent ?? NaN
          const app = (round.server?.cpuPercent ?? NaN) / appCpus.length
          // The scheduler shares each CPU between the app and the busy process: other work took a
          // large part of them, whatever else this machine runs (that only adds to it) ...
          expect(others).toBeGreaterThan(20)
          expect(round.warnings.join('\n')).toMatch(/other processes used \d+ % of the app's CPUs/)
          // ... and the app's own CPU time is not counted as other work: together at most all of it
          // (ticks of 10 ms either way).
          expect(others + app).toBeLessThan(105)
          // The app's access to its CPUs is recorded, a share of the time it wanted one.
          expect(round.server?.cpuAccess).toBeGreaterThan(0)
          expect(round.server?.cpuAccess).toBeLessThanOrEqual(1)
        }
      } finally {
        for (const child of busy) child.kill()
      }
    },
  )

  it.runIf(split !== undefined)(
    'auto, a run of one side: pinned as separate is, every round records the probe; shared probes nothing',
    async () => {
      const plan = await demoPlan('  - { name: users, path: /users }', {
        defaults: '{ duration: 1s, warmup: 100ms, rounds: 2, connections: 2 }',
      })
      expect(plan.app?.cpus).toBeUndefined()
      const before = allowed(process.pid)
      let during: number[] = []
      const { results, failure } = await measure(plan, {
        outDir: path.join(dir, 'one-side'),
        onRound: () => (during = allowed(process.pid)),
      })
      expect(failure).toBeUndefined()
      // The load generator on the first CPU while the app ran, its own CPUs back after.
      expect(during).toEqual([cpusOfList(split?.load ?? '')[0]])
      expect(allowed(process.pid)).toEqual(before)
      const rounds = results.entries[0]?.rounds ?? []
      expect(rounds).toHaveLength(2)
      for (const round of rounds) expect(round.speedProbeUs).toBeGreaterThan(0)
      expect(runningSpeedProbe()).toBeUndefined()
      const app = plan.app === undefined ? undefined : { ...plan.app, cpus: 'shared' as const }
      const shared = await measure({ ...plan, ...(app === undefined ? {} : { app }) }, { outDir: path.join(dir, 'shared') })
      for (const round of shared.results.entries[0]?.rounds ?? []) expect(round.speedProbeUs).toBeUndefined()
    },
  )

  it.runIf(split !== undefined)('separate: the profiled rounds record the probe too, for the profile diff to scale by', async () => {
    // Two demo apps, each on a port of its own, as base and head.
    const pinnedDemo = async (): Promise<Plan> => {
      const plan = await demoPlan('  - { name: users, path: /users }', {
        defaults: '{ duration: 1s, warmup: 100ms, rounds: 1, connections: 2 }',
      })
      if (plan.app === undefined) throw new Error('the demo plan starts no app')
      return { ...plan, app: { ...plan.app, cpus: 'separate' } }
    }
    const base = await pinnedDemo()
    const profiled = await profileRounds(
      [
        { label: 'base', plan: base, dir: path.join(dir, 'profiles', 'base') },
        { label: 'head', plan: await pinnedDemo(), dir: path.join(dir, 'profiles', 'head') },
      ],
      entriesOf(base),
      { kind: 'node' },
    )
    const users = [...profiled.values()][0]
    expect(users?.problem).toBeUndefined()
    expect(users?.base?.speedUs).toBeGreaterThan(0)
    expect(users?.head?.speedUs).toBeGreaterThan(0)
    expect(runningSpeedProbe()).toBeUndefined()
  })
})
