// Which results this run is compared against. Any trouble with an artifact baseline (none yet,
// expired, unreadable, the API failing) becomes a plain sentence: the run then checks absolute
// thresholds only, and never fails for it. Every line logged here that quotes the artifact goes
// through plain(): a newline in a field would otherwise start a line of its own, and a line that
// starts with `::` is a workflow command the runner obeys.
import type { CpuProfileReport } from '../profile/index.js'
import * as core from '@actions/core'
import path from 'node:path'
import { describeHttpError, permissionClause } from '../github/http-error.js'
import { findBaselineRun, type BaselineLookup } from '../github/baseline.js'
import type { RunContext } from '../github/context.js'
import { createOctokit } from '../github/octokit.js'
import { compare } from '../compare/compare.js'
import type { Comparison } from '../compare/types.js'
import type { Results } from '../results/document.js'
import { readResults } from '../results/io.js'
import { historyFromResults, historyRunOf, runToRunOf } from '../history/build.js'
import { fallbackLine } from '../report/fallback.js'
import { plural } from '../report/rows.js'
import { plain } from '../report/text.js'
import type { History } from '../history/document.js'
import { downloadBaseline } from './artifact-files.js'
import type { Inputs } from './inputs.js'

/**
 * The baseline and where it came from, or why there is none; `suggestAppBuild` when the precise
 * mode (the base measured in this job) was within reach but for a build command.
 */
export type ResolvedBaseline = { readonly suggestAppBuild?: boolean } & (
  | {
      readonly results: Results
      readonly description: string
      readonly runId?: number
      /** Measured side by side with the head, rounds in pairs (same-job). */
      readonly paired?: boolean
      /** The base branch's recent runs, ending with the baseline's (artifact baselines). */
      readonly history?: History
      /** CPU profiles of the entries that got slower, base against head (same-job, src/profile/). */
      readonly cpuProfiles?: CpuProfileReport
    }
  | { readonly missing: string }
)

/** Finds, downloads and reads the baseline the inputs ask for. */
export async function resolveBaseline(inputs: Inputs, ctx: RunContext, artifactName: string, suite: string): Promise<ResolvedBaseline> {
  const source = inputs.baseline
  if (source.kind === 'none') return { missing: 'baseline is set to none' }
  if (source.kind === 'same-job') return { missing: 'the base commit is measured beside the head, not looked up' }
  if (source.kind === 'file') {
    const file = path.resolve(inputs.workingDirectory, source.path)
    return { results: await readResults(file), description: `file ${source.path}` }
  }
  const branch = inputs.baselineBranch || ctx.pullRequest?.baseRef || ctx.branch
  if (branch === undefined) return { missing: 'no base branch is known for this event; set baseline-branch' }
  if (ctx.workflowFile === undefined) return { missing: 'GITHUB_WORKFLOW_REF is not set, so this workflow cannot be found' }
  if (inputs.token === '') return { missing: 'no github-token, so no earlier run can be looked up' }
  const octokit = createOctokit(inputs.token, ctx.apiUrl)
  let lookup: BaselineLookup
  try {
    lookup = await findBaselineRun(octokit, {
      owner: ctx.owner,
      repo: ctx.repo,
      workflowFile: ctx.workflowFile,
      branch,
      artifactName,
      currentRunId: ctx.runId,
    })
  } catch (error) {
    const why = `${describeHttpError(error)}${permissionClause(error, 'actions: read')}`
    core.warning(fallbackLine(`Cannonade could not look up the baseline: ${why}`, 'thresholds only'))
    return { missing: `the baseline lookup failed: ${why}` }
  }
  if ('missing' in lookup) return lookup
  const run = lookup.found
  const where = `artifact of run ${run.runId} (${run.branch} @ ${run.sha.slice(0, 7)})`
  try {
    const { results, history, dropped } = await downloadBaseline({
      artifactId: run.artifactId,
      name: artifactName,
      sizeBytes: run.artifactSizeBytes,
      run: { runId: run.runId, owner: ctx.owner, repo: ctx.repo, token: inputs.token },
    })
    if (results.suite !== suite) return { missing: `the ${where} is for suite "${results.suite}", not "${suite}"` }
    core.info(plain(`baseline: ${where}, measured ${results.createdAt}`))
    let usable: History
    if ('unusable' in history || history.suite !== suite) {
      const why = 'unusable' in history ? history.unusable : `it is for suite "${history.suite}"`
      core.notice(plain(`Cannonade: the history in the ${where} could not be used (${why}); it starts again from that run's results.`))
      usable = historyFromResults(results, run.runId)
    } else {
      if (dropped !== undefined) {
        core.notice(
          plain(
            `Cannonade: ${plural(dropped.runs, 'run')} of the history in the ${where} could not be read and ${dropped.runs === 1 ? 'was' : 'were'} dropped (${dropped.problem}); the rest is kept.`,
          ),
        )
      }
      // The baseline run's own point, if the damage took it, comes back from its results.
      const lost = dropped !== undefined && history.runs.at(-1)?.runId !== run.runId
      usable = lost ? withRun(history, results, run.runId) : history
      core.info(`history: ${usable.runs.length} runs of ${branch}`)
    }
    return { results, description: where, runId: run.runId, history: usable }
  } catch (error) {
    const why = plain(`${describeHttpError(error)}${permissionClause(error, 'actions: read')}`)
    core.warning(fallbackLine(`Cannonade could not use the ${where} as the baseline: ${why}`, 'thresholds only'))
    return { missing: `the ${where} could not be used: ${why}` }
  }
}

// A history without its newest run (dropped as unreadable): that run's point, rebuilt from its results.
function withRun(history: History, results: Results, runId: number): History {
  return { ...history, runs: [...history.runs.filter((r) => r.runId !== runId), historyRunOf(results, runId)] }
}

/** Compares results with a resolved baseline, or with none, saying why, when it is missing. */
export function compareWith(baseline: ResolvedBaseline, results: Results): Comparison {
  const hint = baseline.suggestAppBuild === true ? { suggestAppBuild: true } : {}
  return 'missing' in baseline
    ? compare(undefined, results, { baselineMissing: baseline.missing, ...hint })
    : compare(baseline.results, results, {
        baselineDescription: baseline.description,
        paired: baseline.paired === true,
        ...hint,
        ...(baseline.history === undefined ? {} : { runToRun: runToRunOf(baseline.history) }),
      })
}
