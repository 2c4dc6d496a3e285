// Every field the stress profile and the scaling summary add to the config and to results.json is
// described in its schema and explained in the README.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import configSchema from '../../src/config/schema.json' with { type: 'json' }
import resultsSchema from '../../src/results/schema.json' with { type: 'json' }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** The value at a path of keys in a parsed JSON document. */
function at(node: unknown, ...keys: string[]): unknown {
  let here = node
  for (const key of keys) here = isRecord(here) ? here[key] : undefined
  return here
}

function fields(node: unknown): string[] {
  const properties = at(node, 'properties')
  return isRecord(properties) ? Object.keys(properties) : []
}

describe('the stress and scaling fields', () => {
  it('are all in the README', async () => {
    const readme = await readFile('README.md', 'utf8')
    const defs = resultsSchema.$defs
    const names = [
      ...fields(defs.stressStep),
      ...fields(defs.stressRound),
      ...fields(defs.stressSummary),
      ...fields(at(defs.stressSummary, 'properties', 'curve', 'items')),
      ...fields(defs.scaling),
      ...fields(at(defs.scaling, 'properties', 'points', 'items')),
    ]
    expect(names.length).toBeGreaterThan(30)
    for (const name of names) expect(readme, name).toMatch(new RegExp(`\\b${name}\\b`))
    for (const name of fields(configSchema.$defs.stress)) expect(readme, `stress.${name}`).toContain(`| \`${name}\` |`)
    for (const profile of configSchema.$defs.profile.enum) expect(readme).toContain(`\`${profile}\``)
    expect(readme).toContain('| `capacity` | requests/s |')
  })

  it('are described in the config schema', () => {
    const stress = configSchema.$defs.stress
    for (const name of fields(stress)) expect(at(stress, 'properties', name, 'description'), name).toBeTruthy()
  })
})
