// Reading and writing history.json. Reading validates against src/history/schema.json: the file
// comes from another run's artifact, so it is bounded and checked before anything uses it.
import { documentKind, parseDocument, readDocument, writeDocument } from '../json-document.js'
import { errorMessage } from '../errors.js'
import { readInputFile } from '../input-file.js'
import { HISTORY_VERSION, type History } from './document.js'
import schema from './schema.json' with { type: 'json' }

/** history.json as a kind of document; its schema is compiled once (src/schema-validator.ts). */
export const HISTORY = documentKind<History>('history', HISTORY_VERSION, schema)

/** Checks parsed JSON against the history schema; `source` names it in messages. */
export function parseHistory(data: unknown, source: string): History {
  return parseDocument(HISTORY, data, source)
}

/** Reads and validates a history file; `source` names it in messages (default: its path). */
export function readHistory(file: string, source = file): Promise<History> {
  return readDocument(HISTORY, file, source)
}

/** Writes a history atomically; compact, since it is carried from artifact to artifact. */
export function writeHistory(file: string, history: History): Promise<void> {
  return writeDocument(file, history, 0)
}

/** A history read back, with what had to be dropped to read it. */
export interface SalvagedHistory {
  readonly history: History
  /** Runs that failed validation and were left out (0 when the file was whole). */
  readonly dropped: number
  /** The first problem of a dropped run, for the notice. */
  readonly problem?: string
}

/**
 * Reads a history, keeping what can be kept: when the file is valid JSON of this version and suite
 * but some runs fail validation (a truncated upload, a hand edit, a bug), the valid runs are kept
 * and the rest counted. Each kept run is validated on its own, so nothing unchecked gets through.
 * Throws, like {@link readHistory}, when nothing can be kept.
 */
export async function readHistorySalvaging(file: string, source = file): Promise<SalvagedHistory> {
  let whole: unknown
  try {
    return { history: await readHistory(file, source), dropped: 0 }
  } catch (error) {
    whole = error
  }
  let data: unknown
  try {
    data = JSON.parse(await readInputFile(file))
  } catch {
    throw whole
  }
  // Another version, or no list of runs: there is nothing to keep.
  if (typeof data !== 'object' || data === null || !('runs' in data) || !Array.isArray(data.runs)) throw whole
  if (!('schemaVersion' in data) || data.schemaVersion !== HISTORY_VERSION) throw whole
  const suite = 'suite' in data ? data.suite : undefined
  const runs: History['runs'][number][] = []
  let problem: string | undefined
  for (const [index, run] of data.runs.entries()) {
    try {
      const one = parseHistory({ schemaVersion: HISTORY_VERSION, suite, runs: [run] }, source)
      runs.push(...one.runs)
    } catch (error) {
      // Checked alone, the run is runs[0]: name it where it is in the file.
      problem ??= errorMessage(error).replace('runs[0]', `runs[${index}]`)
    }
  }
  if (runs.length === 0) throw whole
  // Valid one by one is not yet valid together (the number of runs is bounded too).
  const kept = parseHistory({ schemaVersion: HISTORY_VERSION, suite, runs }, source)
  return { history: kept, dropped: data.runs.length - runs.length, ...(problem === undefined ? {} : { problem }) }
}
