import { constants } from 'node:fs'
import { access, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { compare } from '../compare/compare.js'
import { checkResults } from '../compare/thresholds.js'
import { loadPlan } from '../config/load.js'
import { applyOverrides, parseOverrideTexts } from '../config/overrides.js'
import { errorMessage, InputError } from '../errors.js'
import { exitForComparison, exitForViolations } from './exit-code.js'
import { gracefully, InterruptedError } from '../interrupt.js'
import { gitInfo } from '../results/git.js'
import { readResults, writeResults } from '../results/io.js'
import { renderMarkdown } from '../report/markdown.js'
import { writeReportHtml } from './report-html.js'
import { runWarningText } from '../report/run-warnings.js'
import { plain, renderText } from '../report/text.js'
import { planText, profileTable, resultsTable, violationLines } from '../report/terminal.js'
import { comparisonVerdictLine, thresholdVerdictLine } from '../report/verdict.js'
import { optionalString, stringFlag, stringList, type Command } from './command.js'
import { progressPrinter } from './progress.js'
import { parseExports, writeExports } from '../report/export/exports.js'

function shown(file: string): string {
  return path.relative(process.cwd(), file) || file
}

/** `cannonade run`: measures every scenario and writes results.json. */
export const runCommand: Command = {
  summary: 'start the app, run the scenarios, print the table and write results.json',
  usage: `Usage: cannonade run [options]

  --config FILE      the config file (default: cannonade.yml)
  --out DIR          where results.json, report.html and app.log go (default: ./cannonade-results)
  --scenario NAME    run only this scenario (repeatable)
  --tag TAG          run only scenarios with this tag (repeatable)
  --rounds N         rounds per entry (1 to 50), instead of the config's
  --duration D       measured time per round, e.g. 3s, instead of the config's
  --quick            smoke profile: one short round per entry
  --shard I/N        measure only shard I of N (scenarios split by position; merge with 'cannonade merge')
  --baseline FILE    compare against this results.json (fixed rounds: a stored run cannot grow)
  --against REF      measure REF (a commit, branch or tag) beside this checkout: checked out in a git
                     worktree, built with the config's app.build (absent: inferred from REF's lock
                     files, e.g. package-lock.json → npm ci), both apps started, rounds interleaved
                     and decided as they go; writes base-results.json beside results.json
  --budget D         with --against: time the suite may be measured while deciding as it goes, e.g. 5m
  --markdown FILE    with --baseline or --against: also write the report as GitHub markdown
  --export F=FILE    also write the results for another tool (repeatable): junit=FILE (a test case
                     per gated metric and threshold), bmf=FILE (Bencher Metric Format), gab=FILE
                     (github-action-benchmark's custom JSON: latencies there, throughput in
                     FILE-bigger.json); written even when the gate fails

Exit codes: 0 ok, 1 a 'fail' threshold was violated, 2 bad input, 3 the app could not be measured,
4 an internal error (a bug in Cannonade).`,
  options: {
    config: { type: 'string', short: 'c' },
    out: { type: 'string', short: 'o' },
    scenario: { type: 'string', multiple: true },
    tag: { type: 'string', multiple: true },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    budget: { type: 'string' },
    quick: { type: 'boolean' },
    baseline: { type: 'string' },
    against: { type: 'string' },
    markdown: { type: 'string' },
    shard: { type: 'string' },
    export: { type: 'string', multiple: true },
  },
  async run(flags) {
    const overrides = parseOverrideTexts(
      {
        rounds: optionalString(flags, 'rounds'),
        duration: optionalString(flags, 'duration'),
        budget: optionalString(flags, 'budget'),
        shard: optionalString(flags, 'shard'),
      },
      (key) => `--${key}`,
    )
    const { shard } = overrides
    const exports = parseExports(stringList(flags, 'export'), '--export')
    const loaded = await loadPlan(stringFlag(flags, 'config', 'cannonade.yml'))
    const plan = applyOverrides(loaded, {
      scenarios: stringList(flags, 'scenario'),
      tags: stringList(flags, 'tag'),
      ...overrides,
      quick: flags['quick'] === true,
    })
    const outDir = path.resolve(stringFlag(flags, 'out', 'cannonade-results'))
    // Found out now rather than when the results are written, after minutes of measuring.
    try {
      await mkdir(outDir, { recursive: true })
      await access(outDir, constants.W_OK)
    } catch (error) {
      throw new InputError([`--out: cannot write results to ${outDir}: ${errorMessage(error)}`])
    }
    const baselineFile = optionalString(flags, 'baseline')
    const against = optionalString(flags, 'against')
    if (against !== undefined && baselineFile !== undefined) {
      throw new InputError(['--against and --baseline: give one of them; --against measures its own baseline beside this checkout'])
    }
    // Measuring (autocannon, the apps, git worktrees) is loaded only by a run that gets this far: a
    // command refused for bad input, like every other command, starts without it.
    const { checkBuildable, runAgainst } = await import('./against.js')
    if (against !== undefined) checkBuildable(plan)
    const baseline = baselineFile === undefined ? undefined : await readResults(baselineFile)
    for (const warning of plan.warnings) process.stderr.write(`warning: ${plain(warning)}\n`)
    process.stderr.write(`${planText(plan)}\n`)
    const markdownFile = optionalString(flags, 'markdown')
    if (against !== undefined) {
      return runAgainst(plan, {
        ref: against,
        outDir,
        ...(markdownFile === undefined ? {} : { markdown: markdownFile }),
        ...(shard === undefined ? {} : { shard }),
        ...(exports.length === 0 ? {} : { exports }),
      })
    }
    const { measure } = await import('../load/schedule.js')
    const progress = progressPrinter(process.stderr)
    // Ctrl-C ends the run early but still writes what was measured (status: incomplete).
    const file = path.join(outDir, 'results.json')
    const { results, failure } = await gracefully(async () => {
      const measured = await measure(plan, {
        outDir,
        git: gitInfo(process.cwd()),
        ...(shard === undefined ? {} : { shard }),
        onReady: (ms) => process.stderr.write(`app ready after ${(ms / 1000).toFixed(1)} s\n`),
        onRound: (event) => progress.onRound(event),
        onWarning: (warning) => process.stderr.write(`\nwarning: ${runWarningText(warning)}\n`),
      })
      progress.finish()
      await writeResults(file, measured.results)
      return measured
    })
    const violations = checkResults(results)
    if (results.entries.length > 0) process.stdout.write(`\n${resultsTable(results, violations)}\n`)
    const profile = profileTable(results, violations)
    if (profile !== undefined) process.stdout.write(`\n${profile}\n`)
    const comparison = compare(baseline, results, baseline === undefined ? {} : { baselineDescription: `file ${baselineFile ?? ''}` })
    const report = await writeReportHtml(outDir, { results, comparison, ...(baseline === undefined ? {} : { base: baseline }) })
    process.stdout.write(
      `\nresults: ${path.relative(process.cwd(), file) || file}${report === undefined ? '' : `, report: ${shown(report)}`}\n`,
    )
    // Before the gate and before a failure is thrown: a failing run's exports are what CI shows.
    const exported = await writeExports(exports, comparison, results)
    if (exported.length > 0) process.stdout.write(`exports: ${exported.map(shown).join(', ')}\n`)
    if (failure instanceof InterruptedError) {
      process.stderr.write(`cannonade: ${failure.message}\n`)
      return failure.exitCode
    }
    if (failure !== undefined) throw failure
    if (baseline !== undefined) {
      process.stdout.write(`\n${renderText(comparison)}\n`)
      const markdown = optionalString(flags, 'markdown')
      if (markdown !== undefined) await writeFile(markdown, `${renderMarkdown(comparison)}\n`)
      process.stdout.write(`${comparisonVerdictLine(comparison)}\n`)
      return exitForComparison(comparison, results)
    }
    if (violations.length > 0) process.stdout.write(`\n${violationLines(violations)}\n`)
    process.stdout.write(`\n${thresholdVerdictLine(results.entries.length, violations)}\n`)
    return exitForViolations(violations, results)
  },
}
