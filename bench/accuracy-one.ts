// The one-scenario part of `npm run bench:accuracy`: the common check (`run --against` or a stored
// baseline on a suite of one scenario) on the real schedule, per mode, with heads made a calibrated
// share more expensive in CPU per request (bench/one-scenario.ts), on a service we did not tune.
// One run a cell: what a user on this machine gets today, with the machine's noise beside every run;
// "smallest change caught" is the smallest head caught with every larger head of that mode caught
// too, within the mode's time (same-job: a 3-minute budget).
//
// Run: npm run build && npm run bench:accuracy -- --one   (about 20 minutes; --quick: about 8)
//   ONE_APP=node|python  ONE_MODES=decide,fixed,separate
// Writes bench/results/accuracy-one-<app>.json and prints the tables.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { HashApp } from './apps/hash-config.js'
import {
  appCost,
  itemsFor,
  ONE_MODE_NAMES,
  oneScenarioRun,
  outcomeRow,
  OUTCOME_HEADER,
  type OneMode,
  type OneOutcome,
} from './one-scenario.js'

/** The heads each mode is tried with (shares of CPU per request; 0 is unchanged). */
const GRID: Record<OneMode, { full: readonly number[]; quick: readonly number[] }> = {
  decide: { full: [0, 0.1, 0.25], quick: [0, 0.1] },
  fixed: { full: [0, 0.1, 0.25, 0.5], quick: [0.1, 0.25] },
  separate: { full: [0, 0.5, 1, 2], quick: [0.5, 2] },
  relaunch: { full: [0, 0.1, 0.25], quick: [0, 0.1] },
  launch: { full: [0, 0.1, 0.25], quick: [0, 0.1] },
  pad: { full: [0, 0.1, 0.25], quick: [0, 0.1] },
  pinned: { full: [0, 0.1, 0.25], quick: [0, 0.1] },
}

const pct = (x: number): string => `${Math.round(x * 100)} %`

/** Runs the one-scenario matrix and prints the per-run and per-mode tables. */
export async function oneScenarioSuite(quick: boolean): Promise<void> {
  const app: HashApp = process.env.ONE_APP === 'python' ? 'python' : 'node'
  const modes = (process.env.ONE_MODES ?? 'decide,fixed,separate').split(',') as OneMode[]
  const started = performance.now()
  const cost = await appCost(app)
  const runs: OneOutcome[] = []
  process.stderr.write(`${OUTCOME_HEADER.join('\n')}\n`)
  for (const mode of modes) {
    for (const slowdown of quick ? GRID[mode].quick : GRID[mode].full) {
      const keep = path.resolve(`bench/results/accuracy-one/${app}-${Date.now()}-${mode}-${Math.round(slowdown * 100)}`)
      const run = await oneScenarioRun(app, mode, slowdown, cost, { budget: '3m', keep })
      runs.push(run)
      process.stderr.write(`${outcomeRow(run)}\n`)
    }
  }
  const summary = modes.map((mode) => {
    const mine = runs.filter((r) => r.mode === mode)
    const slowed = mine.filter((r) => r.slowdown > 0).sort((a, b) => b.slowdown - a.slowdown)
    // The smallest caught head with every larger one caught too.
    let smallest: number | undefined
    for (const r of slowed) {
      if (r.outcome !== 'caught') break
      smallest = r.slowdown
    }
    const unchanged = mine.find((r) => r.slowdown === 0)
    const noise = mine.map((r) => r.noiseBefore.cv).concat(mine.map((r) => r.noiseAfter.cv))
    const loads = mine.flatMap((r) => [r.loadBefore, r.loadAfter])
    const sds = mine.map((r) => r.noiseSd)
    const range = (xs: number[], f: (x: number) => string): string => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`
    return `| ${ONE_MODE_NAMES[mode]} | ${smallest === undefined ? `none of ${slowed.map((r) => `+${pct(r.slowdown)}`).join(', ')}` : `+${pct(smallest)}`} | ${unchanged === undefined ? '–' : `${unchanged.outcome}, ${unchanged.seconds.toFixed(0)} s`} | ${Math.max(...mine.map((r) => r.seconds)).toFixed(0)} s | ${range(sds, (x) => x.toFixed(3))} | ${range(noise, (x) => `${(x * 100).toFixed(1)} %`)} | ${range(loads, (x) => x.toFixed(1))} |`
  })
  const text = [
    `## One scenario, per mode (${app} hashing service, 4 connections, default 5 s rounds; one run a cell)\n`,
    `Calibrated on the app: ${(cost.fixed * 1e6).toFixed(0)} µs fixed + ${(cost.perItem * 1e6).toFixed(2)} µs an item a request (+10 % CPU: ${itemsFor(cost, 0.1)} items for 200).\n`,
    '| mode | smallest change caught | unchanged head | longest run | pair (or round) log SD, req/s | CPU loop CV | load |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
    ...summary,
    '',
    ...OUTCOME_HEADER,
    ...runs.map(outcomeRow),
    '',
    `${((performance.now() - started) / 60_000).toFixed(1)} min`,
  ].join('\n')
  console.log(text)
  await mkdir('bench/results', { recursive: true })
  await writeFile(
    `bench/results/accuracy-one-${app}.json`,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), app, cost, runs, text }, null, 2)}\n`,
  )
}
