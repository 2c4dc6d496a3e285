// The push-run step of the history: a push to the base branch carries the branch's history forward
// (the previous run's, plus this one) and looks for change points at this run. Pure: the previous
// history and this run's results in, the history to store and what moved out.
import { errorMessage } from '../errors.js'
import type { Results } from '../results/document.js'
import { extendHistory } from './build.js'
import { changePointsAtNewest, type NewestChanges } from './change-points.js'
import type { History } from './document.js'

/** The history a push run stores, and the change points at it or why they could not be looked for. */
export interface PushHistory {
  readonly history: History
  /** Undefined when the change-point rule could not read the history (`problem` says why). */
  readonly changes?: NewestChanges
  readonly problem?: string
}

/**
 * Extends `previous` (undefined: a first run, or none usable) with this run's results as run
 * `runId`, keeping the newest `keep` runs, and finds the change points at this run. A history the
 * change-point rule cannot read is no reason to lose the run's other reports: it becomes `problem`.
 */
export function pushHistory(previous: History | undefined, results: Results, runId: number | undefined, keep: number): PushHistory {
  const history = extendHistory(previous, results, runId, keep)
  try {
    return { history, changes: changePointsAtNewest(history) }
  } catch (error) {
    return { history, problem: errorMessage(error) }
  }
}
