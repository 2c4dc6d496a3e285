// The one place a JSON schema becomes a validate function. Here Ajv compiles it on first use; the
// bundles never do: build.mjs swaps this module for one holding every definition below already
// compiled (Ajv's standalone code, the same options, scripts/precompiled-schemas.mjs), because
// compiling the config schema cost about a third of a CPU second at every start of the CLI and the
// action, more than everything else the config check does.
import { Ajv2020, type KeywordDefinition, type Options, type ValidateFunction } from 'ajv/dist/2020.js'

/** A schema as it is compiled: its name (the key the bundles find it under), the schema and Ajv's options. */
export interface SchemaDefinition {
  readonly name: string
  readonly schema: object
  readonly options: Options
  /** Keywords the schema uses beyond the standard ones (annotations such as `x-expected`). */
  readonly keywords?: readonly KeywordDefinition[]
}

const compiled = new Map<string, ValidateFunction>()

/** The validate function of `definition`, compiled once. */
export function schemaValidator<T>(definition: SchemaDefinition): ValidateFunction<T> {
  let validate = compiled.get(definition.name)
  if (validate === undefined) {
    const ajv = new Ajv2020(definition.options)
    for (const keyword of definition.keywords ?? []) ajv.addKeyword(keyword)
    validate = ajv.compile(definition.schema)
    compiled.set(definition.name, validate)
  }
  // Ajv's type guard is generic only at compile(); the definition's name stands for the T it checks.
  return validate as ValidateFunction<T>
}
