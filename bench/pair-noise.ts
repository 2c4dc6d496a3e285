// Less noise per pair, measured on rounds already recorded by bench/against-target.ts
// (bench/results/against-target/*/results.json and base-results.json): the SD of the pair
// log-ratio of req/s as the product computes it (the round's mean), against robust or adjusted
// alternatives computed from the same rounds:
//   - per-second median: the median of the round's per-second req/s (a stalled second of a busy
//     machine moves a mean, not a median);
//   - CPU per request: the app's CPU time per response, which a machine that lends the app less CPU
//     changes less than it changes req/s (a machine-speed adjustment that needs no probe);
//   - shorter rounds: the first half of the round's seconds only, to see how the SD grows when a
//     round is halved (more pairs in the same time pay off only if it grows by less than √2).
// A smaller SD means fewer pairs for the same interval (pairs ∝ SD²).
//
// Run: npx tsx bench/pair-noise.ts   (after bench/against-target.ts)
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseResults } from '../src/results/io.js'
import type { RoundResult } from '../src/results/document.js'

const root = path.resolve('bench/results/against-target')
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2
}
const sdOf = (ys: readonly number[]): number => {
  const finite = ys.filter(Number.isFinite)
  const mean = finite.reduce((s, y) => s + y, 0) / finite.length
  return Math.sqrt(finite.reduce((s, y) => s + (y - mean) ** 2, 0) / (finite.length - 1))
}

const measures: Record<string, (r: RoundResult) => number> = {
  'round mean req/s (the product)': (r) => r.rps,
  'per-second median req/s': (r) => median(r.series?.rps ?? []),
  'CPU per request (inverse)': (r) => (r.server === undefined ? NaN : r.ok / ((r.server.cpuPercent * r.durationMs) / 100)),
  'first half of the round, req/s': (r) => {
    const rps = r.series?.rps ?? []
    const half = rps.slice(0, Math.max(1, Math.floor(rps.length / 2)))
    return half.reduce((s, x) => s + x, 0) / half.length
  },
}

const columns = [...Object.keys(measures), 'req/s adjusted by CPU share (CUPED)']
const lines = [`| run | pairs | ${columns.join(' | ')} |`, `| --- | ---: | ${columns.map(() => '---:').join(' | ')} |`]
const all: Record<string, number[]> = {}
for (const dir of (await readdir(root)).sort()) {
  let head: RoundResult[]
  let base: RoundResult[]
  try {
    const read = async (file: string): Promise<RoundResult[]> =>
      parseResults(JSON.parse(await readFile(path.join(root, dir, file), 'utf8')), file).entries[0]?.rounds.slice() ?? []
    head = await read('results.json')
    base = await read('base-results.json')
  } catch {
    continue
  }
  const n = Math.min(head.length, base.length)
  const cells = Object.entries(measures).map(([name, f]) => {
    const sd = sdOf(Array.from({ length: n }, (_, i) => Math.log(f(head[i] as RoundResult) / f(base[i] as RoundResult))))
    ;(all[name] ??= []).push(sd)
    return sd.toFixed(3)
  })
  // CUPED-style: the req/s log-ratio adjusted by the app's CPU-share log-ratio (how much CPU the
  // machine lent each side), with the slope fitted over the run's pairs. A CPU-bound app's share does
  // not depend on how costly its requests are (it is saturated either way), only on the machine.
  const y = Array.from({ length: n }, (_, i) => Math.log((head[i] as RoundResult).rps / (base[i] as RoundResult).rps))
  const x = Array.from({ length: n }, (_, i) => Math.log((head[i]?.server?.cpuPercent ?? NaN) / (base[i]?.server?.cpuPercent ?? NaN)))
  const mx = x.reduce((a, b) => a + b, 0) / n
  const my = y.reduce((a, b) => a + b, 0) / n
  const theta = x.reduce((a, xi, i) => a + (xi - mx) * ((y[i] ?? 0) - my), 0) / x.reduce((a, xi) => a + (xi - mx) ** 2, 0)
  const adjusted = sdOf(y.map((yi, i) => yi - theta * ((x[i] ?? 0) - mx)))
  ;(all['req/s adjusted by CPU share (CUPED)'] ??= []).push(adjusted)
  cells.push(`${adjusted.toFixed(3)} (θ ${theta.toFixed(2)})`)
  lines.push(`| ${dir} | ${n} | ${cells.join(' | ')} |`)
}
lines.push(`| median | | ${columns.map((k) => median(all[k] ?? []).toFixed(3)).join(' | ')} |`)
console.log(lines.join('\n'))
