// Schema validation of a parsed config document, with messages a person can act on: one line per
// problem naming the field by its path in the document, what was expected and what was found.
import type { ErrorObject } from 'ajv/dist/2020.js'
import { schemaValidator, type SchemaDefinition } from '../schema-validator.js'
import type { RawConfig } from './raw.js'
import schema from './schema.json' with { type: 'json' }

/** One problem found in a document, before it is tied to a file and a line. */
export interface Problem {
  /** Keys from the document root to the offending value (numbers index lists). */
  readonly path: readonly (string | number)[]
  /** What is wrong, e.g. `must be a positive number, got "fast"`. */
  readonly message: string
  /** Point at the key rather than the value (unknown keys). */
  readonly atKey?: boolean
}

/** src/config/schema.json as it is compiled (the bundles hold it precompiled: src/schema-validator.ts). */
export const CONFIG_SCHEMA: SchemaDefinition = {
  name: 'config',
  schema,
  options: { allErrors: true, strict: true, allowUnionTypes: true, verbose: true },
  // Each schema node states in plain words what it accepts; the messages quote it.
  keywords: [{ keyword: 'x-expected', schemaType: 'string' }],
}

/** Checks a document against src/config/schema.json: the typed config, or every problem found. */
export function validateAgainstSchema(
  document: unknown,
): { readonly config: RawConfig; readonly problems?: never } | { readonly problems: Problem[] } {
  const validate = schemaValidator<RawConfig>(CONFIG_SCHEMA)
  if (validate(document)) return { config: document }
  return { problems: summarise(validate.errors ?? []) }
}

function pathOf(error: ErrorObject): (string | number)[] {
  if (error.instancePath === '') return []
  return error.instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part))
}

function isUnder(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`)
}

// Ajv reports every failed branch of a oneOf; a person wants one line saying what the field accepts.
function summarise(errors: readonly ErrorObject[]): Problem[] {
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath)
  const outermost = (path: string): boolean => !alternatives.some((alt) => alt !== path && isUnder(path, alt))
  const kept = errors.filter((error) => {
    if (!outermost(error.instancePath)) return false
    const isAlternative = error.keyword === 'oneOf' || error.keyword === 'anyOf'
    return isAlternative || !alternatives.includes(error.instancePath)
  })
  // Several errors can stand at one place (nested oneOfs); the one that states in words what the
  // field accepts, then the outermost, says it best.
  const rank = (e: ErrorObject): number => (expectedOf(e) === undefined ? 1000 : 0) + e.schemaPath.length
  kept.sort((a, b) => (a.instancePath === b.instancePath ? rank(a) - rank(b) : 0))
  const seen = new Set<string>()
  const problems: Problem[] = []
  for (const error of kept) {
    const problem = describe(error)
    const key = `${problem.path.join('/')}|${problem.atKey === true ? problem.message : ''}`
    if (seen.has(key)) continue
    seen.add(key)
    problems.push(problem)
  }
  return problems
}

function expectedOf(error: ErrorObject): string | undefined {
  const parent: unknown = error.parentSchema
  if (typeof parent !== 'object' || parent === null || !('x-expected' in parent)) return undefined
  const expected = parent['x-expected']
  return typeof expected === 'string' ? expected : undefined
}

function describe(error: ErrorObject): Problem {
  const path = pathOf(error)
  const params: Record<string, unknown> = error.params
  if (error.keyword === 'additionalProperties') {
    const key = String(params['additionalProperty'])
    const known = knownKeys(error.parentSchema)
    const hint = suggest(key, known)
    const tail = hint === undefined ? `; expected one of ${known.join(', ')}` : `; did you mean "${hint}"?`
    return { path: [...path, key], message: `unknown field${tail}`, atKey: true }
  }
  if (error.keyword === 'required') {
    const missing = String(params['missingProperty'])
    return { path, message: `missing required field "${missing}"` }
  }
  if (error.keyword === 'propertyNames') {
    return { path, message: 'has an invalid name' }
  }
  const expected = expectedOf(error) ?? fallbackExpectation(error)
  return { path, message: `must be ${expected}, got ${shortJson(error.data)}` }
}

function fallbackExpectation(error: ErrorObject): string {
  const params: Record<string, unknown> = error.params
  switch (error.keyword) {
    case 'type':
      return `of type ${String(params['type'])}`
    case 'enum':
      return `one of ${JSON.stringify(params['allowedValues'])}`
    case 'minItems':
      return `a list of at least ${String(params['limit'])} item(s)`
    case 'minLength':
      return `at least ${String(params['limit'])} character(s) long`
    case 'minProperties':
      return `a mapping with at least ${String(params['limit'])} field(s)`
    case 'maxProperties':
      return `a mapping with at most ${String(params['limit'])} field(s)`
    case 'oneOf':
    case 'anyOf':
      return 'one of the accepted forms (see the config reference)'
    default:
      return error.message ?? 'valid'
  }
}

function knownKeys(parentSchema: unknown): string[] {
  if (typeof parentSchema !== 'object' || parentSchema === null || !('properties' in parentSchema)) return []
  const properties = parentSchema.properties
  if (typeof properties !== 'object' || properties === null) return []
  return Object.keys(properties).filter((key) => key !== '$schema')
}

/** The known key closest to a misspelt one, if it is close enough to be a likely typo. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  const allowed = Math.max(2, Math.floor(key.length / 3))
  return bestDistance <= allowed ? best : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** A value as JSON, cut short so one line stays readable. */
export function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
