// What every CLI command looks like, and small helpers for reading its flags.
import type { ParseArgsConfig } from 'node:util'

/** Flag values as node:util parseArgs returns them. */
export type Flags = Record<string, string | boolean | (string | boolean)[] | undefined>

/** One `cannonade <name>` command. */
export interface Command {
  readonly summary: string
  readonly usage: string
  readonly options: NonNullable<ParseArgsConfig['options']>
  /** Returns the exit code; throws InputError/AppError for exit 2/3. */
  run(flags: Flags, positionals: string[]): Promise<number>
}

/** A string flag's value, or the fallback. */
export function stringFlag(flags: Flags, name: string, fallback: string): string {
  const value = flags[name]
  return typeof value === 'string' ? value : fallback
}

/** A string flag's value, or undefined when not given. */
export function optionalString(flags: Flags, name: string): string | undefined {
  const value = flags[name]
  return typeof value === 'string' ? value : undefined
}

/** Every value of a repeatable string flag. */
export function stringList(flags: Flags, name: string): string[] {
  const value = flags[name]
  if (value === undefined) return []
  return [value].flat().filter((v): v is string => typeof v === 'string')
}
