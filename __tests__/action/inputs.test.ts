import { afterEach, describe, expect, it } from 'vitest'
import { getInputs } from '../../src/action/inputs.js'
import { InputError } from '../../src/errors.js'

const KEY = 'INPUT_ARTIFACT-NAME'

afterEach(() => {
  delete process.env[KEY]
})

function artifactProblem(name: string): string | undefined {
  process.env[KEY] = name
  try {
    getInputs()
    return undefined
  } catch (error) {
    if (error instanceof InputError) return error.message
    throw error
  }
}

describe('artifact-name', () => {
  it('is refused before measuring when @actions/artifact would refuse it at upload', () => {
    expect(artifactProblem('perf/results')).toBe(
      `input 'artifact-name': must not contain "/" (artifact names cannot hold / \\ : * ? " < > | or ..), got "perf/results"`,
    )
    expect(artifactProblem('..')).toContain(`input 'artifact-name': must not contain ".."`)
    expect(artifactProblem('a\\b')).toContain('must not contain "\\\\"')
    expect(artifactProblem('perf:1')).toContain('must not contain ":"')
  })

  it('accepts the names people use', () => {
    expect(artifactProblem('cannonade-api_v2.1')).toBeUndefined()
    expect(artifactProblem('')).toBeUndefined()
  })
})

describe('history', () => {
  afterEach(() => {
    delete process.env['INPUT_HISTORY']
  })

  it('keeps 100 runs unless told, and refuses what history.json cannot hold', () => {
    expect(getInputs().historyRuns).toBe(100)
    process.env['INPUT_HISTORY'] = '30'
    expect(getInputs().historyRuns).toBe(30)
    for (const bad of ['1', '1001', '2.5', 'all']) {
      process.env['INPUT_HISTORY'] = bad
      expect(() => getInputs()).toThrow(`input 'history': must be an integer from 2 to 1000 (runs kept), got "${bad}"`)
    }
  })
})

describe('export', () => {
  afterEach(() => {
    delete process.env['INPUT_EXPORT']
  })

  it('reads one FORMAT=FILE a line and refuses a bad line naming the input', () => {
    expect(getInputs().exports).toEqual([])
    process.env['INPUT_EXPORT'] = 'junit=perf.xml\n\nbmf=bencher.json\ngab=bench.json\n'
    expect(getInputs().exports).toEqual([
      { format: 'junit', file: 'perf.xml' },
      { format: 'bmf', file: 'bencher.json' },
      { format: 'gab', file: 'bench.json' },
    ])
    process.env['INPUT_EXPORT'] = 'junit perf.xml'
    expect(() => getInputs()).toThrow(
      `input 'export': expected FORMAT=FILE with FORMAT one of junit, bmf, gab (e.g. junit=perf.xml), got "junit perf.xml"`,
    )
  })
})
