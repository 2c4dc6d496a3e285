// The floor under the same-job pairs' spread (src/compare/sequential.ts, "A floor under the spread"),
// checked on the default's kept runs (bench/results/against-target-pinned, every round read the probe;
// BENCH_SOURCE=rounds or contended for those of other round lengths or beside other work):
// 1. per metric, the pairs' real SD (adjusted by the probe, as compared) over the SD their rounds'
//    seconds imply (src/compare/round-noise.ts): where FLOOR_SHARE sits among those ratios;
// 2. the pair at which each run was first decided (compare.ts entryDecided), with the floor and with
//    the rounds' seconds taken away (no floor): what the floor costs in time;
// 3. the probe's median log-ratio head/base in slowed and in unchanged runs: a slower head that made
//    the probe read slower would have its slowdown adjusted away.
//
// Run: npx tsx bench/pair-floor.ts   (a few seconds; prints markdown)
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { entryDecided, pairedValues } from '../src/compare/compare.js'
import { suiteBudget } from '../src/compare/family.js'
import { FLOOR_SHARE } from '../src/compare/sequential.js'
import type { ComparedMetric } from '../src/compare/types.js'
import type { EntryResult, Results, RoundResult } from '../src/results/document.js'
import { median, stddev } from '../src/stats/stats.js'

const ROOT = path.resolve(`bench/results/against-target-${process.env.BENCH_SOURCE ?? 'pinned'}`)
const METRICS: readonly ComparedMetric[] = ['rps', 'p50', 'p99', 'cpu']

interface Run {
  readonly name: string
  readonly base: EntryResult
  readonly head: EntryResult
  readonly budget: ReturnType<typeof suiteBudget>
}

const runs: Run[] = readdirSync(ROOT)
  .filter((d) => d.includes('-pinned-') && existsSync(path.join(ROOT, d, 'base-results.json')))
  .sort()
  .flatMap((name) => {
    const read = (file: string): Results => JSON.parse(readFileSync(path.join(ROOT, name, file), 'utf8'))
    const head = read('results.json')
    const [b, h] = [read('base-results.json').entries[0], head.entries[0]]
    return b === undefined || h === undefined ? [] : [{ name, base: b, head: h, budget: suiteBudget(head.entries) }]
  })
const probed = (rounds: readonly RoundResult[]): boolean => rounds.every((r) => (r.speedProbeUs ?? 0) > 0)
const quantile = (xs: readonly number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))] ?? NaN

// 1. The pairs' real SD over their seconds' figure.
const withSeconds = runs.filter((r) => probed(r.base.rounds) && probed(r.head.rounds))
console.log(`## 1. Pairs' SD over their seconds' figure (${withSeconds.length} runs; FLOOR_SHARE ${FLOOR_SHARE})\n`)
console.log('| metric | runs | least | 5th percentile | median | runs below FLOOR_SHARE |')
console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
for (const metric of METRICS) {
  const ratios = withSeconds.flatMap((r) => {
    const values = pairedValues(r.base.rounds, r.head.rounds, metric)
    if (values?.noise === undefined) return []
    const ys = values.head.map((h, i) => Math.log(h / (values.base[i] ?? NaN)))
    const figure = Math.sqrt(values.noise.reduce((sum, f) => sum + f * f, 0) / values.noise.length)
    return [stddev(ys) / figure]
  })
  const below = ratios.filter((x) => x < FLOOR_SHARE).length
  console.log(
    `| ${metric} | ${ratios.length} | ${quantile(ratios, 0).toFixed(2)} | ${quantile(ratios, 0.05).toFixed(2)} | ${median(ratios).toFixed(2)} | ${below} |`,
  )
}

// 2. The first pair at which each run was decided, with and without the floor.
const withoutSeconds = (rounds: readonly RoundResult[]): RoundResult[] => rounds.map(({ series: _series, ...r }) => r)
const firstDecided = (r: Run, floor: boolean): number | undefined => {
  const shares = r.budget.shares[0]
  if (shares === undefined) return undefined
  const [b, h] = floor ? [r.base.rounds, r.head.rounds] : [withoutSeconds(r.base.rounds), withoutSeconds(r.head.rounds)]
  for (let k = 5; k <= Math.min(b.length, h.length); k++) {
    if (entryDecided(b.slice(0, k), h.slice(0, k), r.head.regression, shares)) return k
  }
  return undefined
}
const decided = runs.map((r) => ({ name: r.name, floor: firstDecided(r, true), none: firstDecided(r, false) }))
const later = decided.filter((d) => d.none !== undefined && d.floor !== d.none)
console.log(`\n## 2. First decided pair (${runs.length} runs)\n`)
console.log(
  `decided before they stopped: ${decided.filter((d) => d.none !== undefined).length} without the floor, ${decided.filter((d) => d.floor !== undefined).length} with it`,
)
for (const d of later) console.log(`- ${d.name}: pair ${d.none} without the floor, ${d.floor ?? 'not yet where it stopped'} with it`)

// 3. The probe in slowed and in unchanged runs.
console.log('\n## 3. Median probe log-ratio head/base, the median over runs\n')
for (const kind of ['same', 'slow']) {
  const medians = runs
    .filter((r) => r.name.includes(`-${kind}`))
    .flatMap((r) => {
      const xs = r.head.rounds.flatMap((h, i) => {
        const b = r.base.rounds[i]
        return b?.speedProbeUs !== undefined && h.speedProbeUs !== undefined ? [Math.log(h.speedProbeUs / b.speedProbeUs)] : []
      })
      return xs.length === 0 ? [] : [median(xs)]
    })
  console.log(`- ${kind}: ${median(medians).toFixed(4)} (${medians.length} runs)`)
}
