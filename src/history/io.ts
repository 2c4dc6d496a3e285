// Reading and writing history.json. Reading validates against src/history/schema.json: the file
// comes from another run's artifact, so it is bounded and checked before anything uses it.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { formatPath } from '../document-path.js'
import { InputError } from '../errors.js'
import { readInputFile } from '../input-file.js'
import { HISTORY_VERSION, type History } from './format.js'
import schema from './schema.json' with { type: 'json' }

let compiled: ValidateFunction<History> | undefined

function validator(): ValidateFunction<History> {
  compiled ??= new Ajv2020({ allErrors: false, strict: true }).compile<History>(schema)
  return compiled
}

/** Checks parsed JSON against the history schema; `source` names it in messages. */
export function parseHistory(data: unknown, source: string): History {
  if (typeof data === 'object' && data !== null && 'schemaVersion' in data && data.schemaVersion !== HISTORY_VERSION) {
    throw new InputError([
      `${source}: schemaVersion ${JSON.stringify(data.schemaVersion)} is not supported; this Cannonade reads version ${HISTORY_VERSION}`,
    ])
  }
  const validate = validator()
  if (validate(data)) return data
  const problems = (validate.errors ?? []).map((error) => {
    const keys = error.instancePath
      .split('/')
      .slice(1)
      .map((k) => (/^\d+$/.test(k) ? Number(k) : k))
    return `${source}: not a valid Cannonade history file: ${formatPath(keys)}${error.message ?? 'invalid'}`
  })
  throw new InputError(problems)
}

/** Reads and validates a history file; `source` names it in messages (default: its path). */
export async function readHistory(file: string, source = file): Promise<History> {
  const text = await readInputFile(file)
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new InputError([
      `${source}: not a valid Cannonade history file: not JSON (${error instanceof Error ? error.message : 'parse error'})`,
    ])
  }
  return parseHistory(data, source)
}

/** Writes a history atomically; compact, since it is carried from artifact to artifact. */
export async function writeHistory(file: string, history: History): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const partial = `${file}.partial`
  await writeFile(partial, `${JSON.stringify(history)}\n`)
  await rename(partial, file)
}
