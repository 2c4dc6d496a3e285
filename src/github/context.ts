// What the action needs to know about the workflow run it is in, read once from the runner's
// environment and event payload (the same variables @actions/github reads, without its globals).
import { readFileSync } from 'node:fs'
import { EnvironmentError } from '../errors.js'

/** The pull request a run is about. */
export interface PullRequestInfo {
  readonly number: number
  readonly baseRef: string
  readonly baseSha?: string
  readonly headSha: string
  /** The head branch lives in another repository: the token cannot write, so no comment. */
  readonly fromFork: boolean
}

/** The triggering run of a `workflow_run` event (for `mode: comment`). */
export interface TriggeringRun {
  readonly id: number
  readonly headSha: string
  readonly conclusion?: string
  /** File name of the triggering run's workflow, e.g. `perf.yml`: where its baselines come from. */
  readonly workflowFile?: string
  /** The branch the run measured, and the repository it lives in (`someone/app` for a fork). */
  readonly headBranch?: string
  readonly headRepo?: string
}

/** The run's context. */
export interface RunContext {
  readonly eventName: string
  readonly owner: string
  readonly repo: string
  readonly runId: number
  readonly sha?: string
  readonly ref?: string
  /** The branch pushed to (push events). */
  readonly branch?: string
  /** File name of this workflow, e.g. `perf.yml`, from GITHUB_WORKFLOW_REF. */
  readonly workflowFile?: string
  readonly apiUrl: string
  readonly serverUrl: string
  readonly pullRequest?: PullRequestInfo
  readonly triggeringRun?: TriggeringRun
  readonly defaultBranch?: string
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value)) : {}
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** `owner/repo/.github/workflows/perf.yml@refs/heads/main` → `perf.yml`. */
export function workflowFileOf(workflowRef: string | undefined): string | undefined {
  const file = workflowRef?.split('@')[0]?.split('/').pop()
  return file === undefined || file === '' ? undefined : file
}

/** Reads the run's context from the runner environment; throws when the essentials are missing. */
export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? '').split('/')
  if (owner === undefined || repo === undefined || owner === '' || repo === '') {
    throw new EnvironmentError('GITHUB_REPOSITORY is not set: this does not look like a GitHub Actions run (use the CLI locally)')
  }
  let payload: Record<string, unknown> = {}
  const eventPath = env['GITHUB_EVENT_PATH']
  if (eventPath !== undefined && eventPath !== '') {
    try {
      payload = record(JSON.parse(readFileSync(eventPath, 'utf8')))
    } catch (error) {
      throw new EnvironmentError(`cannot read the event payload ${eventPath}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  const pr = record(payload['pull_request'])
  const base = record(pr['base'])
  const head = record(pr['head'])
  const headRepo = text(record(head['repo'])['full_name'])
  const baseRepo = text(record(base['repo'])['full_name'])
  const number = pr['number'] ?? payload['number']
  const baseRef = text(base['ref'])
  const baseSha = text(base['sha'])
  const pullRequest: PullRequestInfo | undefined =
    typeof number === 'number' && baseRef !== undefined
      ? {
          number,
          baseRef,
          ...(baseSha === undefined ? {} : { baseSha }),
          headSha: text(head['sha']) ?? env['GITHUB_SHA'] ?? '',
          fromFork: headRepo !== undefined && baseRepo !== undefined && headRepo !== baseRepo,
        }
      : undefined
  const run = record(payload['workflow_run'])
  const conclusion = text(run['conclusion'])
  const runWorkflow = workflowFileOf(text(run['path']))
  const runBranch = text(run['head_branch'])
  const runRepo = text(record(run['head_repository'])['full_name'])
  const triggeringRun: TriggeringRun | undefined =
    typeof run['id'] === 'number'
      ? {
          id: run['id'],
          headSha: text(run['head_sha']) ?? '',
          ...(conclusion === undefined ? {} : { conclusion }),
          ...(runWorkflow === undefined ? {} : { workflowFile: runWorkflow }),
          ...(runBranch === undefined ? {} : { headBranch: runBranch }),
          ...(runRepo === undefined ? {} : { headRepo: runRepo }),
        }
      : undefined
  const ref = env['GITHUB_REF']
  const defaultBranch = text(record(payload['repository'])['default_branch'])
  const sha = pullRequest?.headSha ?? env['GITHUB_SHA']
  const workflowFile = workflowFileOf(env['GITHUB_WORKFLOW_REF'])
  return {
    eventName: env['GITHUB_EVENT_NAME'] ?? '',
    owner,
    repo,
    runId: Number(env['GITHUB_RUN_ID'] ?? 0),
    ...(sha === undefined ? {} : { sha }),
    ...(ref === undefined ? {} : { ref }),
    ...(ref?.startsWith('refs/heads/') === true ? { branch: ref.slice('refs/heads/'.length) } : {}),
    ...(workflowFile === undefined ? {} : { workflowFile }),
    apiUrl: env['GITHUB_API_URL'] ?? 'https://api.github.com',
    serverUrl: env['GITHUB_SERVER_URL'] ?? 'https://github.com',
    ...(pullRequest === undefined ? {} : { pullRequest }),
    ...(triggeringRun === undefined ? {} : { triggeringRun }),
    ...(defaultBranch === undefined ? {} : { defaultBranch }),
  }
}

/** The web page of a workflow run of this repository, for links in reports. */
export function runUrlOf(ctx: RunContext, runId: number): string {
  return `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/actions/runs/${runId}`
}

/** The page of an artifact of a workflow run, where it can be downloaded (report.html inside). */
export function artifactUrlOf(ctx: RunContext, runId: number, artifactId: number): string {
  return `${runUrlOf(ctx, runId)}/artifacts/${artifactId}`
}
