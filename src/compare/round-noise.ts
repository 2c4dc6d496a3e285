// How much noise a round's value carries from its own seconds: a floor under the spread of same-job
// pairs (sequential.ts, "A floor under the spread").
//
// A round of five seconds records each second's throughput, latency percentiles and the app's CPU
// (RoundSeries). Were its seconds independent draws, the log of the round's value would vary by the
// variance of the log of its seconds over their number, and a pair's log-ratio by the sum of its two
// rounds'. The pairs' own spread then cannot honestly read much less than that: five pairs that agree
// to ±1.7 % where each round's seconds varied by ±10–19 % (a run of this machine's, 2026-12-04) agree
// by chance, and the t-sequence, which learns the spread from the pairs alone, takes the chance for
// precision. What each second measures is only roughly independent of the next (autocannon's ticks
// jitter on a busy loop, which makes neighbouring seconds trade requests), and the speed probe takes
// part of the machine's share out of the pairs, so the floor is a fraction of this figure
// (sequential.ts FLOOR_SHARE), not the figure itself.
import type { ComparedMetric } from './types.js'
import type { RoundResult } from '../results/document.js'
import { stddev } from '../stats/stats.js'

/**
 * Whole seconds a round needs for its variance to count. Two since 2026-12-05 (three before), when
 * the default round became 2.5 s, which records two: one round's two seconds make a rough variance,
 * but the floor sums it over every round of the pairs (sequential.ts spreadFloor), so one unlucky
 * second moves it by a share of one pair's. Replayed from the 2.5 s runs (bench/cpu-gate-replay.ts,
 * BENCH_ROUND=2.5s), the floor took the busy false alarms from 0.2 to 0.0 % and the +10 % catches
 * from 97.3 to 97.0 %; without it the default's rounds would have had none.
 */
export const NOISE_MIN_SECONDS = 2
// The app's CPU per second is recorded in whole per cent of a core; below this the rounding alone
// varies CPU per request by more than 3 % a second, which is not the app's noise.
const MIN_CPU_PERCENT = 10

/** A round's seconds of `metric` (all positive), where recorded: rps, p50, p99 and CPU per request. */
function secondsOf(round: RoundResult, metric: ComparedMetric): readonly number[] | undefined {
  const series = round.series
  // A spike's seconds (before, the burst, after) and a stress search's steps vary by design, not by
  // noise: only a steady load's seconds say how much the round's value can move.
  if (series === undefined || round.spike !== undefined || round.stress !== undefined) return undefined
  if (metric === 'rps') return series.rps
  if (metric === 'p50') return series.p50Us
  if (metric === 'p99') return series.p99Us
  if (metric === 'cpu') {
    const cpu = series.cpuPercent
    if (cpu === undefined || cpu.length !== series.rps.length || cpu.some((c) => c < MIN_CPU_PERCENT)) return undefined
    return cpu.map((c, i) => c / (series.rps[i] ?? NaN))
  }
  return undefined
}

/** The variance of the log of a round's value implied by its seconds; undefined where they do not give one. */
function roundLogVariance(round: RoundResult, metric: ComparedMetric): number | undefined {
  const seconds = secondsOf(round, metric)
  if (seconds === undefined || seconds.length < NOISE_MIN_SECONDS || !seconds.every((x) => x > 0 && Number.isFinite(x))) return undefined
  return stddev(seconds.map(Math.log)) ** 2 / seconds.length
}

/**
 * The SD of a pair's log-ratio head/base that its two rounds' seconds imply, or undefined where
 * either round lacks the seconds of this metric (files written before they were recorded, a second
 * without responses, an app mostly idle).
 */
export function pairNoise(base: RoundResult, head: RoundResult, metric: ComparedMetric): number | undefined {
  const b = roundLogVariance(base, metric)
  const h = roundLogVariance(head, metric)
  return b === undefined || h === undefined ? undefined : Math.sqrt(b + h)
}
