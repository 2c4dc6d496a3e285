// The same-job target, measured as a user meets it (bench/one-scenario.ts): `cannonade run --against
// HEAD~1` on a one-scenario suite of a small CPU-bound service we did not tune, budget 3 minutes, the
// head's route made a calibrated share more expensive in CPU per request, or only a note changed.
// Reports per run: caught (exit 1), cleared (every gated metric decided within its tolerance) or
// undecided, time to the verdict, pairs, the pair log-ratio SD, req/s and CPU-per-request change, and
// the CPU loop's CV and load before and after.
//
// Run: npm run build && npx tsx bench/against-target.ts [slow|same|slowN ...]   (default: slow same slow same)
//   slow = slow10: 10 % more CPU per request; slow25: 25 %; same: unchanged. A kind may name its own
//   mode, `slow@fixed`, so that two modes alternate in one invocation.
//   AGAINST_APP=node|python  AGAINST_BUDGET=3m  AGAINST_MODE=decide|fixed|separate|pinned|…
//   AGAINST_CONTEND=1: other work on the apps' CPUs through each run, in stretches: 15 s of a process
//   computing 20 ms and sleeping 20 ms, then 15 s of nothing (a busy runner; kept under
//   against-target-contended/).
// Writes bench/results/against-target-<app>-<mode>.json, keeps every run's rounds under
// bench/results/against-target/ (for bench/pair-noise.ts; `pinned` runs under against-target-pinned/)
// and prints a markdown table.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { HashApp } from './apps/hash-config.js'
import { startContender } from './contender.js'
import { appCost, itemsFor, oneScenarioRun, outcomeRow, OUTCOME_HEADER, ROUND, type OneMode, type OneOutcome } from './one-scenario.js'

const kinds = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['slow', 'same', 'slow', 'same']
const app: HashApp = process.env.AGAINST_APP === 'python' ? 'python' : 'node'
const budget = process.env.AGAINST_BUDGET ?? '3m'
const mode = (process.env.AGAINST_MODE ?? 'decide') as OneMode

/** The share of CPU per request a kind adds: same 0, slow 10 %, slowN N %. */
function slowdownOf(kind: string): number {
  if (kind === 'same') return 0
  if (kind === 'slow') return 0.1
  const n = /^slow(\d+)$/.exec(kind)?.[1]
  if (n === undefined) throw new Error(`unknown head kind ${kind}: use same, slow or slowN`)
  return Number(n) / 100
}

// Other work on the apps' CPUs in stretches of 15 s (bench/contender.ts).
const contend = process.env.AGAINST_CONTEND === '1'

const cost = await appCost(app)
const lines = [
  `## \`run\` on one scenario (${app} hashing service, 4 connections, ${ROUND ?? 'the default'} rounds), budget ${budget}\n`,
  `Calibrated: ${(cost.fixed * 1e6).toFixed(0)} µs fixed + ${(cost.perItem * 1e6).toFixed(2)} µs an item a request; +10 % CPU is ${itemsFor(cost, 0.1)} items for 200.\n`,
  ...OUTCOME_HEADER,
]
process.stderr.write(`${lines.join('\n')}\n`)
const rows: OneOutcome[] = []
for (const spec of kinds) {
  const [kind = spec, own] = spec.split('@')
  const runMode = (own ?? mode) as OneMode
  const slowdown = slowdownOf(kind)
  // Pinned runs (app.cpus: separate, not the default) are kept apart, so that the replays of
  // against-target/ keep the default's schedule.
  // Runs of another round length (ONE_DURATION) are kept apart too, named by it.
  const folder = contend
    ? 'against-target-contended'
    : ROUND !== undefined
      ? 'against-target-rounds'
      : runMode === 'pinned'
        ? 'against-target-pinned'
        : 'against-target'
  const keep = path.resolve(`bench/results/${folder}/${app}-${Date.now()}-${runMode}-${kind}${ROUND === undefined ? '' : `-${ROUND}`}`)
  const contender = contend ? startContender(15_000) : undefined
  const row = await oneScenarioRun(app, runMode, slowdown, cost, { budget, keep }).finally(() => contender?.kill())
  rows.push(row)
  lines.push(outcomeRow(row))
  process.stderr.write(`${outcomeRow(row)}\n`)
}
const text = lines.join('\n')
console.log(text)
await mkdir('bench/results', { recursive: true })
await writeFile(
  `bench/results/against-target-${app}-${mode}${contend ? '-contended' : ''}${ROUND === undefined ? '' : `-${ROUND}`}.json`,
  `${JSON.stringify({ app, budget, mode, cost, rows, text }, null, 2)}\n`,
)
