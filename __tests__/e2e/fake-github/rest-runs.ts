// REST: the workflow runs of a workflow and the artifacts of a run (listed and downloaded), the calls
// the baseline lookup and @actions/artifact's download by run make.
import type { FakeCore } from './core.js'
import { group, type Ctx, type Route } from './http.js'
import type { FakeRun } from './types.js'

/** The routes under /repos/{owner}/{repo}. */
export function runRoutes(core: FakeCore): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/actions\/workflows\/([^/]+)\/runs$/,
      fault: 'runsList',
      handler: (ctx, m) => listRuns(core, ctx, decodeURIComponent(group(m, 1))),
    },
    {
      method: 'GET',
      pattern: /^\/actions\/runs\/(\d+)\/artifacts$/,
      fault: 'artifactsList',
      handler: (ctx, m) => listArtifacts(core, ctx, Number(group(m, 1))),
    },
    {
      method: 'GET',
      pattern: /^\/actions\/artifacts\/(\d+)\/(zip)$/,
      fault: 'artifactsList',
      handler: (ctx, m) => downloadArtifact(core, ctx, Number(group(m, 1))),
    },
  ]
}

function matchesWorkflow(core: FakeCore, run: FakeRun, workflow: string): boolean {
  if (/^\d+$/.test(workflow)) return core.workflowId(run.workflowPath) === Number(workflow)
  const base = run.workflowPath.split('/').pop() ?? run.workflowPath
  return base === workflow || run.workflowPath === workflow
}

function listRuns(core: FakeCore, ctx: Ctx, workflow: string | undefined): void {
  const q = ctx.url.searchParams
  const branch = q.get('branch')
  const event = q.get('event')
  const status = q.get('status')
  const headSha = q.get('head_sha')
  // GitHub's `status` filter accepts either a run status or a conclusion.
  const runStatuses = new Set(['completed', 'in_progress', 'queued', 'requested', 'waiting', 'pending'])
  const selected = core.runs
    .filter((r) => workflow === undefined || matchesWorkflow(core, r, workflow))
    .filter((r) => branch === null || r.headBranch === branch)
    .filter((r) => event === null || r.event === event)
    .filter((r) => headSha === null || r.headSha === headSha)
    .filter((r) => status === null || (runStatuses.has(status) ? r.status === status : r.conclusion === status))
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id)
  const { items, headers } = core.page(ctx, selected)
  core.json(ctx, 200, { total_count: selected.length, workflow_runs: items.map((r) => core.runJson(r)) }, headers)
}

function listArtifacts(core: FakeCore, ctx: Ctx, runId: number | undefined): void {
  const name = ctx.url.searchParams.get('name')
  const selected = core.artifacts
    .filter((a) => a.finalized)
    .filter((a) => runId === undefined || a.runId === runId)
    .filter((a) => name === null || a.name === name)
    .sort((a, b) => b.id - a.id)
  const { items, headers } = core.page(ctx, selected)
  core.json(ctx, 200, { total_count: selected.length, artifacts: items.map((a) => core.artifactJson(a)) }, headers)
}

function downloadArtifact(core: FakeCore, ctx: Ctx, id: number): void {
  const artifact = core.findFinalized(id)
  if (!artifact) {
    core.notFound(ctx)
    return
  }
  if (artifact.expired) {
    core.json(ctx, 410, {
      message: 'Artifact has expired',
      documentation_url: 'https://docs.github.com/rest/actions/artifacts#download-an-artifact',
      status: '410',
    })
    return
  }
  core.send(ctx, 302, { location: core.blobUrl(artifact) })
}
