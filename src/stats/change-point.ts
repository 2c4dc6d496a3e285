/**
 * Change points in a series of run medians (oldest first): the run at which a metric stepped to a
 * new level and stayed beyond what the series' own run-to-run spread explains.
 *
 * The rule is a sequential prediction test (a Shewhart chart with estimated parameters; D. C.
 * Montgomery, "Introduction to Statistical Quality Control", 7th ed., §6.4 on charts for individual
 * measurements, whose moving-range spread this shares), replayed over the whole series so that the
 * answer for the newest run never depends on state kept anywhere but the series itself:
 *
 * - work on log medians, where a 2× step is the same size at 1 ms and at 1 s;
 * - walk the series in order, keeping the current segment (the runs since the last change point);
 * - the run-to-run spread σ̂ is the mean square successive difference (von Neumann et al. 1941;
 *   compare/run-to-run.ts says why it fits drift between runs) of every pair of consecutive runs
 *   before run t that lies within one segment: a step found earlier, or a known break (another
 *   runner), never counts as noise;
 * - run t is a change point when its log median departs from the mean of the current segment by
 *   more than the two-sided Student t quantile at level α with ν = 2D²/(3D − 1) degrees of freedom
 *   (D the differences used; the χ² approximation of the MSSD in run-to-run.ts), scaled by
 *   σ̂·√(1 + 1/m) for a segment of m runs, and the move is at least {@link MIN_CHANGE} of the level;
 * - a change point starts a new segment; a known break starts one without being reported.
 *
 * No opinion is given before {@link MIN_SPREAD_DIFFERENCES} differences are known (five runs of one
 * segment): with fewer, the spread is a guess.
 *
 * False alarms: for independent normal noise the newest run's log median is independent of the
 * segment's mean and of the successive differences' contrasts, so a first alarm comes with
 * probability close to α (the MSSD's χ² approximation is the only approximation). A false alarm on
 * an outlier run has an echo: the next run, back at the old level, is a change point back. Seeded
 * simulation (__tests__/stats/change-point.test.ts), 20,000 series of 30 runs at σ = 0.1: at α = 1 %,
 * 1.19 % of runs are first alarms and 0.35 % echoes, and the newest run is flagged in 1.8 %; at
 * α = 0.1 %, 0.08 % and 0.015 %, newest 0.16 %. The rule is scale free (σ = 0.05 and 0.3 alike). So
 * a run is flagged with probability below 2α, and history/change-points.ts spends α/2 per series.
 *
 * Power, same simulation at σ = 0.1 (the newest run stepped): after 5 runs (ν = 2.9), 3× slower or
 * faster is caught in 94 % at α = 1 % and 55 % at α = 0.2 %, 1.5× in 25 % and 5 %; after 20 runs
 * (ν = 12.7), 1.5× in 80 % and 55 %, 1.3× in 35 % and 17 %, 3× always. Steps smaller than the spread
 * are not found at the commit that made them; the trend in the pull request comment shows them.
 *
 * Heavy-tailed noise (a runner that is sometimes much slower) flags more often than α; an outlier
 * run becomes a change point, and the next run, back at the old level, is then measured against a
 * segment of one and is a change point back. Both name their commits, so a reader sees a blip.
 */
import { studentTUpperTail } from './distributions.js'

/** Fewer within-segment successive differences than this and the spread is too uncertain to test. */
export const MIN_SPREAD_DIFFERENCES = 4

/** The smallest move worth calling a change point, relative to the segment's level (10 %). */
export const MIN_CHANGE = 0.1

/** A change point: the run at `index` moved away from the segment before it. */
export interface ChangePoint {
  /** Position in the series of the first run at the new level. */
  readonly index: number
  /** Geometric mean of the segment before it (the old level), in the series' unit. */
  readonly before: number
  /** The value at `index`. */
  readonly after: number
  /** Runs in the segment before it. */
  readonly segmentRuns: number
  /** The run-to-run spread used: σ̂ of the log value, and the differences it came from. */
  readonly sigma: number
  readonly differences: number
  /** Two-sided p-value of the move under no change. */
  readonly pValue: number
}

/**
 * Replays the change-point rule over a series of positive values (oldest first) at level `alpha`
 * per run, returning every change point found, oldest first. `breaks[t]` true means run t is known
 * to differ from run t − 1 (another machine): it starts a new segment and is not tested.
 */
export function changePoints(values: readonly number[], alpha: number, breaks: readonly boolean[] = []): ChangePoint[] {
  const logs = values.map(Math.log)
  const found: ChangePoint[] = []
  let start = 0
  let squares = 0
  let differences = 0
  for (let t = 1; t < logs.length; t++) {
    const x = logs[t] ?? NaN
    if (!Number.isFinite(x) || !Number.isFinite(logs[t - 1] ?? NaN)) {
      // A value that cannot be logged breaks the series rather than poisoning its spread.
      start = t
      continue
    }
    if (breaks[t] === true) {
      start = t
      continue
    }
    const change = differences >= MIN_SPREAD_DIFFERENCES ? testRun(logs, start, t, squares, differences, alpha) : undefined
    if (change !== undefined) {
      found.push({ ...change, after: values[t] ?? change.after })
      start = t
      continue
    }
    squares += (x - (logs[t - 1] ?? x)) ** 2
    differences++
  }
  return found
}

// Tests run t against the segment [start, t): the prediction interval of one more run at its level.
function testRun(
  logs: readonly number[],
  start: number,
  t: number,
  squares: number,
  differences: number,
  alpha: number,
): ChangePoint | undefined {
  const segment = logs.slice(start, t)
  const m = segment.length
  const level = segment.reduce((a, b) => a + b, 0) / m
  const x = logs[t] ?? level
  const move = x - level
  if (Math.abs(Math.expm1(move)) < MIN_CHANGE) return undefined
  const sigma = Math.sqrt(squares / (2 * differences))
  const df = (2 * differences ** 2) / (3 * differences - 1)
  const scale = sigma * Math.sqrt(1 + 1 / m)
  // A spread of exactly zero (identical runs, as only synthetic data has) makes any move beyond MIN_CHANGE a change.
  const pValue = scale > 0 ? Math.min(1, 2 * studentTUpperTail(Math.abs(move) / scale, df)) : 0
  if (pValue > alpha) return undefined
  return { index: t, before: Math.exp(level), after: Math.exp(x), segmentRuns: m, sigma, differences, pValue }
}
