// Every JSON schema the code compiles (src/schema-validator.ts), compiled now into Ajv's standalone
// code, so the bundles validate without compiling at start-up. build.mjs puts the module this returns
// in place of src/schema-validator.ts; __tests__/architecture/precompiled-schemas.test.ts checks that
// it validates every document exactly as Ajv compiling at run time does.
import { build } from 'esbuild'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)
const { Ajv2020 } = require('ajv/dist/2020.js')
const standaloneCode = require('ajv/dist/standalone').default

// Where each definition lives, as `export` lines of the module that collects them. A definition
// missing here makes the bundle throw when that schema is first used, naming it.
const DEFINITIONS = `
import { CONFIG_SCHEMA } from './src/config/validate.ts'
import { RESULTS } from './src/results/io.ts'
import { HISTORY } from './src/history/io.ts'
export const definitions = [CONFIG_SCHEMA, RESULTS.definition, HISTORY.definition]
`

/**
 * The definitions as the source defines them (name, schema, options, keywords), read by bundling
 * the modules that hold them; `define` gives the bundles' compile-time constants.
 */
export async function schemaDefinitions(define = {}) {
  const out = await build({
    stdin: { contents: DEFINITIONS, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    define,
    logLevel: 'warning',
  })
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-schemas-'))
  try {
    const file = path.join(dir, 'definitions.mjs')
    await writeFile(file, out.outputFiles[0].text)
    return (await import(pathToFileURL(file).href)).definitions
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * The source of a module exporting `schemaValidator(definition)` as src/schema-validator.ts does,
 * but returning the validator compiled here under `definition.name`. It calls require() for Ajv's
 * small run-time helpers, which the bundle resolves.
 */
export async function precompiledSchemas(define = {}) {
  const makers = []
  for (const definition of await schemaDefinitions(define)) {
    const ajv = new Ajv2020({ ...definition.options, code: { source: true } })
    for (const keyword of definition.keywords ?? []) ajv.addKeyword(keyword)
    const code = standaloneCode(ajv, ajv.compile(definition.schema))
    // CommonJS code (module.exports = validate), each in a function of its own: names do not clash,
    // and a schema no run reads is never evaluated.
    makers.push(
      `  ${JSON.stringify(definition.name)}: () => {\n    const module = { exports: {} }\n${code}\n    return module.exports\n  },`,
    )
  }
  return [
    '// Generated at build time by scripts/precompiled-schemas.mjs: the schemas of src/schema-validator.ts, compiled.',
    `const PRECOMPILED = {\n${makers.join('\n')}\n}`,
    'const compiled = new Map()',
    'export function schemaValidator(definition) {',
    '  let validate = compiled.get(definition.name)',
    '  if (validate === undefined) {',
    '    const make = PRECOMPILED[definition.name]',
    "    if (make === undefined) throw new Error(`the schema '${definition.name}' was not precompiled: list it in scripts/precompiled-schemas.mjs`)",
    '    validate = make()',
    '    compiled.set(definition.name, validate)',
    '  }',
    '  return validate',
    '}',
    '',
  ].join('\n')
}
