// What makes an app's second round in a row slower? Runs two identical copies of a small CPU-bound
// service we did not tune (bench/apps: node:http or FastAPI/uvicorn) through a chosen sequence of
// rounds and reports req/s by "same app as the previous round" and by position, with the app's RSS,
// the *other* app's CPU during each round, and the load generator's state held fixed or not.
//
// A sequence is a string of slots, one round each:
//   A, B  a measured round of app A or B (5 s after 1 s warm-up by default, 4 connections, /search)
//   X     a filler round of the same load on a third, trivial server: the load generator works as in
//         a measured round while A and B both sit idle
//   P     a pause as long as a round: nothing runs
// Hypotheses and the sequences that separate them:
//   - the app's own state after a round (GC debt, heap): A A slower than A X A and A P A;
//   - the load generator's state: A X A as slow as A A (the generator just worked in both);
//   - the other app's post-round work: the idle app's CPU during a round is well above zero;
//   - the monitor: the same sequence with CARRYOVER_MONITOR=0 (no sampler thread) shows it still.
//
// Run: npx tsx bench/carryover.ts [sequence ...]   (default: ABBA×4, ABAB×4, AXA×4/AAA, APA×4)
//   CARRYOVER_APP=node|python  CARRYOVER_DURATION=5s  CARRYOVER_MONITOR=0
// Writes bench/results/carryover-<app>.json and prints a table.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { GroupMonitor, type WindowUsage } from '../src/app/monitor.js'
import { freePort } from '../src/app/ports.js'
import { startApp, waitUntilReady, type RunningApp } from '../src/app/process.js'
import { parsePlan } from '../src/config/load.js'
import type { Plan } from '../src/config/plan.js'
import { runEntryRound } from '../src/load/threads.js'
import { cpuLoopNoise } from './cpu-noise.js'
import { hashAppCommand, hashConfig } from './apps/hash-config.js'

const kind = process.env.CARRYOVER_APP ?? 'node'
const duration = process.env.CARRYOVER_DURATION ?? '5s'
const withMonitor = process.env.CARRYOVER_MONITOR !== '0'
const sequences =
  process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['ABBAABBAABBAABBA', 'ABABABABABABABAB', 'AAXAAXAAXAAX', 'APAPAPAPAPAP']

function planFor(port: number, command: string, dir: string): Plan {
  const text = hashConfig({
    port,
    command,
    defaults: `{ duration: ${duration}, warmup: 1s, rounds: 5, connections: 4 }`,
    scenarios: ['  - { name: search, path: /search?q=cannonade }'],
  })
  return parsePlan(text, 'carryover.yml', dir)
}

const apps = path.resolve('bench/apps')
const appCommand = (port: number): string => hashAppCommand(kind === 'python' ? 'python' : 'node', port)

interface Started {
  readonly plan: Plan
  readonly app: RunningApp
  readonly monitor: GroupMonitor
}
async function start(name: string, command: (port: number) => string, dir: string): Promise<Started> {
  const port = await freePort()
  const plan = planFor(port, command(port), dir)
  const appPlan = plan.app
  if (appPlan === undefined) throw new Error('no app')
  const outDir = path.resolve('bench/results/carryover')
  await mkdir(outDir, { recursive: true })
  const app = await startApp(appPlan, appPlan.readyUrl ?? plan.baseUrl, path.join(outDir, `${name}.log`))
  await waitUntilReady(app, appPlan, plan.baseUrl)
  return { plan, app, monitor: new GroupMonitor(app.pgid) }
}

/** One slot of a sequence as it was measured. */
interface Slot {
  readonly sequence: string
  readonly position: number
  readonly slot: string
  /** The previous slot that ran load (A, B or X), or '' at the start. */
  readonly previous: string
  readonly rps?: number
  readonly rssEndMb?: number
  readonly cpuPercent?: number
  /** CPU the other measured app used while this one was loaded (% of one core). */
  readonly otherCpuPercent?: number
  /** CPU the load generator's process used over the round (% of one core). */
  readonly loadgenCpuPercent?: number
}

const noise = cpuLoopNoise(4)
const a = await start('A', appCommand, apps)
const b = await start('B', appCommand, apps)
const x = await start('X', () => 'node trivial-server.mjs', path.resolve('bench'))
const byName: Record<string, Started> = { A: a, B: b, X: x }
const slots: Slot[] = []
try {
  for (const s of [a, b, x]) {
    const scenario = s.plan.scenarios[0]
    const level = scenario?.levels[0]
    if (scenario === undefined || level === undefined) throw new Error('no scenario')
    await runEntryRound({ baseUrl: s.plan.baseUrl, scenario: { ...scenario, durationMs: scenario.warmupMs, warmupMs: 0 }, level })
  }
  for (const sequence of sequences) {
    let previous = ''
    for (let position = 0; position < sequence.length; position++) {
      const slot = sequence[position] ?? ''
      const target = byName[slot]
      const scenario = target?.plan.scenarios[0]
      const level = scenario?.levels[0]
      if (target === undefined || scenario === undefined || level === undefined) {
        await new Promise((resolve) => setTimeout(resolve, (scenario ?? a.plan.scenarios[0])?.durationMs ?? 5000))
        slots.push({ sequence, position: position + 1, slot, previous })
        continue
      }
      const other = slot === 'A' ? b : a
      let mine: Promise<WindowUsage | undefined> | undefined
      let theirs: Promise<WindowUsage | undefined> | undefined
      const cpuBefore = process.cpuUsage()
      const startedMs = performance.now()
      const m = await runEntryRound(
        { baseUrl: target.plan.baseUrl, scenario, level },
        withMonitor
          ? {
              onMeasureStart: () => {
                target.monitor.begin()
                other.monitor.begin()
              },
              onMeasureEnd: () => {
                mine = target.monitor.end()
                theirs = other.monitor.end()
              },
            }
          : {},
      )
      const cpu = process.cpuUsage(cpuBefore)
      const wallMs = performance.now() - startedMs
      const usage = await mine
      const otherUsage = await theirs
      slots.push({
        sequence,
        position: position + 1,
        slot,
        previous,
        rps: m.responses / (m.durationMs / 1000),
        ...(usage === undefined ? {} : { rssEndMb: usage.rssEndBytes / 2 ** 20, cpuPercent: usage.cpuPercent }),
        ...(otherUsage === undefined ? {} : { otherCpuPercent: otherUsage.cpuPercent }),
        loadgenCpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      })
      const last = slots[slots.length - 1]
      process.stderr.write(
        `${sequence.slice(0, 8)} ${position + 1} ${slot} after ${previous || '-'}: ${last?.rps?.toFixed(0)} req/s, RSS ${last?.rssEndMb?.toFixed(1)} MB, other app CPU ${last?.otherCpuPercent?.toFixed(1)} %\n`,
      )
      previous = slot
    }
  }
} finally {
  for (const s of [a, b, x]) {
    await s.monitor.close()
    await s.app.stop()
  }
}
const after = cpuLoopNoise(4)

const mean = (xs: readonly number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length
const lines: string[] = []
lines.push(
  `## Carryover, ${kind} app, ${duration} rounds, monitor ${withMonitor ? 'on' : 'off'}; CPU loop CV ${(noise.cv * 100).toFixed(1)} % before, ${(after.cv * 100).toFixed(1)} % after; load ${noise.loadAverage.toFixed(1)}–${after.loadAverage.toFixed(1)}\n`,
)
lines.push(
  '| sequence | after the same app: req/s | after other load: req/s | after a pause/start: req/s | same vs other | RSS same / other (MB) | idle app CPU (%) | load generator CPU (%) |',
)
lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const sequence of sequences) {
  const measured = slots.filter((s) => s.sequence === sequence && (s.slot === 'A' || s.slot === 'B') && s.rps !== undefined)
  const same = measured.filter((s) => s.previous === s.slot && s.position > 1 && sequence[s.position - 2] !== 'P')
  const afterOther = measured.filter((s) => s.previous !== s.slot && s.previous !== '' && sequence[s.position - 2] !== 'P')
  const afterPause = measured.filter((s) => sequence[s.position - 2] === 'P')
  const r = (xs: readonly Slot[]): string => (xs.length === 0 ? '–' : `${mean(xs.map((s) => s.rps ?? NaN)).toFixed(0)} (${xs.length})`)
  const effect =
    same.length > 0 && afterOther.length > 0
      ? `${((Math.exp(mean(same.map((s) => Math.log(s.rps ?? NaN))) - mean(afterOther.map((s) => Math.log(s.rps ?? NaN)))) - 1) * 100).toFixed(1)} %`
      : '–'
  const rss = (xs: readonly Slot[]): string => (xs.length === 0 ? '–' : mean(xs.map((s) => s.rssEndMb ?? NaN)).toFixed(1))
  lines.push(
    `| ${sequence} | ${r(same)} | ${r(afterOther)} | ${r(afterPause)} | ${effect} | ${rss(same)} / ${rss(afterOther)} | ${mean(measured.map((s) => s.otherCpuPercent ?? NaN)).toFixed(1)} | ${mean(measured.map((s) => s.loadgenCpuPercent ?? NaN)).toFixed(0)} |`,
  )
}
const text = lines.join('\n')
console.log(text)
await mkdir('bench/results', { recursive: true })
await writeFile(
  `bench/results/carryover-${kind}.json`,
  `${JSON.stringify({ kind, duration, withMonitor, noise, after, slots, text }, null, 2)}\n`,
)
