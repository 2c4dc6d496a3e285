// `cannonade history --site DIR`: the base branch's history as a static site, one page of trend
// charts per suite, from history.json (as the action carries it) or from a folder of results files.
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { extendHistory } from '../history/build.js'
import { HISTORY_FILE, type History } from '../history/document.js'
import { readHistory, writeHistory } from '../history/io.js'
import { EXIT, InputError, errorMessage } from '../errors.js'
import type { Results } from '../results/document.js'
import { readResults } from '../results/io.js'
import { renderSiteHtml } from '../report/html/report-page.js'
import { plural } from '../report/rows.js'
import { optionalString, type Command } from './command.js'

/** The results files under a folder, at any depth (one per downloaded artifact, say), sorted by path. */
async function resultsFilesUnder(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir, { recursive: true })
  } catch (error) {
    throw new InputError([`--results-dir: cannot read ${dir}: ${errorMessage(error)}`])
  }
  return names
    .filter((name) => path.basename(name) === 'results.json')
    .map((name) => path.join(dir, name))
    .sort()
}

/** A history made from results files: each file one run, oldest first by when it was measured. */
async function historyOfResults(dir: string): Promise<History> {
  const files = await resultsFilesUnder(dir)
  if (files.length === 0)
    throw new InputError([`--results-dir: no results.json under ${dir}, expected one per run (e.g. unzipped artifacts)`])
  const runs: { file: string; results: Results }[] = []
  for (const file of files) runs.push({ file, results: await readResults(file) })
  const suites = [...new Set(runs.map((r) => r.results.suite))]
  if (suites.length > 1) {
    const list = suites.map((suite) => `${suite} (${runs.find((r) => r.results.suite === suite)?.file ?? ''})`).join(', ')
    throw new InputError([`--results-dir: ${dir}: the results files belong to ${suites.length} suites, expected one, got ${list}`])
  }
  runs.sort((a, b) => Date.parse(a.results.createdAt) - Date.parse(b.results.createdAt))
  let history: History | undefined
  for (const run of runs) history = extendHistory(history, run.results, undefined, Number.MAX_SAFE_INTEGER)
  if (history === undefined) throw new Error('no run made a history')
  return history
}

/** `cannonade history`: writes the trend site. */
export const historyCommand: Command = {
  summary: "write a static site of every entry's trends from the base branch's history",
  usage: `Usage: cannonade history --site DIR (--history FILE | --results-dir DIR)

  --site DIR          where the site goes: index.html (self-contained, opens offline) and history.json
  --history FILE      the history.json a push run's artifact carries (the last 100 runs of the base branch)
  --results-dir DIR   or: every results.json under DIR, one per run (e.g. unzipped artifacts), oldest first

Each entry gets trend charts of p99, p50, req/s, error rate, server CPU per request and memory: the
median of every run with its 95 % interval. examples/perf-pages.yml publishes the site with GitHub Pages.
Exit codes: 0 written, 2 bad input (unreadable files, more than one suite), 4 an internal error.`,
  options: {
    site: { type: 'string' },
    history: { type: 'string' },
    'results-dir': { type: 'string' },
  },
  async run(flags) {
    const site = optionalString(flags, 'site')
    const historyFile = optionalString(flags, 'history')
    const resultsDir = optionalString(flags, 'results-dir')
    if (site === undefined) throw new InputError([`history needs --site DIR, the folder the site is written to\n\n${historyCommand.usage}`])
    if ((historyFile === undefined) === (resultsDir === undefined)) {
      throw new InputError([
        `history needs one of --history FILE or --results-dir DIR, got ${historyFile === undefined ? 'neither' : 'both'}`,
      ])
    }
    const history = historyFile !== undefined ? await readHistory(historyFile) : await historyOfResults(resultsDir ?? '')
    const outDir = path.resolve(site)
    try {
      await mkdir(outDir, { recursive: true })
    } catch (error) {
      throw new InputError([`--site: cannot write to ${outDir}: ${errorMessage(error)}`])
    }
    const index = path.join(outDir, 'index.html')
    await writeFile(index, renderSiteHtml(history))
    // The numbers beside the page, for anyone who wants them rather than the charts.
    await writeHistory(path.join(outDir, HISTORY_FILE), history)
    const entries = new Set(history.runs.flatMap((r) => r.entries.map((e) => e.key))).size
    process.stdout.write(
      `site: ${path.relative(process.cwd(), index) || index} (${plural(entries, 'entry', 'entries')}, ${plural(history.runs.length, 'run')} of ${history.suite})\n`,
    )
    return EXIT.ok
  },
}
