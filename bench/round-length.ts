// What a round's length does to same-job pairs, from the default's kept runs: for each run of
// bench/against-target.ts (apps pinned, the probe read in every round) its pairs' spread per metric,
// raw and adjusted by the speed probe as the product adjusts them, the time a pair took, and what
// that buys: the information a minute of pairs holds about the change, 60 / (pair seconds × SD²), for
// req/s and CPU per request. Runs of 5 s rounds are under against-target-pinned, of other lengths
// (ONE_DURATION) under against-target-rounds, either beside stretches of other work
// (AGAINST_CONTEND=1) under against-target-contended; only those measured from SINCE on are read, so that the
// two lengths are compared over the same stretch of the machine's load. Last, from every kept run of
// 5 s rounds, how much more two seconds of one app differ 36 s apart than 1 s apart.
//
// Run: npx tsx bench/round-length.ts [since ISO time, default 2026-12-05T19:00Z]
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { speedAdjusted } from '../src/compare/speed-adjust.js'
import type { RoundResult } from '../src/results/document.js'
import { median, stddev } from '../src/stats/stats.js'

const SINCE = Date.parse(process.argv[2] ?? '2026-12-05T19:00:00Z')
const FOLDERS = ['pinned', 'rounds', 'contended'].map((f) => `bench/results/against-target-${f}`)

interface Run {
  readonly name: string
  readonly seconds: number
  readonly pairs: number
  readonly pairSeconds: number
  /** The rounds' length, to the half second. */
  readonly roundSeconds: number
  /** Pair log-ratio SDs: req/s raw, req/s adjusted, CPU per request raw, adjusted. */
  readonly sd: readonly [number, number, number, number]
}

const cpuOf = (r: RoundResult): number => r.server?.cpuUsPerRequest ?? NaN
function pairSds(base: RoundResult[], head: RoundResult[], value: (r: RoundResult) => number, prior: number): [number, number] {
  const b = base.map(value)
  const h = head.map(value)
  const raw = stddev(h.map((x, i) => Math.log(x / (b[i] ?? NaN))))
  const adjusted = speedAdjusted(
    b,
    h,
    base.map((r) => r.speedProbeUs ?? NaN),
    head.map((r) => r.speedProbeUs ?? NaN),
    prior,
  )
  return [raw, stddev(adjusted.head.map((x, i) => Math.log(x / (adjusted.base[i] ?? NaN))))]
}

const runs: Run[] = []
for (const folder of FOLDERS) {
  for (const name of readdirSync(folder).sort()) {
    const dir = path.join(folder, name)
    if (!existsSync(path.join(dir, 'base-results.json'))) continue
    const rounds = (file: string): RoundResult[] => JSON.parse(readFileSync(path.join(dir, file), 'utf8')).entries[0].rounds
    const head = rounds('results.json')
    const base = rounds('base-results.json')
    const start = Date.parse(base[0]?.startedAt ?? '')
    if (!(start >= SINCE) || !head.every((r) => r.valid && (r.speedProbeUs ?? 0) > 0)) continue
    const last = head.at(-1)
    const end = Date.parse(last?.startedAt ?? '') + (last?.durationMs ?? 0)
    const [rpsRaw, rps] = pairSds(base, head, (r) => r.rps, -1)
    const [cpuRaw, cpu] = pairSds(base, head, cpuOf, 1)
    runs.push({
      name,
      seconds: (end - start) / 1000,
      pairs: head.length,
      pairSeconds: (Date.parse(base.at(-1)?.startedAt ?? '') - start) / 1000 / (base.length - 1),
      roundSeconds: Math.round((base[0]?.durationMs ?? NaN) / 500) / 2,
      sd: [rpsRaw, rps, cpuRaw, cpu],
    })
  }
}

const info = (sd: number, pairSeconds: number): number => 60 / (pairSeconds * sd * sd)
console.log(
  '| run | pairs | s a pair | req/s SD raw / adjusted | CPU per request SD raw / adjusted | information a minute, req/s / CPU (adjusted) |',
)
console.log('| --- | ---: | ---: | --- | --- | --- |')
for (const r of runs) {
  const [a, b, c, d] = r.sd.map((x) => x.toFixed(3))
  console.log(
    `| ${r.name} | ${r.pairs} | ${r.pairSeconds.toFixed(1)} | ${a} / ${b} | ${c} / ${d} | ${info(r.sd[1], r.pairSeconds).toFixed(0)} / ${info(r.sd[3], r.pairSeconds).toFixed(0)} |`,
  )
}
const lengthOf = (r: Run): string => `${r.roundSeconds} s`
const lengths = [...new Set(runs.map(lengthOf))]
console.log('\n| rounds | runs | median information a minute, req/s | CPU per request |')
console.log('| --- | ---: | ---: | ---: |')
for (const length of lengths) {
  const group = runs.filter((r) => lengthOf(r) === length)
  console.log(
    `| ${length} | ${group.length} | ${median(group.map((r) => info(r.sd[1], r.pairSeconds))).toFixed(0)} | ${median(group.map((r) => info(r.sd[3], r.pairSeconds))).toFixed(0)} |`,
  )
}

// How the machine's noise grows with time apart: per kept run of the default's 5 s rounds (all of
// against-target-pinned with 10 pairs or more), the SD of the difference of one app's log req/s
// between two seconds 1 s and 36 s apart (each side's own seconds, its mean taken out).
const apart = { near: [] as number[], far: [] as number[] }
const PINNED = 'bench/results/against-target-pinned'
for (const name of readdirSync(PINNED)) {
  const dir = path.join(PINNED, name)
  if (!existsSync(path.join(dir, 'base-results.json'))) continue
  const sides = ['results.json', 'base-results.json'].map(
    (file): RoundResult[] => JSON.parse(readFileSync(path.join(dir, file), 'utf8')).entries[0].rounds,
  )
  const fiveSeconds = Math.round((sides[0]?.[0]?.durationMs ?? 0) / 500) === 10
  if (!fiveSeconds || (sides[0]?.length ?? 0) < 10 || !sides.every((rounds) => rounds.every((r) => (r.speedProbeUs ?? 0) > 0))) continue
  const sums = new Map<number, { sum: number; n: number }>()
  for (const rounds of sides) {
    const seconds = rounds.flatMap((r) =>
      (r.series?.rps ?? []).map((rps, i) => ({ t: Date.parse(r.startedAt) / 1000 + i, y: Math.log(rps) })),
    )
    const mean = seconds.reduce((sum, s) => sum + s.y, 0) / seconds.length
    for (const [i, a] of seconds.entries()) {
      for (const b of seconds.slice(i + 1)) {
        const lag = Math.round(b.t - a.t)
        if (lag !== 1 && lag !== 36) continue
        const cell = sums.get(lag) ?? { sum: 0, n: 0 }
        sums.set(lag, { sum: cell.sum + (b.y - mean - (a.y - mean)) ** 2, n: cell.n + 1 })
      }
    }
  }
  const sd = (lag: number): number => Math.sqrt((sums.get(lag)?.sum ?? NaN) / (sums.get(lag)?.n ?? NaN))
  apart.near.push(sd(1))
  apart.far.push(sd(36))
}
const span = (xs: number[]): string => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b)
  return `${s[0]?.toFixed(2)}–${s.at(-1)?.toFixed(2)} (median ${median(s).toFixed(2)})`
}
console.log(
  `\nOver ${apart.near.length} kept runs of 5 s rounds, one app's log req/s differed by ${span(apart.near)} between neighbouring seconds and by ${span(apart.far)} 36 s apart.`,
)
