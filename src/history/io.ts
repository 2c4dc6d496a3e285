// Reading and writing history.json. Reading validates against src/history/schema.json: the file
// comes from another run's artifact, so it is bounded and checked before anything uses it.
import { documentKind, parseDocument, readDocument, writeDocument } from '../json-document.js'
import { HISTORY_VERSION, type History } from './format.js'
import schema from './schema.json' with { type: 'json' }

const HISTORY = documentKind<History>('history', HISTORY_VERSION, schema)

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
