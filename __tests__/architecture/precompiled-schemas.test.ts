// The bundles validate with schemas compiled at build time (scripts/precompiled-schemas.mjs in place of
// src/schema-validator.ts). They must accept and refuse exactly what Ajv compiling at run time does,
// with the same errors, since the messages a user reads are made from those errors.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { precompiledSchemas, schemaDefinitions } from '../../scripts/precompiled-schemas.mjs'
import { historyFromResults } from '../../src/history/build.js'
import { schemaValidator, type SchemaDefinition } from '../../src/schema-validator.js'
import { RECORDED, recordedResults, recordedText } from '../../__fixtures__/recorded/recorded.js'

type Validate = ((data: unknown) => boolean) & { errors?: unknown }

// The bundles' compile-time constants, which the modules holding the definitions may read.
const DEFINE = { __CANNONADE_VERSION__: '"0.0.0-test"', __CANNONADE_REPORT_JS__: '""', __CANNONADE_REPORT_CSS__: '""' }
let dir = ''
let definitions: SchemaDefinition[] = []
let precompiled: (definition: SchemaDefinition) => Validate = () => {
  throw new Error('not loaded')
}

beforeAll(async () => {
  definitions = await schemaDefinitions(DEFINE)
  const source = await precompiledSchemas(DEFINE)
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-precompiled-'))
  const file = path.join(dir, 'schema-validator.mjs')
  // The generated module calls require() for Ajv's run-time helpers, which the bundle's banner defines.
  const require = `import { createRequire } from 'node:module'\nconst require = createRequire(${JSON.stringify(path.resolve('package.json'))})\n`
  await writeFile(file, require + source)
  const loaded = (await import(pathToFileURL(file).href)) as { schemaValidator: typeof precompiled }
  precompiled = loaded.schemaValidator
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function definition(name: string): SchemaDefinition {
  const found = definitions.find((d) => d.name === name)
  if (found === undefined) throw new Error(`no definition named ${name}`)
  return found
}

/** Both validators on one document: the same verdict and the same errors. */
function expectSameVerdict(name: string, document: unknown, valid: boolean): void {
  const atRunTime = schemaValidator(definition(name)) as Validate
  const atBuild = precompiled(definition(name))
  const verdict = atRunTime(document)
  expect(verdict).toBe(valid)
  expect(atBuild(document)).toBe(verdict)
  expect(atBuild.errors ?? null).toEqual(atRunTime.errors ?? null)
}

describe('schemas compiled at build time', () => {
  it('are every schema the source compiles, and nothing else', async () => {
    expect(definitions.map((d) => d.name).sort()).toEqual(['config', 'history', 'results'])
    // Each definition in src is one of these: a new one must be listed in scripts/precompiled-schemas.mjs.
    const sources = await Promise.all(
      ['src/config/validate.ts', 'src/results/io.ts', 'src/history/io.ts'].map((file) => readFile(file, 'utf8')),
    )
    const defined = sources.join('\n').match(/: SchemaDefinition = \{|= documentKind</g) ?? []
    expect(defined).toHaveLength(definitions.length)
  })

  it('judge configs as Ajv compiling at run time does, errors and all', async () => {
    const example = parse(await readFile('__fixtures__/configs/example.yml', 'utf8')) as Record<string, unknown>
    expectSameVerdict('config', example, true)
    const base = 'baseUrl: http://127.0.0.1:3000\n'
    for (const body of [
      'scenarios:\n  - { name: a, path: /, rate: fast }',
      'scenarios:\n  - { name: a, path: /, conections: 2 }',
      'scenarios:\n  - { name: a, path: /, duration: -1s }',
      'scenarios: []',
      'scenarios:\n  - { name: a, path: /, connections: [1, x], expect: { status: 99 } }\napp: { command: 3 }',
      'scenarios:\n  - { name: a, path: /, expect: { body: { matches: 4 } }, profile: stress, stress: { up: 2 } }',
      'defaults: { connections: 0, thresholds: { p99: { max: fast } } }\nscenarios: [{ name: a }]',
    ]) {
      expectSameVerdict('config', parse(base + body), false)
    }
    expectSameVerdict('config', 'not a mapping', false)
  })

  it('judge results and history files as Ajv compiling at run time does', () => {
    for (const which of Object.keys(RECORDED) as (keyof typeof RECORDED)[]) {
      const document = JSON.parse(recordedText(RECORDED[which])) as Record<string, unknown>
      expectSameVerdict('results', document, true)
      expectSameVerdict('results', { ...document, entries: 'none' }, false)
      expectSameVerdict('results', { ...document, suite: undefined, extra: 1 }, false)
    }
    const history = JSON.parse(JSON.stringify(historyFromResults(recordedResults('push'), 7))) as Record<string, unknown>
    expectSameVerdict('history', history, true)
    expectSameVerdict('history', { ...history, runs: [{ sha: 3 }] }, false)
  })
})
