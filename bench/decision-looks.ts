// What the decision chart of report.html costs to make for a large same-job run (10 entries of 50
// pairs): its looks after every pair from the sequential rule (report/html/decision-chart.ts), against
// re-running compare() over the first k pairs for every k, the first way it was written. Ratios in
// one run, with the machine's CPU noise beside them. Run: npx tsx bench/decision-looks.ts
import { syntheticResults } from '../__fixtures__/results/build.js'
import { compare } from '../src/compare/compare.js'
import type { Results } from '../src/results/document.js'
import { pairedLooks } from '../src/report/html/decision-chart.js'
import { cpuLoopNoise } from './cpu-noise.js'

const ENTRIES = 10
const PAIRS = 50

function side(factor: number, phase: number): Results {
  return syntheticResults(
    Array.from({ length: ENTRIES }, (_, e) => ({
      scenario: `entry ${e}`,
      rps: Array.from({ length: PAIRS }, (_, i) => (1000 * (1 + 0.04 * Math.sin(i * 2.3 + e + phase))) / factor),
      p50Us: Array.from({ length: PAIRS }, (_, i) => 2000 * (1 + 0.04 * Math.sin(i * 1.7 + e + phase)) * factor),
    })),
  )
}

/** The former way: compare() over the first k pairs, every k. */
function comparePerLook(base: Results, head: Results): void {
  for (let k = 1; k <= PAIRS; k++) {
    const first = (r: Results): Results => ({
      ...r,
      entries: r.entries.map((e) => ({ ...e, rounds: e.rounds.filter((x) => x.round <= k) })),
    })
    compare(first(base), first(head), { paired: true })
  }
}

function timed(what: () => void): number {
  const start = performance.now()
  what()
  return performance.now() - start
}

const base = side(1, 0)
const head = side(1.02, 1.7)
const before = cpuLoopNoise()
const comparison = compare(base, head, { paired: true })
const once = timed(() => compare(base, head, { paired: true }))
const looks = timed(() => pairedLooks(base, head, comparison))
const perLook = timed(() => comparePerLook(base, head))
const after = cpuLoopNoise()
console.log(
  JSON.stringify(
    {
      entries: ENTRIES,
      pairs: PAIRS,
      compareOnceMs: Math.round(once),
      sequentialLooksMs: Math.round(looks),
      comparePerLookMs: Math.round(perLook),
      comparePerLookOverLooks: Math.round(perLook / Math.max(1, looks)),
      cpuNoise: { before: before.cv, after: after.cv, loadAverage: after.loadAverage },
    },
    null,
    2,
  ),
)
