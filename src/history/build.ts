// Building the history: one run's points from its results, the previous history extended by this
// run, and the series a reader needs (the comparison's run-to-run spread here; trends and change
// points elsewhere). Pure: data in, data out.
import type { RunToRunHistory } from '../compare/compare.js'
import { roundsAtSpeed, roundValues } from '../compare/compare.js'
import { COMPARED_METRICS, type ComparedMetric } from '../compare/types.js'
import type { Environment, Results } from '../results/document.js'
import { medianInterval } from '../stats/median-interval.js'
import { median } from '../stats/stats.js'
import { HISTORY_VERSION, MAX_HISTORY_RUNS, type History, type HistoryEntry, type HistoryPoint, type HistoryRun } from './document.js'

/** `Test CPU @ 3.0GHz / 2 cores / linux 6.1.0 x64 / v20.20.2`: what makes two runners alike. */
export function runnerFingerprint(env: Environment): string {
  return [env.cpuModel, `${env.cores} cores`, env.os, env.node].join(' / ')
}

// Kept importable from here: the history was its first user.
export { medianInterval } from '../stats/median-interval.js'

/** One run as the history keeps it. */
export function historyRunOf(results: Results, runId?: number): HistoryRun {
  const entries: HistoryEntry[] = []
  for (const entry of results.entries) {
    const metrics: Partial<Record<ComparedMetric, HistoryPoint>> = {}
    const oneSpeed: Partial<Record<ComparedMetric, number>> = {}
    for (const metric of COMPARED_METRICS) {
      const values = roundValues(entry.rounds, metric)
      const point = values === undefined ? undefined : medianInterval(values)
      if (point !== undefined && point.low >= 0) metrics[metric] = point
      // The same median at one machine speed, where every valid round read the speed probe.
      const atSpeed = roundsAtSpeed(entry.rounds, metric)
      if (atSpeed !== undefined) oneSpeed[metric] = median(atSpeed.values)
    }
    if (Object.keys(metrics).length > 0)
      entries.push({ key: entry.key, metrics, ...(Object.keys(oneSpeed).length === 0 ? {} : { oneSpeed }) })
  }
  return {
    ...(results.git?.sha === undefined ? {} : { sha: results.git.sha }),
    date: results.createdAt,
    ...(runId === undefined ? {} : { runId }),
    runner: runnerFingerprint(results.environment),
    entries,
  }
}

/**
 * The history after this run: the previous one (of the same suite; another suite's is dropped)
 * with this run appended, a re-run of a workflow run replacing its earlier attempt, and only the
 * newest {@link MAX_HISTORY_RUNS} kept.
 */
export function extendHistory(previous: History | undefined, results: Results, runId?: number, max: number = MAX_HISTORY_RUNS): History {
  const kept = previous?.suite === results.suite ? previous.runs.filter((r) => runId === undefined || r.runId !== runId) : []
  const runs = [...kept, historyRunOf(results, runId)].slice(-Math.max(1, max))
  return { schemaVersion: HISTORY_VERSION, suite: results.suite, runs }
}

/** A history of one run, for when the previous history is missing or unreadable. */
export function historyFromResults(results: Results, runId?: number): History {
  return extendHistory(undefined, results, runId)
}

/** One metric of one entry over the history, oldest first, with the run each point came from. */
export function seriesOf(history: History, key: string, metric: ComparedMetric): { run: HistoryRun; point: HistoryPoint }[] {
  const series: { run: HistoryRun; point: HistoryPoint }[] = []
  for (const run of history.runs) {
    const point = run.entries.find((e) => e.key === key)?.metrics[metric]
    if (point !== undefined) series.push({ run, point })
  }
  return series
}

/**
 * The medians of every entry and metric, oldest first, as the comparison reads them, with the run each
 * came from; the same at one machine speed where the runs have them.
 */
export function runToRunOf(history: History): RunToRunHistory {
  const collect = (median: (entry: HistoryEntry, metric: ComparedMetric) => number | undefined): Omit<RunToRunHistory, 'oneSpeed'> => {
    const series = new Map<string, Partial<Record<ComparedMetric, number[]>>>()
    const labels = new Map<string, Partial<Record<ComparedMetric, string[]>>>()
    for (const run of history.runs) {
      // What the report names an outlier run by: its workflow run, or its date for runs without one.
      const label = run.runId === undefined ? run.date : `run ${run.runId}`
      for (const entry of run.entries) {
        const metrics = series.get(entry.key) ?? {}
        const names = labels.get(entry.key) ?? {}
        series.set(entry.key, metrics)
        labels.set(entry.key, names)
        for (const metric of COMPARED_METRICS) {
          const value = median(entry, metric)
          if (value === undefined) continue
          ;(metrics[metric] ??= []).push(value)
          ;(names[metric] ??= []).push(label)
        }
      }
    }
    return { runs: history.runs.length, series, labels }
  }
  const oneSpeed = collect((entry, metric) => entry.oneSpeed?.[metric])
  return { ...collect((entry, metric) => entry.metrics[metric]?.median), oneSpeed }
}
