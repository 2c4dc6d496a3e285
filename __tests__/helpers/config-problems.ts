// What parsePlan refuses a config for: its problems, each `file:line:col: field: ...`.
import { parsePlan } from '../../src/config/load.js'
import { InputError } from '../../src/errors.js'

/** The problems of a config text that must be refused; throws when it is accepted or fails otherwise. */
export function problemsOf(text: string, file = 'cannonade.yml'): string[] {
  try {
    parsePlan(text, file, '/srv')
  } catch (error) {
    if (error instanceof InputError) return [...error.problems]
    throw error
  }
  throw new Error('expected the config to be rejected')
}
