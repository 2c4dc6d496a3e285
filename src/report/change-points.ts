// Change points on the base branch in words: one sentence per change for annotations and the log,
// and a section for the job summary of a push run. Pure: data in, text out.
import { CHANGE_POINT_SUITE_ALPHA, type HistoryChange, type NewestChanges, type RunRef } from '../history/change-points.js'
import { comparedMetricLabel } from './change.js'
import { formatComparedValue, plural } from './rows.js'
import { escapeMarkdown } from './markdown.js'

/** The title of a change point's annotation. */
export const CHANGE_POINT_TITLE = 'Cannonade: change point'

function runName(run: RunRef): string {
  if (run.sha !== undefined) return run.sha.slice(0, 7)
  return run.runId === undefined ? run.date : `run ${run.runId}`
}

/** `abc1234..def5678`: the commits between the run before and the run that moved. */
export function commitRange(change: Pick<HistoryChange, 'previous' | 'current'>): string {
  return `${runName(change.previous)}..${runName(change.current)}`
}

/** True when the change makes the service slower: less throughput or more latency. */
export function isSlower(change: Pick<HistoryChange, 'metric' | 'before' | 'after'>): boolean {
  return change.metric === 'rps' ? change.after < change.before : change.after > change.before
}

function signedPercent(fraction: number): string {
  const pct = fraction * 100
  const digits = Math.abs(pct) < 10 ? 1 : 0
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(digits)} %`
}

/**
 * One change point in a sentence: `cpu work @ 4 conn: latency p99 stepped +210 % at abc1234..def5678
 * (1.20 ms → 3.72 ms), beyond the run-to-run spread of ±4.1 % over the 5 runs before`.
 */
export function changePointSentence(change: HistoryChange): string {
  const move = change.after / change.before - 1
  const spread = Math.expm1(change.sigma)
  return (
    `${change.key}: ${comparedMetricLabel(change.metric)} stepped ${signedPercent(move)} at ${commitRange(change)} ` +
    `(${formatComparedValue(change.metric, change.before)} → ${formatComparedValue(change.metric, change.after)}), ` +
    `${isSlower(change) ? 'slower' : 'faster'}, beyond the run-to-run spread of ±${(spread * 100).toFixed(1)} % over the ${plural(change.segmentRuns, 'run')} before`
  )
}

/**
 * The job summary's section on change points, for a push run; empty when there are none, so a
 * quiet base branch adds nothing to the summary.
 */
export function changePointsMarkdown(found: NewestChanges, branch: string | undefined): string {
  if (found.changes.length === 0) return ''
  const where = branch === undefined ? 'the base branch' : `<code>${escapeMarkdown(branch)}</code>`
  const lines = [
    `### Change points on ${where}`,
    '',
    `This run moved ${plural(found.changes.length, 'metric')} beyond the spread of the runs before it:`,
    '',
    ...found.changes.map((c) => `- ${isSlower(c) ? '🔺' : '🔻'} ${escapeMarkdown(changePointSentence(c))}`),
    '',
    `<sub>Tested: throughput, p50 and p99 of each entry against the runs since its last change point (${plural(found.tested, 'series', 'series')}), ` +
      `at most ${(CHANGE_POINT_SUITE_ALPHA * 100).toFixed(0)} % of push runs of an unchanged suite flagged. ` +
      'A step back at the next run means this one was an outlier.</sub>',
  ]
  return lines.join('\n')
}
