// `mode: run`: measure, compare against the baseline, report everywhere a user looks, upload the
// results for the next run, and gate. What was measured is uploaded whatever fails after it.
import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { compare, undecided } from '../compare/compare.js'
import type { Comparison } from '../compare/types.js'
import { loadPlan } from '../config/load.js'
import { applyOverrides } from '../config/overrides.js'
import type { Plan } from '../config/plan.js'
import { describePlan } from '../config/summary.js'
import { uploadFiles } from '../github/artifact.js'
import { describeHttpError, httpStatus } from '../github/http-error.js'
import { commentMarker, findStickyComment, tokenLogin, upsertComment } from '../github/comment.js'
import type { RunContext } from '../github/context.js'
import { createOctokit } from '../github/octokit.js'
import { measure, type Measured } from '../load/schedule.js'
import { writeResults } from '../results/io.js'
import { renderMarkdown } from '../report/markdown.js'
import { roundLine } from '../report/terminal.js'
import { renderText } from '../report/text.js'
import { HANDOFF_FILE, writeHandoff } from './handoff.js'
import { OUTPUT, type Inputs } from './inputs.js'
import { resolveBaseline, type ResolvedBaseline } from './resolve-baseline.js'

/** What the artifact holds, when present: everything measured, the report, the app's log, the hand-off. */
const ARTIFACT_FILES = ['results.json', 'report.md', 'app.log', HANDOFF_FILE] as const

async function loadConfig(inputs: Inputs): Promise<Plan> {
  const loaded = await loadPlan(path.join(inputs.workingDirectory, inputs.config))
  const plan = applyOverrides(loaded, {
    ...(inputs.rounds === undefined ? {} : { rounds: inputs.rounds }),
    ...(inputs.durationMs === undefined ? {} : { durationMs: inputs.durationMs }),
  })
  core.info(describePlan(plan))
  return plan
}

function runMeasurement(plan: Plan, outDir: string, ctx: RunContext, baseline: ResolvedBaseline): Promise<Measured> {
  return measure(plan, {
    outDir,
    git: { ...(ctx.sha === undefined ? {} : { sha: ctx.sha }), ...(ctx.ref === undefined ? {} : { ref: ctx.ref }) },
    onReady: (ms) => core.info(`app ready after ${(ms / 1000).toFixed(1)} s`),
    onRound: (e) => core.info(`[${e.done}/${e.total}] ${roundLine(e.entry.key, e.round, e.rounds, e.result)}`),
    ...('results' in baseline ? { extraRounds: { wanted: (sofar) => undecided(baseline.results, sofar) } } : {}),
  })
}

function shouldComment(inputs: Inputs, comparison: Comparison): 'post' | 'update-only' | 'skip' {
  if (inputs.comment === 'never') return 'skip'
  if (inputs.comment !== 'on-change') return 'post'
  const notable = comparison.findings.length > 0 || comparison.counts.regressions + comparison.counts.improvements > 0
  // Quiet pull requests get no new comment, but an old one that reported a problem is corrected.
  return notable ? 'post' : 'update-only'
}

async function postComment(inputs: Inputs, ctx: RunContext, comparison: Comparison, body: string, marker: string): Promise<void> {
  const pr = ctx.pullRequest
  if (pr === undefined) return
  const policy = shouldComment(inputs, comparison)
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
    core.setOutput(OUTPUT.commentUrl, result.url)
  } catch (error) {
    const hint = httpStatus(error) === 403 ? ' The token may lack `pull-requests: write`.' : ''
    core.warning(`Cannonade could not comment on #${pr.number}: ${describeHttpError(error)}.${hint} The report is in the job summary and the artifact.`)
  }
}

function annotate(comparison: Comparison): void {
  for (const finding of comparison.findings) {
    const title = `Cannonade: ${finding.kind === 'regression' ? 'regression' : finding.kind === 'threshold' ? 'threshold' : 'not measurable'}`
    if (finding.severity === 'fail') core.error(finding.message, { title })
    else core.warning(finding.message, { title })
  }
}

async function upload(name: string, outDir: string, files: readonly string[]): Promise<void> {
  const present = files.map((f) => path.join(outDir, f)).filter((f) => existsSync(f))
  try {
    const uploaded = await uploadFiles(name, present, outDir)
    core.info(`artifact ${name} uploaded (${present.map((f) => path.basename(f)).join(', ')}${uploaded.size === undefined ? '' : `, ${uploaded.size} bytes`})`)
  } catch (error) {
    core.warning(`Cannonade could not upload the artifact ${name}: ${describeHttpError(error)}. The files stay in ${outDir}.`)
  }
}

/** Runs `mode: run` end to end; throws only for input errors, app failures and the gate. */
export async function runMode(inputs: Inputs, ctx: RunContext): Promise<void> {
  const plan = await core.group('Cannonade: config', () => loadConfig(inputs))
  const outDir = path.resolve(inputs.workingDirectory, 'cannonade-results')
  // A previous run in the same workspace must not leak its report into this run's artifact.
  await Promise.all(ARTIFACT_FILES.map((f) => rm(path.join(outDir, f), { force: true })))
  const artifactName = inputs.artifactName || `cannonade-${plan.suite}`
  const marker = commentMarker(plan.suite)
  const baseline = await core.group('Cannonade: baseline', () => resolveBaseline(inputs, ctx, artifactName, plan.suite))
  const measured = await core.group('Cannonade: measure', () => runMeasurement(plan, outDir, ctx, baseline))
  const resultsPath = path.join(outDir, 'results.json')
  await writeResults(resultsPath, measured.results)
  core.setOutput(OUTPUT.resultsPath, resultsPath)
  let comparison: Comparison | undefined
  try {
    comparison =
      'missing' in baseline
        ? compare(undefined, measured.results, { baselineMissing: baseline.missing })
        : compare(baseline.results, measured.results, { baselineDescription: baseline.description })
    if ('runId' in baseline && baseline.runId !== undefined) core.setOutput(OUTPUT.baselineRunId, String(baseline.runId))
    const runUrl = `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/actions/runs/${ctx.runId}`
    const markdown = renderMarkdown(comparison, { marker, links: { run: runUrl } })
    const reportPath = path.join(outDir, 'report.md')
    await writeFile(reportPath, `${markdown}\n`)
    core.setOutput(OUTPUT.reportPath, reportPath)
    if (ctx.pullRequest !== undefined) {
      await writeHandoff(path.join(outDir, HANDOFF_FILE), { pullRequest: ctx.pullRequest.number, headSha: ctx.pullRequest.headSha, marker })
    }
    const report = comparison
    await core.group('Cannonade: report', async () => {
      core.info(renderText(report))
      // Outside a runner (act, a local dry run) there is no summary file to write to.
      if (process.env['GITHUB_STEP_SUMMARY'] !== undefined) await core.summary.addRaw(markdown, true).write()
    })
    annotate(comparison)
    await postComment(inputs, ctx, comparison, markdown, marker)
  } finally {
    await upload(artifactName, outDir, ARTIFACT_FILES)
  }
  core.setOutput(OUTPUT.verdict, measured.failure === undefined ? comparison.outcome : 'error')
  core.setOutput(OUTPUT.regressions, String(comparison.findings.filter((f) => f.kind === 'regression').length))
  if (measured.failure !== undefined) throw measured.failure
  gate(inputs, comparison)
}

function gate(inputs: Inputs, comparison: Comparison): void {
  const failing = comparison.findings.filter((f) => f.severity === 'fail')
  const fails = inputs.failOn === 'fail' ? comparison.outcome === 'fail' : inputs.failOn === 'warn' && comparison.outcome !== 'pass'
  if (!fails) return
  const reasons = (failing.length > 0 ? failing : comparison.findings).map((f) => `- ${f.message}`).join('\n')
  core.setFailed(`Cannonade: ${comparison.outcome === 'fail' ? 'performance gate failed' : 'performance warnings (fail-on: warn)'}\n${reasons}`)
}
