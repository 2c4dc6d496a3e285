// `mode: comment`, for pull requests from forks: a trusted workflow_run workflow downloads the
// results that the untrusted run left in its artifact, compares them with the baseline itself and
// posts the report. No code of the pull request is checked out or run, and none of its markdown is
// posted: the artifact is data, validated against the results schema and rendered here, escaped.
import * as core from '@actions/core'
import { EnvironmentError, errorMessage, InputError } from '../errors.js'
import { describeHttpError, permissionClause } from '../github/http-error.js'
import { plain } from '../report/text.js'
import { downloadWanted, type ArtifactLocation, type Extracted } from '../github/artifact.js'
import { commentMarker, upsertComment } from '../github/comment.js'
import { artifactUrlOf, runUrlOf, type RunContext, type TriggeringRun } from '../github/context.js'
import { createOctokit, type Octokit } from '../github/octokit.js'
import { readResults } from '../results/io.js'
import { renderMarkdown } from '../report/markdown.js'
import { BASE_RESULTS, HANDOFF, RESULTS, sourceOf } from './artifact-files.js'
import { readHandoff, type Handoff } from './handoff.js'
import { compareWith, resolveBaseline, type ResolvedBaseline } from './resolve-baseline.js'
import { OUTPUT, type Inputs } from './inputs.js'
import { StepOutputs } from './outputs.js'

/** Posts the report of the run that triggered this workflow_run event on its pull request. */
export async function commentMode(inputs: Inputs, ctx: RunContext): Promise<void> {
  const trigger = ctx.triggeringRun
  if (trigger === undefined) {
    throw new InputError([`input 'mode': comment works in a workflow triggered by workflow_run, but this event is "${ctx.eventName}"`])
  }
  if (inputs.artifactName === '') {
    throw new InputError(["input 'artifact-name': mode comment needs the artifact name the measuring run used, e.g. cannonade-default"])
  }
  if (inputs.token === '') throw new InputError(["input 'github-token': mode comment needs a token that can write pull request comments"])
  const octokit = createOctokit(inputs.token, ctx.apiUrl)
  let data: Awaited<ReturnType<Octokit['rest']['actions']['listWorkflowRunArtifacts']>>['data']
  try {
    ;({ data } = await octokit.rest.actions.listWorkflowRunArtifacts({
      owner: ctx.owner,
      repo: ctx.repo,
      run_id: trigger.id,
      name: inputs.artifactName,
    }))
  } catch (error) {
    throw new EnvironmentError(
      `could not list the artifacts of run ${trigger.id}: ${describeHttpError(error)}${permissionClause(error, 'actions: read')}`,
    )
  }
  const artifact = data.artifacts.find((a) => a.name === inputs.artifactName && !a.expired)
  if (artifact === undefined) {
    core.notice(`Run ${trigger.id} left no artifact named ${inputs.artifactName}; nothing to comment.`)
    return
  }
  const location: ArtifactLocation = {
    artifactId: artifact.id,
    name: artifact.name,
    sizeBytes: artifact.size_in_bytes,
    run: { runId: trigger.id, owner: ctx.owner, repo: ctx.repo, token: inputs.token },
  }
  const extracted = await downloadWanted(location, [HANDOFF, RESULTS, BASE_RESULTS])
  try {
    await commentFrom(extracted, location, octokit, inputs, ctx, trigger)
  } finally {
    await extracted.cleanup()
  }
}

// The artifact's files, once downloaded: checked, compared with the baseline, and commented.
async function commentFrom(
  extracted: Extracted,
  location: ArtifactLocation,
  octokit: Octokit,
  inputs: Inputs,
  ctx: RunContext,
  trigger: TriggeringRun,
): Promise<void> {
  const handoffFile = extracted.pathOf(HANDOFF.name)
  if (handoffFile === undefined) {
    core.notice(`The artifact of run ${trigger.id} has no pull request to comment on (it was not a pull request run).`)
    return
  }
  let handoff: Handoff
  try {
    handoff = await readHandoff(handoffFile, sourceOf(location, HANDOFF.name))
  } catch (error) {
    // Only a run's own code writes a broken hand-off: said plainly, never taken for "no pull request".
    throw new EnvironmentError(`${plain(errorMessage(error))}; not commenting`)
  }
  // The artifact comes from code we do not trust: it may name any pull request. Comment only on the
  // one whose head is the commit that run measured.
  const { data: pr } = await octokit.rest.pulls.get({ owner: ctx.owner, repo: ctx.repo, pull_number: handoff.pullRequest })
  const mismatch = headMismatch({
    runId: trigger.id,
    pullRequest: handoff.pullRequest,
    prHead: pr.head.sha,
    handoffHead: handoff.headSha,
    measured: trigger.headSha,
    prSource: { repo: pr.head.repo?.full_name, branch: pr.head.ref },
    runSource: { repo: trigger.headRepo, branch: trigger.headBranch },
  })
  if (mismatch !== undefined) throw new EnvironmentError(mismatch)
  const fromFork = pr.head.repo?.full_name !== `${ctx.owner}/${ctx.repo}`
  const resultsFile = extracted.pathOf(RESULTS.name)
  if (resultsFile === undefined)
    throw new EnvironmentError(`the artifact of run ${trigger.id} holds no ${RESULTS.name}; nothing to comment`)
  const results = await readResults(resultsFile, sourceOf(location, RESULTS.name))
  const baseResults = extracted.pathOf(BASE_RESULTS.name)
  const baseline: ResolvedBaseline =
    baseResults !== undefined
      ? {
          results: await readResults(baseResults, sourceOf(location, BASE_RESULTS.name)),
          // A fork's run is the fork's code: its base numbers are its own claim, and said to be.
          description: fromFork
            ? `base commit as the fork's run ${trigger.id} reports measuring it beside the head (the fork's own numbers)`
            : `base commit measured beside the head in run ${trigger.id}`,
          paired: true,
        }
      : await resolveBaseline(
          { ...inputs, baselineBranch: inputs.baselineBranch || pr.base.ref },
          { ...ctx, runId: trigger.id, ...(trigger.workflowFile === undefined ? {} : { workflowFile: trigger.workflowFile }) },
          inputs.artifactName,
          results.suite,
        )
  const marker = commentMarker(results.suite)
  const links = { run: runUrlOf(ctx, trigger.id), artifact: artifactUrlOf(ctx, trigger.id, location.artifactId) }
  const body = renderMarkdown(compareWith(baseline, results), { marker, links })
  const result = await upsertComment(octokit, { owner: ctx.owner, repo: ctx.repo, issueNumber: handoff.pullRequest }, marker, body)
  core.info(`comment ${result.action} on #${handoff.pullRequest}: ${result.url}`)
  // The comment is posted: a runner that cannot take the output fails the step with a clear message.
  const outputs = new StepOutputs()
  outputs.set(OUTPUT.commentUrl, result.url)
  outputs.check()
}

/**
 * Why the pull request an artifact names is not the one its run measured, or undefined when it is:
 * same head branch and repository as the run, same head commit. SHAs are compared case-insensitively: the hand-off file is the fork's own and hex has two spellings.
 */
export function headMismatch(at: {
  runId: number
  pullRequest: number
  prHead: string
  handoffHead: string
  measured: string
  /** Where the pull request's head lives, as GitHub says now. */
  prSource: { repo: string | undefined; branch: string }
  /** The branch and repository the run measured, from the workflow_run event. */
  runSource: { repo: string | undefined; branch: string | undefined }
}): string | undefined {
  const same = (sha: string): boolean => sha.toLowerCase() === at.measured.toLowerCase()
  const short = (sha: string): string => sha.slice(0, 12)
  // Two pull requests can share a head commit (opened from the same commit, or by someone wanting
  // another's report): the branch and repository the run measured say which one it was.
  const { prSource, runSource } = at
  if (runSource.repo === undefined || runSource.branch === undefined) {
    return `the workflow_run event does not say which branch and repository run ${at.runId} measured, so pull request #${at.pullRequest} cannot be checked; not commenting`
  }
  if (prSource.repo?.toLowerCase() !== runSource.repo.toLowerCase() || prSource.branch !== runSource.branch) {
    return `the artifact of run ${at.runId} names pull request #${at.pullRequest}, whose head is ${prSource.repo ?? '(a deleted repository)'}:${prSource.branch}, but that run measured ${runSource.repo}:${runSource.branch}; not commenting`
  }
  if (!same(at.prHead)) {
    return `the artifact of run ${at.runId} names pull request #${at.pullRequest}, whose head ${short(at.prHead)} is not the commit that run measured (${short(at.measured)}); not commenting`
  }
  if (!same(at.handoffHead)) {
    return `the artifact of run ${at.runId} says it measured ${short(at.handoffHead)} for pull request #${at.pullRequest}, which is not the commit that run measured (${short(at.measured)}); not commenting`
  }
  return undefined
}
