// Where a copy must exist, the two copies agree: the JSON Schemas that check what users and other runs
// write (src/config/schema.json, src/results/schema.json) and the TypeScript types the code reads it
// as (src/config/raw.ts, src/results/document.ts). Both sides are turned into one canonical outline
// (property names, which are required, arrays, maps, unions and leaf kinds) and compared.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * What a value may be, with unions merged: leaf kinds (`string`, `"warn"`), and for objects their
 * properties, for arrays their items, for maps (string keys) their values.
 */
interface Outline {
  readonly kinds: Set<string>
  readonly props: Map<string, { optional: boolean; outline: Outline }>
  items?: Outline
  values?: Outline
}

const empty = (): Outline => ({ kinds: new Set(), props: new Map() })

function merge(into: Outline, from: Outline): Outline {
  for (const kind of from.kinds) into.kinds.add(kind)
  for (const [name, prop] of from.props) {
    const have = into.props.get(name)
    if (have === undefined) into.props.set(name, { optional: prop.optional, outline: merge(empty(), prop.outline) })
    else merge(have.outline, prop.outline)
  }
  if (from.items !== undefined) into.items = merge(into.items ?? empty(), from.items)
  if (from.values !== undefined) into.values = merge(into.values ?? empty(), from.values)
  return into
}

/** One line per path: `defaults.thresholds.p99?: object`, `scenarios[]: object`, `app.env{}: boolean | number | string`. */
function lines(outline: Outline, path = ''): string[] {
  const own = path === '' ? [] : [`${path}: ${[...outline.kinds].sort().join(' | ')}`]
  const props = [...outline.props].flatMap(([name, p]) =>
    lines(p.outline, `${path}${path === '' ? '' : '.'}${name}${p.optional ? '?' : ''}`),
  )
  const items = outline.items === undefined ? [] : lines(outline.items, `${path}[]`)
  const values = outline.values === undefined ? [] : lines(outline.values, `${path}{}`)
  return [...own, ...props, ...items, ...values].sort()
}

/** The outline of a JSON Schema node; `omit` names root properties the types leave out on purpose. */
function schemaOutline(root: Json, node: Json, omit: readonly string[] = []): Outline {
  const outline = empty()
  if (!isObject(node) || !isObject(root)) return merge(outline, { kinds: new Set(['unknown']), props: new Map() })
  const ref = node['$ref']
  if (typeof ref === 'string') {
    const defs = root['$defs']
    return schemaOutline(root, isObject(defs) ? (defs[ref.replace('#/$defs/', '')] ?? null) : null)
  }
  const constant = node['const']
  const values = Array.isArray(node['enum']) ? node['enum'] : constant === undefined ? undefined : [constant]
  if (values !== undefined) {
    for (const v of values) outline.kinds.add(JSON.stringify(v))
    return outline
  }
  const choices = node['oneOf'] ?? node['anyOf']
  if (Array.isArray(choices)) {
    for (const choice of choices) merge(outline, schemaOutline(root, choice))
    return outline
  }
  const type = node['type']
  if (Array.isArray(type)) {
    for (const t of type) merge(outline, schemaOutline(root, { ...node, type: t }))
    return outline
  }
  if (type === 'integer' || type === 'number') outline.kinds.add('number')
  else if (type === 'string' || type === 'boolean' || type === 'null') outline.kinds.add(type)
  else if (type === 'array') {
    outline.kinds.add('array')
    outline.items = node['items'] === undefined ? { kinds: new Set(['unknown']), props: new Map() } : schemaOutline(root, node['items'])
  } else if (type === 'object') {
    const properties = node['properties']
    if (!isObject(properties)) {
      const extra = node['additionalProperties']
      outline.kinds.add('map')
      outline.values = isObject(extra) ? schemaOutline(root, extra) : { kinds: new Set(['unknown']), props: new Map() }
    } else {
      outline.kinds.add('object')
      const required = Array.isArray(node['required']) ? node['required'] : []
      for (const [name, value] of Object.entries(properties)) {
        if (!omit.includes(name)) outline.props.set(name, { optional: !required.includes(name), outline: schemaOutline(root, value) })
      }
    }
  } else outline.kinds.add('unknown')
  return outline
}

/** The outline of a TypeScript type, in the same form. */
function typeOutline(checker: ts.TypeChecker, type: ts.Type, depth = 0): Outline {
  if (depth > 30) throw new Error(`type too deep: ${checker.typeToString(type)}`)
  const next = (t: ts.Type): Outline => typeOutline(checker, t, depth + 1)
  const outline = empty()
  if (type.flags & ts.TypeFlags.Unknown || type.flags & ts.TypeFlags.Any) outline.kinds.add('unknown')
  else if (type.isUnion()) {
    const members = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined))
    const booleans = members.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral)
    if (booleans.length === 2) outline.kinds.add('boolean')
    else for (const b of booleans) outline.kinds.add(checker.typeToString(b))
    for (const member of members.filter((t) => !(t.flags & ts.TypeFlags.BooleanLiteral))) merge(outline, next(member))
  } else if (type.isStringLiteral() || type.isNumberLiteral()) outline.kinds.add(JSON.stringify(type.value))
  else if (type.flags & ts.TypeFlags.StringLike) outline.kinds.add('string')
  else if (type.flags & ts.TypeFlags.NumberLike) outline.kinds.add('number')
  else if (type.flags & ts.TypeFlags.BooleanLike) outline.kinds.add('boolean')
  else if (type.flags & ts.TypeFlags.Null) outline.kinds.add('null')
  else if (checker.isArrayType(type) || checker.isTupleType(type)) {
    outline.kinds.add('array')
    const element = type.getNumberIndexType()
    outline.items = element === undefined ? { kinds: new Set(['unknown']), props: new Map() } : next(element)
  } else {
    const properties = checker.getPropertiesOfType(type)
    const index = checker.getIndexTypeOfType(type, ts.IndexKind.String)
    if (properties.length === 0 && index !== undefined) {
      outline.kinds.add('map')
      outline.values = next(index)
    } else {
      outline.kinds.add('object')
      for (const p of properties) {
        outline.props.set(p.name, { optional: (p.flags & ts.SymbolFlags.Optional) !== 0, outline: next(checker.getTypeOfSymbol(p)) })
      }
    }
  }
  return outline
}

const ROOTS = ['src/config/raw.ts', 'src/results/document.ts'].map((file) => resolve(import.meta.dirname, '../..', file))
let program: ts.Program | undefined

// One program for both files: building it is most of this test's time.
function exportedType(file: string, name: string): { checker: ts.TypeChecker; type: ts.Type } {
  program ??= ts.createProgram(ROOTS, {
    strict: true,
    exactOptionalPropertyTypes: true,
    resolveJsonModule: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
  })
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(resolve(import.meta.dirname, '../..', file))
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source)
  const symbol = moduleSymbol === undefined ? undefined : checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name)
  if (symbol === undefined) throw new Error(`${file} exports no ${name}`)
  return { checker, type: checker.getDeclaredTypeOfSymbol(symbol) }
}

function readSchema(file: string): Json {
  const parsed: Json = JSON.parse(readFileSync(resolve(import.meta.dirname, '../..', file), 'utf8'))
  return parsed
}

describe('the schemas and the types agree', () => {
  it('src/config/schema.json and RawConfig in src/config/raw.ts', () => {
    const schema = readSchema('src/config/schema.json')
    const { checker, type } = exportedType('src/config/raw.ts', 'RawConfig')
    // `$schema` lets editors find the schema; the code never reads it.
    expect(lines(typeOutline(checker, type))).toEqual(lines(schemaOutline(schema, schema, ['$schema'])))
  })

  it('would notice a field, a required field or a kind of value that only one side has', () => {
    const schema = readSchema('src/config/schema.json')
    const { checker, type } = exportedType('src/config/raw.ts', 'RawConfig')
    const typed = lines(typeOutline(checker, type))
    if (!isObject(schema) || !isObject(schema['properties'])) throw new Error('the config schema has properties')
    const { suite: _suite, ...withoutSuite } = schema['properties']
    const planted: Json[] = [
      { ...schema, properties: withoutSuite },
      { ...schema, required: ['scenarios'] },
      { ...schema, properties: { ...schema['properties'], warmupSuite: { type: 'string' } } },
    ]
    for (const changed of planted) expect(lines(schemaOutline(changed, changed, ['$schema']))).not.toEqual(typed)
  })

  it('src/results/schema.json and Results in src/results/document.ts', () => {
    const schema = readSchema('src/results/schema.json')
    const { checker, type } = exportedType('src/results/document.ts', 'Results')
    expect(lines(typeOutline(checker, type))).toEqual(lines(schemaOutline(schema, schema)))
  })
})
