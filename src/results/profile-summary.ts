// How a spike's and a soak's findings follow from an entry's rounds (src/load/profiles/ measures
// them; shards merged from several jobs sum their pooled rounds up again by the same rule).
//
// Soak: the server's memory and the latency, followed second by second through the window (after
// the warm-up, which the window excludes), are fitted with a robust slope whose interval allows for
// the series' serial correlation (stats/theil-sen.ts). A steady climb of memory is a leak, of p99 a
// drift; both are checked against the scenario's thresholds (`leak`, `drift`).
//
// Memory is judged on the later half of each window only. A runtime's heap grows to its working
// size and then stays there (V8 sizing its old generation, CPython's allocator taking arenas): that
// growth slows down over the window, while a leak grows at the same rate throughout. Measured on
// this machine (bench/soak.ts, README "soak"): over 3-minute windows after a 30 s warm-up, the
// clean routes of a Node and a FastAPI app grew in the first half and stood still in the second,
// while a route keeping 1 KB a request grew alike in both halves.
import { median } from '../stats/stats.js'
import { theilSen, type Series } from '../stats/theil-sen.js'
import type { ProfileSummary, RoundResult, SlopeFit } from './document.js'

/** The rounds findings come from: the valid ones, or all of them when none is valid. */
export function findingRounds<T extends Pick<RoundResult, 'valid'>>(rounds: readonly T[]): readonly T[] {
  const valid = rounds.filter((r) => r.valid)
  return valid.length > 0 ? valid : rounds
}

/** A spike's findings: the median over rounds of each round's burst and recovery. */
export function summariseSpike(rounds: readonly Pick<RoundResult, 'spike'>[]): ProfileSummary | undefined {
  const spikes = rounds.flatMap((r) => (r.spike === undefined ? [] : [r.spike]))
  if (spikes.length === 0) return undefined
  const at = (pick: (s: (typeof spikes)[number]) => number): number => median(spikes.map(pick))
  return {
    kind: 'spike',
    recoveryMs: at((s) => s.recoveryMs),
    burstP99Us: at((s) => s.burstP99Us),
    burstErrorRate: at((s) => s.burstErrorRate),
    beforeP99Us: at((s) => s.beforeP99Us),
    unrecovered: spikes.filter((s) => !s.recovered).length,
  }
}

/**
 * A window of at least this many seconds has its memory judged on its later half (the file's
 * comment says why); a shorter one (a smoke soak) on all of it, too short to tell sizing from a leak.
 */
export const LATER_HALF_MIN_SECONDS = 20

function perMinute(series: readonly Series[], scale: number, fromSecond?: number): SlopeFit | undefined {
  const fit = theilSen(series)
  if (fit === undefined) return undefined
  const round = (value: number): number => Math.round(value * 60 * scale * 100) / 100
  return {
    perMinute: round(fit.slope),
    low: round(fit.low),
    high: round(fit.high),
    points: fit.points,
    effectivePoints: Math.round(fit.effectivePoints * 10) / 10,
    ...(fromSecond === undefined ? {} : { fromSecond }),
  }
}

/** The seconds of a window from `from` (1-based), with their values. */
function secondsFrom(values: readonly number[], from: number): Series {
  return { x: values.slice(from - 1).map((_, i) => from + i), y: values.slice(from - 1) }
}

/** The first second of a window of `n` seconds that memory is judged from. */
export function memoryFrom(n: number): number {
  return n >= LATER_HALF_MIN_SECONDS ? Math.floor(n / 2) + 1 : 1
}

/**
 * RSS growth (bytes per minute) over the later half of each round's window, p99 drift (µs per minute)
 * over all of it, pairs taken within a round only. Seconds without a successful response carry no
 * p99 and are left out of the drift.
 */
export function fitSoak(
  rounds: readonly Pick<RoundResult, 'series' | 'heap'>[],
): { rss?: SlopeFit; heap?: SlopeFit; p99: SlopeFit } | undefined {
  const rss: Series[] = []
  const heap: Series[] = []
  const p99: Series[] = []
  let from: number | undefined
  for (const round of rounds) {
    const series = round.series
    if (series === undefined) continue
    // A Node app's heap after each full collection, over the same later half as RSS (the points are
    // seconds from the window's start: second s of the window is the interval (s − 1, s]).
    if (round.heap !== undefined) {
      const start = memoryFrom(series.rps.length)
      const x: number[] = []
      const y: number[] = []
      round.heap.seconds.forEach((second, i) => {
        if (second < start - 1) return
        x.push(second)
        y.push(round.heap?.usedKiB[i] ?? 0)
      })
      if (x.length > 0) heap.push({ x, y })
    }
    if (series.rssKiB !== undefined && series.rssKiB.length > 1) {
      const start = memoryFrom(series.rssKiB.length)
      from = from === undefined ? start : Math.min(from, start)
      rss.push(secondsFrom(series.rssKiB, start))
    }
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
  const fromSecond = from === undefined || from === 1 ? undefined : from
  const rssFit = perMinute(rss, 1024, fromSecond)
  const heapPoints = heap.reduce((n, series) => n + series.x.length, 0)
  const heapFit = heapPoints < MIN_HEAP_POINTS ? undefined : perMinute(heap, 1024, fromSecond)
  return { ...(rssFit === undefined ? {} : { rss: rssFit }), ...(heapFit === undefined ? {} : { heap: heapFit }), p99: p99Fit }
}

/**
 * Fewer full collections than this in the judged half leave the heap unfitted: a slope through two or
 * three points says little (a quiet app may collect once a minute).
 */
export const MIN_HEAP_POINTS = 5

/**
 * An entry's findings again after its rounds were pooled (shards merged): spike and soak are summed
 * up from the rounds; a volume entry's rates are medians of per-round rates whose request size only
 * the scenario knows, so they are kept as the first part measured them.
 */
export function refreshFindings(previous: ProfileSummary | undefined, rounds: readonly RoundResult[]): ProfileSummary | undefined {
  const used = findingRounds(rounds)
  if (previous?.kind === 'spike') return summariseSpike(used)
  if (previous?.kind === 'soak') {
    const fit = fitSoak(used)
    return fit === undefined ? undefined : { kind: 'soak', ...fit }
  }
  return previous
}
