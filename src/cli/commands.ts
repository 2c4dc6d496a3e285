// The registry of CLI commands; each lives in its own file.
import type { Command } from './command.js'
import { compareCommand } from './compare.js'
import { historyCommand } from './history.js'
import { initCommand } from './init.js'
import { mergeCommand } from './merge.js'
import { runCommand } from './run.js'
import { validateCommand } from './validate.js'

/** Every command by name, in the order `cannonade --help` lists them. */
export const commands: Readonly<Record<string, Command>> = {
  run: runCommand,
  validate: validateCommand,
  init: initCommand,
  compare: compareCommand,
  merge: mergeCommand,
  history: historyCommand,
}
