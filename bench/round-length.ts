// What a round's length does to same-job pairs, from the default's kept runs: for each run of
// bench/against-target.ts (apps pinned, the probe read in every round) its pairs' spread per metric,
// raw and adjusted by the speed probe as the product adjusts them, the time a pair took, and what
// that buys: the information a minute of pairs holds about the change, 60 / (pair seconds × SD²), for
// req/s and CPU per request. Per round length, also how much a run's rounds vary among themselves
// (the first five base rounds, req/s and p99): what a run of one side, a stored baseline, stands on.
// Runs of 5 s rounds are under against-target-pinned, of other lengths (ONE_DURATION) under
// against-target-rounds, either beside stretches of other work (AGAINST_CONTEND=1) under
// against-target-contended; only those measured from SINCE on are compared, so that the lengths are
// set side by side over the same stretch of the machine's load. Last, from every kept run of 5 s
// rounds, how much more two seconds of one app differ 36 s apart than 1 s apart.
//
// Run: npx tsx bench/round-length.ts [since ISO time, default 2026-12-05T19:00Z] [until ISO time]
// (an end, to set the runs of the speed probe before 2026-12-05 22:24 beside those after).
import { speedAdjusted } from '../src/compare/speed-adjust.js'
import type { RoundResult } from '../src/results/document.js'
import { median, stddev } from '../src/stats/stats.js'
import { keptRuns, startOf, type KeptRun } from './kept-runs.js'

const SINCE = Date.parse(process.argv[2] ?? '2026-12-05T19:00:00Z')
const UNTIL = Date.parse(process.argv[3] ?? '9999-12-31T00:00:00Z')

// Only runs whose every round read the probe: the default's, adjusted as the product adjusts.
const kept = keptRuns().filter((run) => [...run.base, ...run.head].every((r) => (r.speedProbeUs ?? 0) > 0))
/** A run's round length in seconds, to the half second. */
const roundSeconds = (run: KeptRun): number => Math.round((run.base[0]?.durationMs ?? NaN) / 500) / 2

/** The SD of the pairs' log-ratios of `value`, raw and adjusted by the probe (`prior`: +1, or −1 for throughput). */
function pairSds(run: KeptRun, value: (r: RoundResult) => number, prior: number): [number, number] {
  const b = run.base.map(value)
  const h = run.head.map(value)
  const logRatios = (base: readonly number[], head: readonly number[]): number[] => head.map((x, i) => Math.log(x / (base[i] ?? NaN)))
  const probe = (rounds: readonly RoundResult[]): number[] => rounds.map((r) => r.speedProbeUs ?? NaN)
  const adjusted = speedAdjusted(b, h, probe(run.base), probe(run.head), prior)
  return [stddev(logRatios(b, h)), stddev(logRatios(adjusted.base, adjusted.head))]
}
/** The SD of the logs of `value` over the run's first five base rounds. */
const roundSd = (run: KeptRun, value: (r: RoundResult) => number): number => stddev(run.base.slice(0, 5).map((r) => Math.log(value(r))))

interface Compared {
  readonly name: string
  readonly pairs: number
  readonly pairSeconds: number
  readonly roundSeconds: number
  /** Pair log-ratio SDs: req/s raw, req/s adjusted, CPU per request raw, adjusted. */
  readonly sd: readonly [number, number, number, number]
  /** The rounds' SD within the run: req/s, p99. */
  readonly roundSd: readonly [number, number]
}

const compared: Compared[] = kept
  .filter((run) => startOf(run) >= SINCE && startOf(run) < UNTIL && run.head.every((r) => r.valid))
  .map((run) => {
    const cpu = (r: RoundResult): number => r.server?.cpuUsPerRequest ?? NaN
    return {
      name: run.name,
      pairs: run.head.length,
      pairSeconds: (Date.parse(run.base.at(-1)?.startedAt ?? '') - startOf(run)) / 1000 / (run.base.length - 1),
      roundSeconds: roundSeconds(run),
      sd: [...pairSds(run, (r) => r.rps, -1), ...pairSds(run, cpu, 1)],
      roundSd: [roundSd(run, (r) => r.rps), roundSd(run, (r) => r.latencyUs.p99)],
    }
  })

const info = (sd: number, pairSeconds: number): number => 60 / (pairSeconds * sd * sd)
console.log(
  '| run | pairs | s a pair | req/s SD raw / adjusted | CPU per request SD raw / adjusted | information a minute, req/s / CPU (adjusted) |',
)
console.log('| --- | ---: | ---: | --- | --- | --- |')
for (const r of compared) {
  const [a, b, c, d] = r.sd.map((x) => x.toFixed(3))
  console.log(
    `| ${r.name} | ${r.pairs} | ${r.pairSeconds.toFixed(1)} | ${a} / ${b} | ${c} / ${d} | ${info(r.sd[1], r.pairSeconds).toFixed(0)} / ${info(r.sd[3], r.pairSeconds).toFixed(0)} |`,
  )
}
console.log('\n| rounds | runs | median information a minute, req/s | CPU per request | rounds’ SD within a run, req/s (median) | p99 |')
console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
for (const length of [...new Set(compared.map((r) => r.roundSeconds))]) {
  const group = compared.filter((r) => r.roundSeconds === length)
  const medianOf = (of: (r: Compared) => number, digits: number): string => median(group.map(of)).toFixed(digits)
  console.log(
    `| ${length} s | ${group.length} | ${medianOf((r) => info(r.sd[1], r.pairSeconds), 0)} | ${medianOf((r) => info(r.sd[3], r.pairSeconds), 0)} | ${medianOf((r) => r.roundSd[0], 3)} | ${medianOf((r) => r.roundSd[1], 3)} |`,
  )
}

// How the machine's noise grows with time apart: per kept run of the default's 5 s rounds (those of
// against-target-pinned with 10 pairs or more), the root mean square difference of one app's log req/s
// between two of its seconds 1 s and 36 s apart.
const apart = { near: [] as number[], far: [] as number[] }
for (const run of kept.filter((r) => r.folder === 'pinned' && roundSeconds(r) === 5 && r.head.length >= 10)) {
  const sums = new Map<number, { sum: number; n: number }>()
  for (const rounds of [run.base, run.head]) {
    const seconds = rounds.flatMap((r) =>
      (r.series?.rps ?? []).map((rps, i) => ({ t: Date.parse(r.startedAt) / 1000 + i, y: Math.log(rps) })),
    )
    for (const [i, a] of seconds.entries()) {
      for (const b of seconds.slice(i + 1)) {
        const lag = Math.round(b.t - a.t)
        if (lag !== 1 && lag !== 36) continue
        const cell = sums.get(lag) ?? { sum: 0, n: 0 }
        sums.set(lag, { sum: cell.sum + (b.y - a.y) ** 2, n: cell.n + 1 })
      }
    }
  }
  const rms = (lag: number): number => Math.sqrt((sums.get(lag)?.sum ?? NaN) / (sums.get(lag)?.n ?? NaN))
  apart.near.push(rms(1))
  apart.far.push(rms(36))
}
const span = (xs: number[]): string => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b)
  return `${s[0]?.toFixed(2)}–${s.at(-1)?.toFixed(2)} (median ${median(s).toFixed(2)})`
}
console.log(
  `\nOver ${apart.near.length} kept runs of 5 s rounds, one app's log req/s differed by ${span(apart.near)} between neighbouring seconds and by ${span(apart.far)} 36 s apart.`,
)
