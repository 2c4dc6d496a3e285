// Every field the stress profile and the scaling summary add to the config and to results.json is
// described in its schema and explained in the README.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import configSchema from '../../src/config/schema.json' with { type: 'json' }
import resultsSchema from '../../src/results/schema.json' with { type: 'json' }

type Node = { properties?: Record<string, Node>; items?: Node; description?: string; $ref?: string }

function fields(node: Node | undefined): string[] {
  return Object.keys(node?.properties ?? {})
}

describe('the stress and scaling fields', () => {
  it('are all in the README', async () => {
    const readme = await readFile('README.md', 'utf8')
    const defs: Record<string, Node> = resultsSchema.$defs
    const curve = defs['stressSummary']?.properties?.['curve']?.items
    const point = defs['scaling']?.properties?.['points']?.items
    const names = [
      ...fields(defs['stressStep']),
      ...fields(defs['stressRound']),
      ...fields(defs['stressSummary']),
      ...fields(curve),
      ...fields(defs['scaling']),
      ...fields(point),
    ]
    expect(names.length).toBeGreaterThan(30)
    for (const name of names) expect(readme, name).toMatch(new RegExp(`\\b${name}\\b`))
    const stress: Node = configSchema.$defs.stress
    for (const name of fields(stress)) expect(readme, `stress.${name}`).toContain(`| \`${name}\` |`)
    for (const profile of configSchema.$defs.scenario.properties.profile.enum) expect(readme).toContain(`\`${profile}\``)
    expect(readme).toContain('| `capacity` | requests/s |')
  })

  it('are described in the config schema', () => {
    const stress: Node = configSchema.$defs.stress
    for (const name of fields(stress)) expect(stress.properties?.[name]?.description, name).toBeTruthy()
  })
})
