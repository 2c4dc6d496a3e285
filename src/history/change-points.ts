// Change points on the base branch: which entries' metrics the newest run of the history moved
// beyond the spread of the runs before it (the rule and its error rates: stats/change-point.ts).
// Pure: a history in, the changes at its newest run out.
import type { ComparedMetric } from '../compare/types.js'
import { changePoints } from '../stats/change-point.js'
import { seriesOf } from './build.js'
import type { History, HistoryRun } from './document.js'

/**
 * The metrics tested: throughput and two latencies say whether a service got slower. Error rate is
 * mostly 0 (no log scale), and CPU and memory are reported by the comparison, not tested here.
 */
export const CHANGE_POINT_METRICS = ['rps', 'p50', 'p99'] as const satisfies readonly ComparedMetric[]

/**
 * False change points per push run of a whole suite, at most: about one note in 50 pushes of a
 * suite that did not change. Split over the series tested (Bonferroni), halved again because the
 * rule flags a run with probability below 2α (stats/change-point.ts).
 */
export const CHANGE_POINT_SUITE_ALPHA = 0.02

/** A run as a change point names it. */
export interface RunRef {
  readonly sha?: string
  readonly runId?: number
  readonly date: string
}

/** One entry's metric stepped at the newest run. */
export interface HistoryChange {
  readonly key: string
  readonly metric: (typeof CHANGE_POINT_METRICS)[number]
  /** The run before (the start of the commit range) and the newest run (its end). */
  readonly previous: RunRef
  readonly current: RunRef
  /** The old level (geometric mean of the runs since the last change) and the newest median. */
  readonly before: number
  readonly after: number
  /** Runs the old level came from. */
  readonly segmentRuns: number
  /** The run-to-run spread (σ of the log median) the move was judged against. */
  readonly sigma: number
  readonly pValue: number
}

/** The change points at the newest run, and how the suite's false-alarm budget was split. */
export interface NewestChanges {
  readonly changes: readonly HistoryChange[]
  /** Series tested (entries × metrics of the newest run). */
  readonly tested: number
  /** Level each series was tested at. */
  readonly alpha: number
}

function refOf(run: HistoryRun): RunRef {
  return { ...(run.sha === undefined ? {} : { sha: run.sha }), ...(run.runId === undefined ? {} : { runId: run.runId }), date: run.date }
}

/**
 * The entries' metrics whose newest run is a change point. Runs on another runner than the run
 * before them start a new segment (a different machine is not a change of the code) and are not
 * tested; so are series with fewer than five runs of one segment.
 */
export function changePointsAtNewest(history: History, suiteAlpha: number = CHANGE_POINT_SUITE_ALPHA): NewestChanges {
  const newest = history.runs.at(-1)
  if (newest === undefined) return { changes: [], tested: 0, alpha: suiteAlpha }
  const targets = newest.entries.flatMap((entry) =>
    CHANGE_POINT_METRICS.filter((metric) => (entry.metrics[metric]?.median ?? 0) > 0).map((metric) => ({ key: entry.key, metric })),
  )
  const alpha = suiteAlpha / (2 * Math.max(1, targets.length))
  const changes: HistoryChange[] = []
  for (const { key, metric } of targets) {
    const series = seriesOf(history, key, metric).filter((s) => s.point.median > 0)
    const last = series.at(-1)
    const previous = series.at(-2)
    if (last === undefined || previous === undefined || last.run !== newest) continue
    const breaks = series.map((s, i) => i > 0 && s.run.runner !== series[i - 1]?.run.runner)
    const found = changePoints(
      series.map((s) => s.point.median),
      alpha,
      breaks,
    ).find((c) => c.index === series.length - 1)
    if (found === undefined) continue
    changes.push({
      key,
      metric,
      previous: refOf(previous.run),
      current: refOf(newest),
      before: found.before,
      after: found.after,
      segmentRuns: found.segmentRuns,
      sigma: found.sigma,
      pValue: found.pValue,
    })
  }
  return { changes, tested: targets.length, alpha }
}
