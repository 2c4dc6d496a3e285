// Finding the baseline: the results artifact of the newest successful push run of this workflow on
// the base branch, skipping runs whose artifact is missing or expired.
import type { Octokit } from './octokit.js'

/** A run whose artifact can serve as the baseline. */
export interface BaselineRun {
  readonly runId: number
  readonly artifactId: number
  /** Size of the artifact's zip, as GitHub lists it. */
  readonly artifactSizeBytes: number
  readonly sha: string
  readonly branch: string
  readonly createdAt: string
}

/** What to look for. */
export interface BaselineQuery {
  readonly owner: string
  readonly repo: string
  /** Workflow file name, e.g. `perf.yml`. */
  readonly workflowFile: string
  readonly branch: string
  readonly artifactName: string
  /** This run, which must not be its own baseline. */
  readonly currentRunId: number
  /** How many runs to look through before giving up. */
  readonly maxRuns?: number
}

/** The baseline, or why there is none (said plainly in the report). */
export type BaselineLookup = { readonly found: BaselineRun } | { readonly missing: string }

/** Looks for the newest successful push run on the branch that still has the artifact. */
export async function findBaselineRun(octokit: Octokit, query: BaselineQuery): Promise<BaselineLookup> {
  const maxRuns = query.maxRuns ?? 50
  let looked = 0
  let expired = 0
  const iterator = octokit.paginate.iterator(octokit.rest.actions.listWorkflowRuns, {
    owner: query.owner,
    repo: query.repo,
    workflow_id: query.workflowFile,
    branch: query.branch,
    event: 'push',
    status: 'success',
    per_page: 20,
  })
  for await (const page of iterator) {
    for (const run of page.data) {
      if (run.id === query.currentRunId) continue
      if (looked >= maxRuns) break
      looked++
      const artifacts = await octokit.rest.actions.listWorkflowRunArtifacts({
        owner: query.owner,
        repo: query.repo,
        run_id: run.id,
        name: query.artifactName,
        per_page: 100,
      })
      const usable = artifacts.data.artifacts.filter((a) => a.name === query.artifactName)
      const live = usable.find((a) => !a.expired)
      if (live !== undefined) {
        return {
          found: {
            runId: run.id,
            artifactId: live.id,
            artifactSizeBytes: live.size_in_bytes,
            sha: run.head_sha,
            branch: query.branch,
            createdAt: run.created_at,
          },
        }
      }
      if (usable.length > 0) expired++
    }
    if (looked >= maxRuns) break
  }
  if (looked === 0) {
    return {
      missing: `no successful push run of ${query.workflowFile} on ${query.branch} yet; the next push to ${query.branch} records one`,
    }
  }
  const why = expired > 0 ? `${expired} had only an expired artifact` : `none had an artifact named "${query.artifactName}"`
  return { missing: `looked at ${looked} successful push run(s) of ${query.workflowFile} on ${query.branch}: ${why}` }
}
