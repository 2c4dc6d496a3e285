// The files Cannonade reads back from an artifact (its own earlier runs', a fork's, a shard's), each
// with the most it may hold. Everything else in an artifact (the app's log, the report) is for
// people and is never unpacked by a later run.
import { downloadWanted, type ArtifactLocation, type Extracted, type WantedFile } from '../github/artifact.js'
import { ArtifactTooLargeError } from '../github/extract-zip.js'
import type { Results } from '../results/document.js'
import { readResults } from '../results/io.js'
import { HISTORY_FILE, type History } from '../history/document.js'
import { readHistorySalvaging } from '../history/io.js'
import { HANDOFF_FILE } from './handoff.js'
import { EnvironmentError, errorMessage } from '../errors.js'
import { BASE_RESULTS_FILE } from '../results/document.js'

/** results.json and base-results.json: every round with its histograms; a large suite is a few MB. */
export const MAX_RESULTS_BYTES = 64 * 1024 * 1024

/** The results of the run. */
export const RESULTS: WantedFile = { name: 'results.json', maxBytes: MAX_RESULTS_BYTES }

/** The base commit's results, with `baseline: same-job`. */
export const BASE_RESULTS: WantedFile = { name: BASE_RESULTS_FILE, maxBytes: MAX_RESULTS_BYTES }

/** The base branch's last runs (history/document.ts): 100 runs of a 50-entry suite are about 2 MB. */
export const HISTORY: WantedFile = { name: HISTORY_FILE, maxBytes: 16 * 1024 * 1024 }

/** The pull request a fork's run was for: two short fields. */
export const HANDOFF: WantedFile = { name: HANDOFF_FILE, maxBytes: 64 * 1024 }

/** How a file from an artifact is named in messages: its temporary path would mean nothing. */
export function sourceOf(location: ArtifactLocation, file: string): string {
  return `${file} (artifact ${location.name}${location.run === undefined ? '' : ` of run ${location.run.runId}`})`
}

/** Downloads an artifact and reads the results.json in it, leaving nothing on disk. */
export async function downloadResults(location: ArtifactLocation): Promise<Results> {
  const extracted = await downloadWanted(location, [RESULTS])
  try {
    const file = extracted.pathOf(RESULTS.name)
    if (file === undefined) throw new EnvironmentError(`the artifact ${location.name} holds no ${RESULTS.name}`)
    return await readResults(file, sourceOf(location, RESULTS.name))
  } finally {
    await extracted.cleanup()
  }
}

/** A baseline artifact's results, and its history or why it has none usable. */
export interface BaselineFiles {
  readonly results: Results
  readonly history: History | { readonly unusable: string }
  /** Runs of the history that could not be read and were dropped, with the first problem. */
  readonly dropped?: { readonly runs: number; readonly problem: string }
}

/**
 * Downloads a baseline artifact once and reads its results.json and history.json, leaving nothing on
 * disk. An unreadable results.json throws; a missing or unreadable history.json is only reported,
 * since the history can be rebuilt from the results.
 */
export async function downloadBaseline(location: ArtifactLocation): Promise<BaselineFiles> {
  let extracted: Extracted
  try {
    extracted = await downloadWanted(location, [RESULTS, HISTORY])
  } catch (error) {
    // An oversized history is no reason to lose the baseline: fetch the results alone.
    if (!(error instanceof ArtifactTooLargeError && error.message.startsWith(HISTORY.name))) throw error
    return { results: await downloadResults(location), history: { unusable: error.message } }
  }
  try {
    const file = extracted.pathOf(RESULTS.name)
    if (file === undefined) throw new EnvironmentError(`the artifact ${location.name} holds no ${RESULTS.name}`)
    const results = await readResults(file, sourceOf(location, RESULTS.name))
    const historyFile = extracted.pathOf(HISTORY.name)
    if (historyFile === undefined)
      return { results, history: { unusable: `it holds no ${HISTORY.name} (an older Cannonade, or a first run)` } }
    try {
      const read = await readHistorySalvaging(historyFile, sourceOf(location, HISTORY.name))
      const dropped = read.dropped > 0 ? { dropped: { runs: read.dropped, problem: read.problem ?? 'invalid' } } : {}
      return { results, history: read.history, ...dropped }
    } catch (error) {
      return { results, history: { unusable: errorMessage(error) } }
    }
  } finally {
    await extracted.cleanup()
  }
}
