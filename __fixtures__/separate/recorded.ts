// The recorded runs beside this file: real results.json files of bench/separate-real.ts, read as the
// CLI reads a baseline.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Results } from '../../src/results/document.js'
import { parseResults } from '../../src/results/io.js'

/** `__fixtures__/separate/<name>.json`, parsed and checked against the results schema. */
export function recordedRun(name: string): Results {
  const file = path.join(import.meta.dirname, `${name}.json`)
  return parseResults(JSON.parse(readFileSync(file, 'utf8')), file)
}
