// The soak verdict on real memory series: replays every run recorded by bench/soak-record.ts under
// bench/traces/soak/ through the leak rule, the old one (Theil–Sen over the whole window, Sen's plain
// interval) beside the new one (results/profile-summary.ts + compare/thresholds.ts: the later half of
// the window, the interval widened for serial correlation), at the default limit of 1 MB/min. Prints
// per app and route how many runs each rule failed, the first- and second-half slopes that show
// whether growth levels off, and the machine's noise the runs were recorded at; writes
// bench/results/soak.json.
//
// Run: npx tsx bench/soak-record.ts 60 4   (records; about 1.1 runs a minute with 4 in parallel)
//      npx tsx bench/soak.ts               (replays what is recorded)
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { checkEntry, judgeSlopes, probableSlope, type SlopeState } from '../src/compare/thresholds.js'
import { DEFAULT_LEAK_BYTES_PER_MIN } from '../src/config/profile.js'
import type { EntryResult } from '../src/results/document.js'
import { fitSoak } from '../src/results/profile-summary.js'
import { summariseEntry } from '../src/results/entry-numbers.js'
import { theilSen } from '../src/stats/theil-sen.js'

/** One recorded run, as bench/soak-record.ts writes it. */
interface Recorded {
  readonly app: string
  readonly route: string
  readonly leaks: boolean
  readonly warmup?: string
  readonly rps: number
  /** The CPU loop's CV while it ran (absent for the Express runs, recorded with `cannonade run` by hand). */
  readonly cpuLoopCv?: number
  readonly loadAverage: number
  readonly rssKiB: readonly number[]
  /** A Node app's heap after each full collection (recorded from 2026-12-05 on). */
  readonly heap?: { readonly seconds: readonly number[]; readonly usedKiB: readonly number[] }
}

const dir = path.resolve('bench/traces/soak')
const runs: Recorded[] = []
for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
  const run = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Recorded
  if (run.rssKiB.length >= 20) runs.push(run)
}

const limit = DEFAULT_LEAK_BYTES_PER_MIN
const seconds = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i + 1)
const mbPerMinute = (kibPerSecond: number): number => (kibPerSecond * 60) / 1024

/** The rule before this change: the whole window, Sen's plain interval. */
function oldRuleFails(rss: readonly number[]): boolean {
  const fit = theilSen([{ x: seconds(0, rss.length), y: rss }], { plain: true })
  return fit !== undefined && fit.slope * 60 * 1024 > limit && fit.low > 0
}

function newRule(
  rss: readonly number[],
  heap?: Recorded['heap'],
): { fails: boolean; state: SlopeState | undefined; heapState: SlopeState | undefined; perMinute: number; effectivePoints: number } {
  const zeros = rss.map(() => 0)
  const series = { rps: rss.map(() => 100), errors: zeros, p50Us: zeros, p99Us: zeros, rssKiB: [...rss] }
  const fit = fitSoak([heap === undefined ? { series } : { series, heap }])
  const entry: EntryResult = {
    ...summariseEntry(
      {
        key: 'soak',
        scenario: 'soak',
        tags: [],
        connections: 1,
        pipelining: 1,
        definitionHash: '',
        thresholds: [{ metric: 'leak', bound: 'max', limit, severity: 'fail' }],
        regression: [],
      },
      [],
    ),
    ...(fit === undefined ? {} : { findings: { kind: 'soak' as const, ...fit } }),
  }
  return {
    fails: checkEntry(entry, entry.thresholds).some((v) => !probableSlope(v)),
    state: judgeSlopes(entry, entry.thresholds).find((j) => j.series === 'rss')?.state,
    heapState: judgeSlopes(entry, entry.thresholds).find((j) => j.series === 'heap')?.state,
    perMinute: (fit?.rss?.perMinute ?? NaN) / 1024 ** 2,
    effectivePoints: fit?.rss?.effectivePoints ?? NaN,
  }
}

function halfSlopes(rss: readonly number[]): { first: number; second: number } {
  const half = Math.floor(rss.length / 2)
  const slope = (from: number, to: number): number =>
    mbPerMinute(theilSen([{ x: seconds(from, to), y: rss.slice(from, to) }], { plain: true })?.slope ?? NaN)
  return { first: slope(0, half), second: slope(half, rss.length) }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2
}
const range = (values: readonly number[], digits: number): string =>
  `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`

const groups = new Map<string, Recorded[]>()
for (const run of runs) {
  const key = `${run.app} ${run.route} (warm-up ${run.warmup ?? '30s'}, ${run.rssKiB.length} s)`
  groups.set(key, [...(groups.get(key) ?? []), run])
}
const rows = [...groups.entries()].map(([key, group]) => {
  const verdicts = group.map((run) => newRule(run.rssKiB, run.heap))
  const halves = group.map((run) => halfSlopes(run.rssKiB))
  return {
    kind: key,
    leaks: group[0]?.leaks ?? false,
    runs: group.length,
    oldFailed: group.filter((run) => oldRuleFails(run.rssKiB)).length,
    newFailed: verdicts.filter((v) => v.fails).length,
    // The RSS judgement of each run: warned as a probable leak, called no leak, left undecided.
    probable: verdicts.filter((v) => v.state === 'probable').length,
    noLeak: verdicts.filter((v) => v.state === 'under').length,
    undecided: verdicts.filter((v) => v.state === 'open').length,
    // The heap after full collections (Node apps, recorded from 2026-12-05): runs with a heap fit, and
    // of those, over the limit (a failure), at or below it, undecided.
    heapFitted: verdicts.filter((v) => v.heapState !== undefined).length,
    heapOver: verdicts.filter((v) => v.heapState === 'over').length,
    heapUnder: verdicts.filter((v) => v.heapState === 'under').length,
    heapUndecided: verdicts.filter((v) => v.heapState === 'open' || v.heapState === 'probable').length,
    medianFirstHalfMbPerMin: Math.round(median(halves.map((h) => h.first)) * 100) / 100,
    medianSecondHalfMbPerMin: Math.round(median(halves.map((h) => h.second)) * 100) / 100,
    judgedMbPerMin: range(
      verdicts.map((v) => v.perMinute),
      2,
    ),
    effectivePoints: range(
      verdicts.map((v) => v.effectivePoints),
      0,
    ),
    loadAverage: range(
      group.map((run) => run.loadAverage),
      1,
    ),
    cpuLoopCvPercent: group.every((run) => run.cpuLoopCv === undefined)
      ? 'not recorded'
      : range(
          group.flatMap((run) => (run.cpuLoopCv === undefined ? [] : [run.cpuLoopCv * 100])),
          1,
        ),
  }
})

for (const row of rows) {
  process.stdout.write(
    `${row.kind}${row.leaks ? ' [leaks 1 KB/request]' : ''}: ${row.runs} runs; failed old ${row.oldFailed}, new ${row.newFailed}; ` +
      `new, RSS: probable leak ${row.probable}, no leak ${row.noLeak}, undecided ${row.undecided}; ` +
      (row.heapFitted === 0
        ? ''
        : `heap fitted in ${row.heapFitted}: over ${row.heapOver}, no leak ${row.heapUnder}, undecided ${row.heapUndecided}; `) +
      `slope first half ${row.medianFirstHalfMbPerMin} MB/min, second ${row.medianSecondHalfMbPerMin} (medians); judged ${row.judgedMbPerMin} MB/min, ` +
      `n* ${row.effectivePoints}; load ${row.loadAverage}, CPU-loop CV ${row.cpuLoopCvPercent} %\n`,
  )
}
await mkdir(path.resolve('bench/results'), { recursive: true })
await writeFile(
  path.resolve('bench/results/soak.json'),
  JSON.stringify({ replayedAt: new Date().toISOString(), limitBytesPerMin: limit, rows }, null, 2) + '\n',
)
