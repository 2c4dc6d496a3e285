// The app's access to its CPU (server.cpuAccess, recorded since 2026-12-05 23:10) in the product's own
// runs: for every kept run --against run of bench/against-target.ts whose every round read both the
// speed probe and the access, the pairs' SD of Δ log req/s and Δ log p50 raw, after the probe and
// after probe and access (least squares over the whole run, an upper bound on what a predictable fit
// takes out), the fitted slopes, and the mean Δ log access (a head that computes more should not move
// it). Prints a markdown table.
//
// Run: npx tsx bench/cpu-access-kept.ts [since ISO time, default 2026-12-05T23:00Z]
import type { RoundResult } from '../src/results/document.js'
import { mean, stddev } from '../src/stats/stats.js'
import { keptRuns, startOf } from './kept-runs.js'
import { fit } from './least-squares.js'

const SINCE = Date.parse(process.argv[2] ?? '2026-12-05T23:00:00Z')
const lines = [
  '| run | pairs | req/s SD raw / probe / probe + access | slope on access | p50 SD raw / probe / probe + access | mean Δ log access | mean Δ log CPU per request |',
  '| --- | ---: | --- | ---: | --- | ---: | ---: |',
]
for (const { folder, name, base, head } of keptRuns().filter((run) => startOf(run) >= SINCE)) {
  const pairs = head.flatMap((h, i): [RoundResult, RoundResult][] => {
    const b = base[i]
    const read = (r: RoundResult): boolean => r.valid && (r.speedProbeUs ?? 0) > 0 && (r.server?.cpuAccess ?? 0) > 0
    return b !== undefined && read(b) && read(h) ? [[b, h]] : []
  })
  if (pairs.length < 5) continue
  const log = (of: (r: RoundResult) => number): number[] => pairs.map(([b, h]) => Math.log(of(h) / of(b)))
  const x1 = log((r) => r.speedProbeUs ?? NaN)
  const x2 = log((r) => r.server?.cpuAccess ?? NaN)
  const sds = (y: number[]): string => `${stddev(y).toFixed(3)} / ${fit(y, [x1]).sd.toFixed(3)} / ${fit(y, [x1, x2]).sd.toFixed(3)}`
  const rps = log((r) => r.rps)
  lines.push(
    `| ${folder}/${name} | ${pairs.length} | ${sds(rps)} | ${fit(rps, [x1, x2]).coef[2]?.toFixed(2)} | ${sds(log((r) => r.latencyUs.p50))} | ${mean(x2).toFixed(3)} | ${mean(log((r) => r.server?.cpuUsPerRequest ?? NaN)).toFixed(3)} |`,
  )
}
console.log(lines.join('\n'))
