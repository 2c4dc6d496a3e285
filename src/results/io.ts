// Reading and writing results.json. Reading validates against src/results/schema.json, so a wrong
// version or a corrupt file stops with a message instead of producing nonsense comparisons.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { formatPath } from '../document-path.js'
import { InputError } from '../errors.js'
import { readInputFile } from '../input-file.js'
import { SCHEMA_VERSION, type Results } from './format.js'
import schema from './schema.json' with { type: 'json' }

let compiled: ValidateFunction<Results> | undefined

function validator(): ValidateFunction<Results> {
  compiled ??= new Ajv2020({ allErrors: false, strict: true }).compile<Results>(schema)
  return compiled
}

/** Checks parsed JSON against the results schema; `source` names it in messages. */
export function parseResults(data: unknown, source: string): Results {
  if (typeof data === 'object' && data !== null && 'schemaVersion' in data && data.schemaVersion !== SCHEMA_VERSION) {
    throw new InputError([
      `${source}: schemaVersion ${JSON.stringify(data.schemaVersion)} is not supported; this Cannonade reads version ${SCHEMA_VERSION}`,
    ])
  }
  const validate = validator()
  if (validate(data)) return data
  const problems = (validate.errors ?? []).map((error) => {
    const keys = error.instancePath
      .split('/')
      .slice(1)
      .map((k) => (/^\d+$/.test(k) ? Number(k) : k))
    return `${source}: not a valid Cannonade results file: ${formatPath(keys)}${error.message ?? 'invalid'}`
  })
  throw new InputError(problems)
}

/** Reads and validates a results file; `source` names it in messages (default: its path). */
export async function readResults(file: string, source = file): Promise<Results> {
  const text = await readInputFile(file)
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new InputError([
      `${source}: not a valid Cannonade results file: not JSON (${error instanceof Error ? error.message : 'parse error'})`,
    ])
  }
  return parseResults(data, source)
}

/** Writes results atomically (a reader never sees half a file). */
export async function writeResults(file: string, results: Results): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const partial = `${file}.partial`
  await writeFile(partial, `${JSON.stringify(results, null, 2)}\n`)
  await rename(partial, file)
}
