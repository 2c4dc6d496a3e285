// Reading and writing results.json. Reading validates against src/results/schema.json, so a wrong
// version or a corrupt file stops with a message instead of producing nonsense comparisons.
import { documentKind, parseDocument, readDocument, writeDocument } from '../json-document.js'
import { SCHEMA_VERSION, type Results } from './document.js'
import schema from './schema.json' with { type: 'json' }

/** results.json as a kind of document; its schema is compiled once (src/schema-validator.ts). */
export const RESULTS = documentKind<Results>('results', SCHEMA_VERSION, schema)

/** Checks parsed JSON against the results schema; `source` names it in messages. */
export function parseResults(data: unknown, source: string): Results {
  return parseDocument(RESULTS, data, source)
}

/** Reads and validates a results file; `source` names it in messages (default: its path). */
export function readResults(file: string, source = file): Promise<Results> {
  return readDocument(RESULTS, file, source)
}

/** Writes results atomically (a reader never sees half a file), indented for people who open it. */
export function writeResults(file: string, results: Results): Promise<void> {
  return writeDocument(file, results, 2)
}
