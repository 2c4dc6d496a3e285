// Accuracy measured where it matters: the demo routes (bench/demo-routes.ts) on this machine, as it
// is right now, in Cannonade's three modes, each with the head unchanged and slowed by 5, 10 and
// 20 % (DEMO_SLOWDOWN):
//   artifact   a stored baseline: the base measured once at the start of the bench, every head
//              measured at the end, minutes later, compared as a pull request without history is
//              (fixed samples, the assumed run-to-run spread);
//   fixed      same-job, fixed rounds: base and head side by side, 5 rounds each interleaved, compared
//              as fixed samples (the schedule before deciding as you go);
//   decide     same-job, decide as you go: the product's rule (pipeline/deciding.ts), paired comparison,
//              within a budget.
// Beside every cell, the machine's own noise: a pure CPU loop's second-to-second CV right before and
// right after (bench/cpu-noise.ts), and the load average. One run per cell: this says what a user on
// this machine gets today; bench/replay.ts turns recorded rounds into rates over thousands of trials.
//
// Run: npm run build && npm run bench:accuracy   (about 13 minutes on 2 cores, then the one-scenario
//      part of bench/accuracy-one.ts, about 20 more)
//      npm run bench:accuracy -- --quick   (about 3 + 8 minutes: fewer heads, shorter rounds)
//      -- --demo or -- --one: one part only
// Writes bench/results/accuracy.json (or accuracy-quick.json) and prints the markdown table.
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freePort } from '../src/app/ports.js'
import { clearOfTolerance, compare, type CompareOptions } from '../src/compare/compare.js'
import type { Comparison } from '../src/compare/types.js'
import type { Plan } from '../src/config/plan.js'
import { decideAsYouGo } from '../src/pipeline/deciding.js'
import { measure, measureSides } from '../src/load/schedule.js'
import type { Results } from '../src/results/document.js'
import { cpuLoopNoise, type CpuNoise } from './cpu-noise.js'
import { demoRoutesPlan } from './demo-routes.js'

const quick = process.argv.includes('--quick')
// --one: only the one-scenario part (bench/accuracy-one.ts); --demo: only the demo routes.
const parts = { demo: !process.argv.includes('--one'), one: !process.argv.includes('--demo') }
const settings = quick
  ? { duration: '500ms', warmup: '100ms', rounds: 5, budget: '25s', noiseWindows: 2, slowdowns: [0, 10] }
  : { duration: '1s', warmup: '250ms', rounds: 5, budget: '100s', noiseWindows: 3, slowdowns: [0, 5, 10, 20] }
const outDir = path.resolve('bench/results/accuracy-app')
type Mode = 'artifact' | 'fixed' | 'decide'

/** One cell: a mode at one slowdown, what each entry was judged, and the noise around it. */
interface Cell {
  readonly mode: Mode
  readonly slowdown: number
  readonly entries: readonly { key: string; verdict: 'regression' | 'cleared' | 'inconclusive'; pairs: number; change: number }[]
  /** Seconds the head (and, same-job, the base) took to measure. */
  readonly seconds: number
  readonly noiseBefore: CpuNoise
  readonly noiseAfter: CpuNoise
  /** Median smallest change the comparison could resolve (rps), as a share. */
  readonly resolvable: number | null
  /** Median over entries of the head's round-to-round CV of req/s, as the report shows it. */
  readonly roundCv: number | null
}

async function plan(slowdown: number): Promise<Plan> {
  const { duration, warmup, rounds, budget } = settings
  return demoRoutesPlan({ port: await freePort(), slowdown, duration, warmup, rounds, budget })
}

/** An entry's outcome: a gated regression fails it; cleared when no gated metric can still regress. */
function outcomes(comparison: Comparison): Cell['entries'] {
  return comparison.entries.map((entry) => {
    const gated = entry.metrics.filter((m) => m.gated)
    const rps = entry.metrics.find((m) => m.metric === 'rps')
    const verdict = gated.some((m) => m.verdict === 'regression')
      ? 'regression'
      : gated.every((m) => m.verdict === 'unchanged' || m.verdict === 'improvement' || clearOfTolerance(m))
        ? 'cleared'
        : 'inconclusive'
    return { key: entry.key, verdict, pairs: rps?.headRounds ?? 0, change: rps?.change ?? NaN }
  })
}

async function cell(mode: Mode, slowdown: number, measureIt: () => Promise<Comparison>): Promise<Cell> {
  const noiseBefore = cpuLoopNoise(settings.noiseWindows)
  const started = performance.now()
  const comparison = await measureIt()
  const seconds = (performance.now() - started) / 1000
  const noiseAfter = cpuLoopNoise(settings.noiseWindows)
  const result: Cell = {
    mode,
    slowdown,
    entries: outcomes(comparison),
    seconds,
    noiseBefore,
    noiseAfter,
    resolvable: comparison.detectable ?? null,
    roundCv: comparison.noise ?? null,
  }
  process.stderr.write(
    `${mode} +${slowdown} %: ${result.entries.map((e) => `${e.key} ${e.verdict} (${e.pairs})`).join(', ')}; ${seconds.toFixed(0)} s; CPU loop CV ${pct(noiseBefore.cv)} / ${pct(noiseAfter.cv)}\n`,
  )
  return result
}

async function single(slowdown: number, label: string): Promise<Results> {
  const measured = await measure(await plan(slowdown), { outDir, git: { sha: label } })
  if (measured.failure !== undefined) throw measured.failure
  return measured.results
}

async function sideBySide(slowdown: number, decide: boolean): Promise<[Results, Results]> {
  const head = await plan(slowdown)
  const sides = await measureSides(
    [
      { plan: await plan(0), outDir, label: 'base', git: { sha: 'base' } },
      { plan: head, outDir, label: 'head', git: { sha: `head-${slowdown}` } },
    ],
    { outDir, ...(decide ? { adaptive: decideAsYouGo(head) } : {}) },
  )
  const [base, measuredHead] = sides
  if (base?.failure !== undefined || measuredHead?.failure !== undefined || base === undefined || measuredHead === undefined)
    throw new Error('a side failed')
  return [base.results, measuredHead.results]
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`

if (parts.demo) await demoPart()
if (parts.one) await (await import('./accuracy-one.js')).oneScenarioSuite(quick)

/** The three demo routes in the three modes. */
async function demoPart(): Promise<void> {
  await mkdir(outDir, { recursive: true })
  const benchStarted = performance.now()
  const cells: Cell[] = []
  // The stored baseline: measured first, so that every artifact head below is minutes later.
  const artifactBase = await single(0, 'artifact-base')
  const baseMeasuredAt = performance.now()
  const noHistory: CompareOptions = { runToRun: { runs: 1, series: new Map() } }
  for (const s of settings.slowdowns) {
    cells.push(await cell('fixed', s, async () => compare(...(await sideBySide(s, false)))))
  }
  for (const s of settings.slowdowns) {
    cells.push(await cell('decide', s, async () => compare(...(await sideBySide(s, true)), { paired: true })))
  }
  const minutesApart = (performance.now() - baseMeasuredAt) / 60_000
  for (const s of settings.slowdowns) {
    cells.push(await cell('artifact', s, async () => compare(artifactBase, await single(s, `artifact-head-${s}`), noHistory)))
  }
  const minutes = (performance.now() - benchStarted) / 60_000

  const MODE_NAMES: Record<Mode, string> = {
    artifact: `artifact baseline, ${minutesApart.toFixed(0)}+ min earlier, no history`,
    fixed: `same-job, fixed ${settings.rounds} rounds`,
    decide: `same-job, decide as you go (budget ${settings.budget})`,
  }
  const count = (c: Cell, v: string): number => c.entries.filter((e) => e.verdict === v).length
  const table = [
    '| mode | head | failed | cleared | inconclusive | pairs per entry | time | smallest resolvable (rps) | round CV (rps) | CPU loop CV before / after | load |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    ...(['artifact', 'fixed', 'decide'] as const).flatMap((mode) =>
      cells
        .filter((c) => c.mode === mode)
        .map(
          (c) =>
            `| ${MODE_NAMES[mode]} | ${c.slowdown === 0 ? 'unchanged' : `+${c.slowdown} %`} | ${count(c, 'regression')}/${c.entries.length} | ${count(c, 'cleared')}/${c.entries.length} | ${count(c, 'inconclusive')}/${c.entries.length} | ${c.entries.map((e) => e.pairs).join(', ')} | ${c.seconds.toFixed(0)} s | ${c.resolvable === null ? '–' : pct(c.resolvable)} | ${c.roundCv === null ? '–' : pct(c.roundCv)} | ${pct(c.noiseBefore.cv)} / ${pct(c.noiseAfter.cv)} | ${c.noiseAfter.loadAverage.toFixed(1)} |`,
        ),
    ),
  ].join('\n')
  console.log(table)
  console.log(
    `\n${os.cpus().length} cores, ${settings.duration} rounds (warm-up ${settings.warmup}); entries: ${cells[0]?.entries.map((e) => e.key).join(', ')}; ${minutes.toFixed(1)} min`,
  )
  await mkdir('bench/results', { recursive: true })
  await writeFile(
    `bench/results/${quick ? 'accuracy-quick' : 'accuracy'}.json`,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), settings, minutesApart, minutes, cells, table }, null, 2)}\n`,
  )
}
