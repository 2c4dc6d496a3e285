// Everything after measuring, shared by `mode: run` and `mode: merge`: compare with the baseline,
// report in the log, the job summary, annotations and the sticky comment, upload the artifact, set
// the outputs, and gate. What was measured is uploaded whatever fails after it.
import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Comparison } from '../compare/types.js'
import { uploadFiles, type Uploaded } from '../github/artifact.js'
import { commentMarker, findStickyComment, tokenLogin, upsertComment } from '../github/comment.js'
import { artifactUrlOf, runUrlOf, type RunContext } from '../github/context.js'
import { describeHttpError, refusalHint } from '../github/http-error.js'
import { createOctokit } from '../github/octokit.js'
import { EnvironmentError, errorMessage } from '../errors.js'
import { InterruptedError } from '../interrupt.js'
import { BASE_RESULTS_FILE, type Results } from '../results/format.js'
import { writeResults } from '../results/io.js'
import { renderMarkdown, type MarkdownOptions } from '../report/markdown.js'
import { renderText } from '../report/text.js'
import { gateFailureText } from '../report/verdict.js'
import { findingSentence } from '../report/violation.js'
import { extendHistory } from '../history/build.js'
import { changePointsAtNewest, type NewestChanges } from '../history/change-points.js'
import { HISTORY_FILE, type History } from '../history/format.js'
import { writeHistory } from '../history/io.js'
import { CHANGE_POINT_TITLE, changePointSentence, changePointsMarkdown, isSlower } from '../report/change-points.js'
import { REPORT_HTML_FILE, renderReportHtml } from '../report/html/report-page.js'
import { gateFails, shouldComment } from './gate.js'
import { HANDOFF_FILE, writeHandoff } from './handoff.js'
import { OUTPUT, type Inputs } from './inputs.js'
import { StepOutputs } from './outputs.js'
import { compareWith, type ResolvedBaseline } from './resolve-baseline.js'
import { writeExports } from '../report/export/exports.js'

/** What the artifact holds, when present: everything measured, the report, the app's log, the hand-off. */
export const ARTIFACT_FILES = [
  'results.json',
  'report.md',
  REPORT_HTML_FILE,
  'app.log',
  HANDOFF_FILE,
  BASE_RESULTS_FILE,
  HISTORY_FILE,
] as const

/** Where a run writes, and under which names it publishes. */
export interface Destination {
  readonly outDir: string
  readonly artifactName: string
  readonly suite: string
  /** The step outputs; one that cannot be set does not stop the rest of the publishing. */
  readonly outputs: StepOutputs
}

/** Where this run's files go; removes a previous run's files there, so none leaks into this artifact. */
export async function prepareDestination(inputs: Inputs, suite: string): Promise<Destination> {
  const outDir = path.resolve(inputs.workingDirectory, 'cannonade-results')
  await Promise.all(ARTIFACT_FILES.map((f) => rm(path.join(outDir, f), { force: true })))
  return { outDir, artifactName: inputs.artifactName || `cannonade-${suite}`, suite, outputs: new StepOutputs() }
}

/** Writes results.json and sets the results-path output. */
export async function saveResults(destination: Destination, results: Results): Promise<void> {
  const resultsPath = path.join(destination.outDir, 'results.json')
  await writeResults(resultsPath, results)
  destination.outputs.set(OUTPUT.resultsPath, resultsPath)
}

async function postComment(
  inputs: Inputs,
  ctx: RunContext,
  comparison: Comparison,
  body: string,
  marker: string,
  outputs: StepOutputs,
): Promise<void> {
  const pr = ctx.pullRequest
  if (pr === undefined) return
  const policy = shouldComment(inputs.comment, comparison)
  if (policy === 'skip') return
  if (pr.fromFork) {
    core.notice(
      'This pull request comes from a fork, so this run cannot comment. The report is in the artifact; ' +
        'a workflow_run workflow with `mode: comment` posts it (see examples/).',
    )
    return
  }
  if (inputs.token === '') {
    core.warning('No github-token: the report is in the job summary and the artifact, but not commented.')
    return
  }
  const octokit = createOctokit(inputs.token, ctx.apiUrl)
  const target = { owner: ctx.owner, repo: ctx.repo, issueNumber: pr.number }
  try {
    if (policy === 'update-only') {
      const existing = await findStickyComment(octokit, target, marker, await tokenLogin(octokit))
      if (existing === undefined) return
    }
    const result = await upsertComment(octokit, target, marker, body)
    core.info(`comment ${result.action}: ${result.url}`)
    outputs.set(OUTPUT.commentUrl, result.url)
  } catch (error) {
    const hint = refusalHint(error, 'pull-requests: write')
    core.warning(
      `Cannonade could not comment on #${pr.number}: ${describeHttpError(error)}.${hint} The report is in the job summary and the artifact.`,
    )
  }
}

function annotate(comparison: Comparison): void {
  for (const finding of comparison.findings) {
    const kinds = {
      regression: 'regression',
      probable: 'probably slower, undecided',
      threshold: 'threshold',
      unmeasurable: 'not measurable',
    }
    const title = `Cannonade: ${kinds[finding.kind]}`
    const sentence = findingSentence(finding)
    if (finding.severity === 'fail') core.error(sentence, { title })
    else core.warning(sentence, { title })
  }
}

// A history the change-point rule cannot read is no reason to lose the run's other reports.
function changePointsOf(history: History): NewestChanges | undefined {
  try {
    return changePointsAtNewest(history)
  } catch (error) {
    core.warning(`Cannonade could not look for change points: ${errorMessage(error)}.`)
    return undefined
  }
}

// A slower base branch is a warning (someone should look at the commit range); a faster one a notice.
function annotateChangePoints(found: NewestChanges): void {
  for (const change of found.changes) {
    if (isSlower(change)) core.warning(changePointSentence(change), { title: CHANGE_POINT_TITLE })
    else core.notice(changePointSentence(change), { title: CHANGE_POINT_TITLE })
  }
}

/**
 * Uploads the files of `outDir` that exist as one artifact; a failure is a warning, never fatal.
 * Returns where it went, or undefined when it could not be uploaded.
 */
export async function upload(name: string, outDir: string, files: readonly string[]): Promise<Uploaded | undefined> {
  const present = files.map((f) => path.join(outDir, f)).filter((f) => existsSync(f))
  try {
    const uploaded = await uploadFiles(name, present, outDir)
    core.info(
      `artifact ${name} uploaded (${present.map((f) => path.basename(f)).join(', ')}${uploaded.size === undefined ? '' : `, ${uploaded.size} bytes`})`,
    )
    return uploaded
  } catch (error) {
    core.warning(`Cannonade could not upload the artifact ${name}: ${describeHttpError(error)}. The files stay in ${outDir}.`)
    return undefined
  }
}

// Runs one publishing step; its failure is a warning, so every other step still runs.
async function step(what: string, work: () => unknown): Promise<void> {
  try {
    await work()
  } catch (error) {
    core.warning(`Cannonade could not ${what}: ${errorMessage(error)}. The other reports are not affected.`)
  }
}

/**
 * Compares saved results with the baseline and publishes the outcome everywhere. Each sink (report
 * file, artifact, job summary, annotations, comment, outputs) is independent: one failing leaves the
 * others running. Then throws `failure` (the app could not be measured) if given, else applies the
 * gate, and finally fails the step if an output could not be set.
 */
export async function publish(
  inputs: Inputs,
  ctx: RunContext,
  destination: Destination,
  results: Results,
  baseline: ResolvedBaseline,
  failure?: Error,
): Promise<void> {
  const { outDir, outputs } = destination
  const marker = commentMarker(destination.suite)
  let comparison: Comparison
  // Pull requests show each entry's trend over the base branch; push runs report change points instead.
  const trendHistory = ctx.pullRequest !== undefined && 'history' in baseline ? baseline.history : undefined
  const render = (links: MarkdownOptions['links']): string =>
    renderMarkdown(comparison, {
      marker,
      ...(links !== undefined ? { links } : {}),
      ...(trendHistory !== undefined ? { history: trendHistory } : {}),
    })
  let markdown: string
  try {
    comparison = compareWith(baseline, results)
    markdown = render({ run: runUrlOf(ctx, ctx.runId) })
  } catch (error) {
    // Nothing to report without a comparison, but what was measured is still kept.
    await upload(destination.artifactName, outDir, ARTIFACT_FILES)
    throw error
  }
  const report = comparison
  if ('runId' in baseline && baseline.runId !== undefined) outputs.set(OUTPUT.baselineRunId, String(baseline.runId))
  const pr = ctx.pullRequest
  const paired = 'paired' in baseline && baseline.paired === true
  // A push run carries the base branch's history forward (the previous run's, plus this one) and
  // says where it moved beyond the history's spread: the summary and report.md get a section.
  let changes: NewestChanges | undefined
  let history: History | undefined
  let changeSection = ''
  if (pr === undefined && !paired) {
    const previous = 'history' in baseline ? baseline.history : undefined
    const extended = extendHistory(previous, results, ctx.runId > 0 ? ctx.runId : undefined, inputs.historyRuns)
    await step('write history.json', () => writeHistory(path.join(outDir, HISTORY_FILE), extended))
    history = extended
    changes = changePointsOf(extended)
    changeSection = changes === undefined ? '' : changePointsMarkdown(changes, ctx.branch)
  }
  const withChanges = (text: string): string => (changeSection === '' ? text : `${text}\n${changeSection}\n`)
  markdown = withChanges(markdown)
  const reportPath = path.join(outDir, 'report.md')
  await step('write report.md', async () => {
    await writeFile(reportPath, `${markdown}\n`)
    outputs.set(OUTPUT.reportPath, reportPath)
  })
  await step(`write ${REPORT_HTML_FILE}`, () => {
    const base = 'results' in baseline ? { base: baseline.results } : {}
    // A pull request's page shows the base branch's trend with this run marked beside it.
    const trend =
      history !== undefined
        ? { history, inHistory: true }
        : 'history' in baseline && baseline.history !== undefined
          ? { history: baseline.history }
          : {}
    return writeFile(path.join(outDir, REPORT_HTML_FILE), renderReportHtml({ results, comparison, ...base, paired, ...trend }))
  })
  // Before the gate: a failing run's JUnit file is what the test report shows.
  const exports = inputs.exports ?? []
  if (exports.length > 0) {
    await step('write the exports', async () => {
      for (const file of await writeExports(exports, comparison, results, inputs.workingDirectory)) core.info(`export: ${file}`)
    })
  }
  if (pr !== undefined) {
    await step('write the comment hand-off', () =>
      writeHandoff(path.join(outDir, HANDOFF_FILE), { pullRequest: pr.number, headSha: pr.headSha }),
    )
  }
  // The artifact first: it is what keeps the measurement when time runs out (a cancelled job).
  const uploaded = await upload(destination.artifactName, outDir, ARTIFACT_FILES)
  // The summary and the comment link to the artifact, now that it has an address.
  if (uploaded?.id !== undefined) {
    markdown = withChanges(render({ run: runUrlOf(ctx, ctx.runId), artifact: artifactUrlOf(ctx, ctx.runId, uploaded.id) }))
  }
  await core.group('Cannonade: report', async () => {
    core.info(renderText(report))
    // Outside a runner (act, a local dry run) there is no summary file to write to.
    if (process.env['GITHUB_STEP_SUMMARY'] !== undefined)
      await step('write the job summary', () => core.summary.addRaw(markdown, true).write())
  })
  await step('annotate the findings', () => annotate(report))
  if (changes !== undefined) {
    const found = changes
    await step('annotate the change points', () => annotateChangePoints(found))
  }
  // A cancelled run's partial report must not replace the comment of the run that superseded it.
  if (failure instanceof InterruptedError) core.info('Cannonade was interrupted: no comment; the finished rounds are in the artifact.')
  else await step('comment on the pull request', () => postComment(inputs, ctx, report, markdown, marker, outputs))
  outputs.set(OUTPUT.verdict, failure === undefined ? comparison.outcome : 'error')
  outputs.set(OUTPUT.regressions, String(comparison.findings.filter((f) => f.kind === 'regression').length))
  if (failure !== undefined) throw failure
  gate(inputs, comparison)
  // A push run's artifact is the base branch's next baseline and history: without it, pull requests
  // quietly compare with an older run (or none) and nobody is told. The step fails so someone re-runs it.
  if (ctx.eventName === 'push' && uploaded === undefined) {
    throw new EnvironmentError(
      `the artifact ${destination.artifactName} could not be uploaded, so this push leaves no baseline or history for ${ctx.branch ?? 'its branch'}: pull requests will compare with an older run, or with none. The files are in ${outDir}; re-run this job.`,
    )
  }
  outputs.check()
}

function gate(inputs: Inputs, comparison: Comparison): void {
  if (gateFails(inputs.failOn, comparison)) core.setFailed(gateFailureText(comparison))
}
