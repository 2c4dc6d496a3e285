// Whether a same-job pair tells the whole truth, with one launch of each app for the run or with
// both apps started afresh before every pair (app.relaunch), read off the rounds bench/against-target.ts
// kept (bench/results/against-target/<app>-<time>-<mode>-<kind>/).
//
// For an unchanged head the true change is 0, so a run's mean pair log-ratio divided by its standard
// error (t) should look like a draw of a unit normal if the pairs are independent around the truth.
// An offset of one launch over the other is shared by every pair of the run: the pairs' spread does
// not contain it, so t spreads wider than 1 and grows with the pairs measured. The SD of t over
// unchanged runs is the factor by which the intervals are too narrow; the launch offset left beyond
// the pairs' noise is estimated from the mean squared offsets minus their squared standard errors.
//
// Run: npx tsx bench/relaunch.ts [APP]   (APP node or python; default node)
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseResults } from '../src/results/io.js'
import type { RoundResult } from '../src/results/document.js'
import { pairedValues } from '../src/compare/compare.js'
import { mean, stddev } from '../src/stats/stats.js'

const app = process.argv[2] ?? 'node'
const root = path.resolve('bench/results/against-target')
const cpuPerRequest = (r: RoundResult): number => ((r.server?.cpuPercent ?? NaN) * r.durationMs) / 100 / r.ok

interface Run {
  readonly mode: string
  readonly kind: string
  readonly pairs: number
  readonly metrics: Record<'rps' | 'cpu', { readonly change: number; readonly sd: number; readonly t: number }>
}

/**
 * A run's pairs as measured, and, when every round carries the speed probe's reading (app.cpus:
 * separate), also as the product compares them: adjusted for the machine's speed
 * (src/compare/speed-adjust.ts), as mode "<mode>, probe-adjusted".
 */
async function runsOf(folder: string, dir: string, mode: string, kind: string): Promise<Run[]> {
  const read = async (file: string): Promise<readonly RoundResult[]> =>
    parseResults(JSON.parse(await readFile(path.join(folder, dir, file), 'utf8')), file).entries[0]?.rounds ?? []
  const [base, head] = await Promise.all([read('base-results.json'), read('results.json')])
  const n = Math.min(base.length, head.length)
  if (n < 3) return []
  const pairsOf = (value: (r: RoundResult) => number): { base: number[]; head: number[] } => ({
    base: base.slice(0, n).map(value),
    head: head.slice(0, n).map(value),
  })
  const of = (values: { base: readonly number[]; head: readonly number[] }): Run['metrics']['rps'] => {
    const logs = values.head.map((h, i) => Math.log(h / (values.base[i] ?? NaN)))
    const sd = stddev(logs)
    return { change: mean(logs), sd, t: mean(logs) / (sd / Math.sqrt(n)) }
  }
  const runs: Run[] = [{ mode, kind, pairs: n, metrics: { rps: of(pairsOf((r) => r.rps)), cpu: of(pairsOf(cpuPerRequest)) } }]
  // As the product compares them (compare.ts pairedValues): valid rounds in pairs, adjusted when
  // every pair carries the probe's reading.
  const product = (metric: 'rps' | 'cpu'): { base: number[]; head: number[] } | undefined => pairedValues(base, head, metric)
  const [rps, cpu] = [product('rps'), product('cpu')]
  if (rps !== undefined && cpu !== undefined && [...base, ...head].every((r) => r.speedProbeUs !== undefined)) {
    runs.push({ mode: `${mode}, probe-adjusted`, kind, pairs: n, metrics: { rps: of(rps), cpu: of(cpu) } })
  }
  return runs
}

// The product's own mode (`decide`) was one launch a side until fresh apps became `auto`'s way, and
// is the padded heap, one launch a side, on glibc since 2026-12-04 15:36 UTC (src/load/schedule.ts
// withHeapPad); the runs kept from the hours in between were named by their mode.
const PAD_DEFAULT_SINCE = Date.UTC(2026, 11, 4, 15, 36)
const modeOf = (time: number, mode: string): string => (mode !== 'decide' ? mode : time >= PAD_DEFAULT_SINCE ? 'pad' : 'launch (before)')

// The runs with the apps pinned (app.cpus: separate, not the default) are kept apart, in
// bench/results/against-target-pinned/, so that the replays of against-target/ keep the default's
// schedule; those named `pinned` are read from there too.
const runs: Run[] = []
const pinnedRoot = path.resolve('bench/results/against-target-pinned')
for (const [folder, dir] of [
  ...(await readdir(root)).map((d) => [root, d] as const),
  ...(await readdir(pinnedRoot)).filter((d) => d.includes('-pinned-')).map((d) => [pinnedRoot, d] as const),
].sort((a, b) => a[1].localeCompare(b[1]))) {
  const match = new RegExp(`^${app}-(\\d+)-(relaunch|launch|decide|pad|pinned)-(same|slow\\d*)$`).exec(dir)
  if (match === null) continue
  runs.push(...(await runsOf(folder, dir, modeOf(Number(match[1]), match[2] ?? ''), match[3] ?? '')))
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${((Math.exp(x) - 1) * 100).toFixed(1)} %`
console.log(`## ${app}: one launch a side against fresh apps every pair\n`)
console.log('| mode | head | pairs | CPU per request: change, pair SD, t | req/s: change, pair SD, t |')
console.log('| --- | --- | ---: | --- | --- |')
for (const r of runs) {
  const cell = (m: Run['metrics']['rps']): string => `${pct(m.change)}, ${m.sd.toFixed(3)}, ${m.t.toFixed(1)}`
  console.log(`| ${r.mode} | ${r.kind} | ${r.pairs} | ${cell(r.metrics.cpu)} | ${cell(r.metrics.rps)} |`)
}
console.log("\nUnchanged heads, per mode: the SD of t (1 when the pairs tell the whole truth) and the offset beyond the pairs' noise.\n")
console.log('| mode | unchanged runs | metric | SD of t | RMS change | launch offset beyond the noise (SD) | median pair SD |')
console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: |')
for (const mode of [...new Set(runs.map((r) => r.mode))]) {
  const same = runs.filter((r) => r.mode === mode && r.kind === 'same')
  if (same.length < 2) continue
  for (const metric of ['cpu', 'rps'] as const) {
    const ms = same.map((r) => ({ ...r.metrics[metric], pairs: r.pairs }))
    const sdT = Math.sqrt(mean(ms.map((m) => m.t ** 2)))
    const rms = Math.sqrt(mean(ms.map((m) => m.change ** 2)))
    const beyond = Math.sqrt(Math.max(0, mean(ms.map((m) => m.change ** 2 - m.sd ** 2 / m.pairs))))
    const sds = ms.map((m) => m.sd).sort((a, b) => a - b)
    const medianSd = sds[Math.floor(sds.length / 2)] ?? NaN
    console.log(
      `| ${mode} | ${same.length} | ${metric === 'cpu' ? 'CPU per request' : 'req/s'} | ${sdT.toFixed(2)} | ${(rms * 100).toFixed(1)} % | ${(beyond * 100).toFixed(1)} % | ${medianSd.toFixed(3)} |`,
    )
  }
}
