#!/usr/bin/env node
// `cannonade <command>`: the same pipeline the action runs, for a laptop or any CI.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { Command } from './cli/command.js'
import { commands } from './cli/commands.js'
import { errorMessage, exitCodeOf, EXIT, failureText, InputError } from './errors.js'
import { plain } from './report/text.js'
import { VERSION } from './version.js'

const USAGE = `Usage: cannonade <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

Run 'cannonade <command> --help' for a command's options.`

function parse(command: Command, argv: string[]): ReturnType<typeof parseArgs<ParseArgsConfig>> {
  try {
    return parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    throw new InputError([`${errorMessage(error)}\n\n${command.usage}`])
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  // `cannonade help run` is what `cannonade run --help` is.
  const [topic] = rest
  if (name === 'help' && topic !== undefined) {
    const described = Object.hasOwn(commands, topic) ? commands[topic] : undefined
    if (described === undefined) throw new InputError([`unknown command "${topic}"\n\n${USAGE}`])
    process.stdout.write(`${described.usage}\n`)
    return EXIT.ok
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return name === undefined ? EXIT.badInput : EXIT.ok
  }
  if (name === '--version') {
    process.stdout.write(`${VERSION}\n`)
    return EXIT.ok
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined
  if (command === undefined) throw new InputError([`unknown command "${name}"\n\n${USAGE}`])
  const args = parse(command, rest)
  if (args.values['help'] === true) {
    process.stdout.write(`${command.usage}\n`)
    return EXIT.ok
  }
  return command.run(args.values, args.positionals)
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (error) {
  // Input problems are already one self-explaining line each (file:line:col: field: what).
  const text = error instanceof InputError ? error.message : `cannonade: ${failureText(error)}`
  // Messages quote names and values from the config: printed line by line without control characters.
  process.stderr.write(
    `${text
      .split('\n')
      .map((line) => plain(line))
      .join('\n')}\n`,
  )
  process.exitCode = exitCodeOf(error)
}
