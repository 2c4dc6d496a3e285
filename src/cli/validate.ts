import { loadPlan } from '../config/load.js'
import { EXIT } from '../errors.js'
import { planText } from '../report/terminal.js'
import { plain } from '../report/text.js'
import { stringFlag, type Command } from './command.js'

/** `cannonade validate`: checks a config file and says what it would run. */
export const validateCommand: Command = {
  summary: 'check a config file and print what it would run',
  usage: `Usage: cannonade validate [--config FILE]

  --config FILE   the config file (default: cannonade.yml)

Prints "ok" and a summary of the plan, or one line per problem (exit code 2). Settings that are
allowed but probably not meant (an app started here and measured elsewhere, readiness and load on
different ports) are printed as warnings.`,
  options: { config: { type: 'string', short: 'c' } },
  async run(flags) {
    const plan = await loadPlan(stringFlag(flags, 'config', 'cannonade.yml'))
    for (const warning of plan.warnings) process.stderr.write(`warning: ${plain(warning)}\n`)
    process.stdout.write(`ok\n${planText(plan)}\n`)
    return EXIT.ok
  },
}
