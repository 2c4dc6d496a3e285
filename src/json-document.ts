// Versioned JSON documents Cannonade writes and reads back (results.json, history.json): parsed,
// checked against their JSON schema before anything uses them, written atomically. A document may
// come from another run's artifact, so every problem is an InputError naming the file and the field.
import type { ValidateFunction } from 'ajv/dist/2020.js'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { formatPath } from './document-path.js'
import { InputError } from './errors.js'
import { readInputFile } from './input-file.js'
import { schemaValidator, type SchemaDefinition } from './schema-validator.js'

/** A kind of document: its name in messages, the version this Cannonade reads, and its schema. */
export interface DocumentKind<T> {
  /** As in "not a valid Cannonade results file". */
  readonly name: string
  readonly version: number
  /** The schema as it is compiled (the bundles hold it precompiled: src/schema-validator.ts). */
  readonly definition: SchemaDefinition
  /** Compiled on first use: most runs read no document of a kind. */
  readonly validator: () => ValidateFunction<T>
}

/** Defines a kind of document by its JSON schema (draft 2020-12). */
export function documentKind<T>(name: string, version: number, schema: object): DocumentKind<T> {
  const definition: SchemaDefinition = { name, schema, options: { allErrors: false, strict: true } }
  return { name, version, definition, validator: () => schemaValidator<T>(definition) }
}

/** Checks parsed JSON against the kind's schema; `source` names it in messages. */
export function parseDocument<T>(kind: DocumentKind<T>, data: unknown, source: string): T {
  if (typeof data === 'object' && data !== null && 'schemaVersion' in data && data.schemaVersion !== kind.version) {
    throw new InputError([
      `${source}: schemaVersion ${JSON.stringify(data.schemaVersion)} is not supported; this Cannonade reads version ${kind.version}`,
    ])
  }
  const validate = kind.validator()
  if (validate(data)) return data
  const problems = (validate.errors ?? []).map((error) => {
    const keys = error.instancePath
      .split('/')
      .slice(1)
      .map((k) => (/^\d+$/.test(k) ? Number(k) : k))
    return `${source}: not a valid Cannonade ${kind.name} file: ${formatPath(keys)}${error.message ?? 'invalid'}`
  })
  throw new InputError(problems)
}

/** Reads and validates a document; `source` names it in messages (default: its path). */
export async function readDocument<T>(kind: DocumentKind<T>, file: string, source = file): Promise<T> {
  const text = await readInputFile(file)
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new InputError([
      `${source}: not a valid Cannonade ${kind.name} file: not JSON (${error instanceof Error ? error.message : 'parse error'})`,
    ])
  }
  return parseDocument(kind, data, source)
}

/** Writes JSON atomically (a reader never sees half a file); `indent` 0 for a compact file. */
export async function writeDocument(file: string, value: unknown, indent: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const partial = `${file}.partial`
  try {
    await writeFile(partial, `${JSON.stringify(value, null, indent === 0 ? undefined : indent)}\n`)
    await rename(partial, file)
  } catch (error) {
    // A full or read-only disk: no half-written file is left behind to be mistaken for a result.
    await rm(partial, { force: true }).catch(() => undefined)
    // Named by the file the user asked for, not by its temporary name.
    if (error instanceof Error && (!('path' in error) || error.path === partial)) Reflect.set(error, 'path', file)
    throw error
  }
}
