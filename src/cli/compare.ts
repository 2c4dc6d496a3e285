import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { compare } from '../compare/compare.js'
import { EXIT, InputError } from '../errors.js'
import { readResults } from '../results/io.js'
import { renderMarkdown } from '../report/markdown.js'
import { renderText } from '../report/text.js'
import { parseExports, writeExports } from '../report/export/exports.js'
import { optionalString, stringList, type Command } from './command.js'

async function writeOut(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true })
  await writeFile(file, text)
}

/** `cannonade compare BASE HEAD`: the verdict of head against base, from two results files. */
export const compareCommand: Command = {
  summary: 'compare two results files and print the verdict',
  usage: `Usage: cannonade compare BASE.json HEAD.json [--markdown FILE] [--json FILE] [--export F=FILE]

  --markdown FILE   also write the report as GitHub markdown (what the PR comment shows)
  --json FILE       also write the comparison as JSON
  --export F=FILE   also write the results for another tool (repeatable): junit=FILE, bmf=FILE
                    (Bencher Metric Format, HEAD's numbers), gab=FILE (github-action-benchmark's
                    custom JSON, throughput in FILE-bigger.json); written even when the gate fails

Exit codes: 0 pass or warn, 1 fail, 2 unreadable or incompatible input, 4 an internal error.`,
  options: { markdown: { type: 'string' }, json: { type: 'string' }, export: { type: 'string', multiple: true } },
  async run(flags, positionals) {
    const [baseFile, headFile, ...extra] = positionals
    if (baseFile === undefined || headFile === undefined || extra.length > 0) {
      throw new InputError([`compare takes exactly two results files, got ${positionals.length}\n\n${compareCommand.usage}`])
    }
    const exports = parseExports(stringList(flags, 'export'), '--export')
    const [base, head] = await Promise.all([readResults(baseFile), readResults(headFile)])
    if (base.suite !== head.suite) {
      throw new InputError([
        `${baseFile} is suite "${base.suite}" but ${headFile} is suite "${head.suite}": compare results of the same suite`,
      ])
    }
    const comparison = compare(base, head, { baselineDescription: `file ${baseFile}` })
    process.stdout.write(`${renderText(comparison)}\n`)
    const markdown = optionalString(flags, 'markdown')
    if (markdown !== undefined) await writeOut(markdown, `${renderMarkdown(comparison)}\n`)
    const json = optionalString(flags, 'json')
    if (json !== undefined) await writeOut(json, `${JSON.stringify(comparison, null, 2)}\n`)
    await writeExports(exports, comparison, head)
    return comparison.outcome === 'fail' ? EXIT.gateFailed : EXIT.ok
  },
}
