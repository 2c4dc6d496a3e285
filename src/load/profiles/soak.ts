// profile: soak. Long steady load; the server's memory and the latency are followed second by second
// through the window (after the warm-up, which the window excludes) and fitted with a robust slope.
// A steady climb of memory is a leak, of p99 a drift; both are checked against the scenario's
// thresholds (`leak`, `drift`) like any metric.
import type { RoundResult, SlopeFit } from '../../results/format.js'
import { theilSen, type Series } from '../../stats/theil-sen.js'

function perMinute(series: readonly Series[], scale: number): SlopeFit | undefined {
  const fit = theilSen(series)
  if (fit === undefined) return undefined
  const round = (value: number): number => Math.round(value * 60 * scale * 100) / 100
  return { perMinute: round(fit.slope), low: round(fit.low), high: round(fit.high), points: fit.points }
}

const seconds = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1)

/**
 * RSS growth (bytes per minute) and p99 drift (µs per minute) over the rounds' per-second series,
 * pairs taken within a round only. Seconds without a successful response carry no p99 and are left
 * out of the drift.
 */
export function fitSoak(rounds: readonly Pick<RoundResult, 'series'>[]): { rss?: SlopeFit; p99: SlopeFit } | undefined {
  const rss: Series[] = []
  const p99: Series[] = []
  for (const round of rounds) {
    const series = round.series
    if (series === undefined) continue
    if (series.rssKiB !== undefined && series.rssKiB.length > 1) rss.push({ x: seconds(series.rssKiB.length), y: series.rssKiB })
    const x: number[] = []
    const y: number[] = []
    series.p99Us.forEach((value, i) => {
      if ((series.rps[i] ?? 0) === 0) return
      x.push(i + 1)
      y.push(value)
    })
    p99.push({ x, y })
  }
  const p99Fit = perMinute(p99, 1)
  if (p99Fit === undefined) return undefined
  const rssFit = perMinute(rss, 1024)
  return rssFit === undefined ? { p99: p99Fit } : { rss: rssFit, p99: p99Fit }
}
