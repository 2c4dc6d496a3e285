import path from 'node:path'
import { EXIT, InputError } from '../errors.js'
import { readResults, writeResults } from '../results/io.js'
import { mergeResults } from '../results/merge.js'
import { machinesNote, resultsTable } from '../report/terminal.js'
import { stringFlag, type Command } from './command.js'

/** `cannonade merge`: one results file from the shards of a suite. */
export const mergeCommand: Command = {
  summary: 'merge results files (the shards of one suite) into one',
  usage: `Usage: cannonade merge RESULTS.json... [--out FILE]

  --out FILE   where the merged results go (default: cannonade-results/results.json)

Entries measured in several files keep all their rounds; histograms are merged losslessly.
Exit codes: 0 merged, 2 unreadable files or files of different suites or configs, 4 an internal error.`,
  options: { out: { type: 'string', short: 'o' } },
  async run(flags, positionals) {
    if (positionals.length === 0) throw new InputError([`merge needs at least one results file\n\n${mergeCommand.usage}`])
    const parts = await Promise.all(positionals.map(async (source) => ({ source, results: await readResults(source) })))
    const merged = mergeResults(parts)
    const out = path.resolve(stringFlag(flags, 'out', path.join('cannonade-results', 'results.json')))
    await writeResults(out, merged)
    process.stdout.write(`${resultsTable(merged)}\n\nmerged ${parts.length} file(s), ${merged.entries.length} entries: ${out}\n`)
    const note = machinesNote(merged)
    if (note !== undefined) process.stderr.write(`warning: ${note}\n`)
    return EXIT.ok
  },
}
