// The fake's state and what every protocol uses to answer: ids, the request log, JSON responses,
// GitHub's paging, and the JSON GitHub renders runs, artifacts, comments and users as.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { ACTIONS_BOT_ID, isoOrNow, isRecord, REPO_NUMERIC_ID, RETENTION_MS, sha256, stableId, type Ctx, type Json } from './http.js'
import type { FakeArtifact, FakeComment, FakeFaults, FakePull, FakeRequest, FakeRequestDetail, FakeRun } from './types.js'

/** State and responders shared by the protocol modules (rest-runs, rest-comments, twirp, blob). */
export class FakeCore {
  url = ''
  runs: FakeRun[] = []
  artifacts: FakeArtifact[] = []
  comments: FakeComment[] = []
  pulls: FakePull[] = []
  faults: FakeFaults = {}
  requests: FakeRequest[] = []
  requestDetails: FakeRequestDetail[] = []
  /** Blocks staged per artifact id, committed in block-list order. */
  readonly staged = new Map<number, Map<string, Buffer>>()
  /** Stand-in for a SAS signature: blob requests without it are refused like Azure would. */
  readonly sig = randomBytes(12).toString('hex')
  private idCounter = 1000

  constructor(
    readonly owner: string,
    readonly repo: string,
    public tokenLogin: string,
  ) {}

  /** Ids are shared across artifacts and comments and stay above anything a test pushed by hand. */
  nextId(): number {
    let max = this.idCounter
    for (const a of this.artifacts) max = Math.max(max, a.id)
    for (const c of this.comments) max = Math.max(max, c.id)
    this.idCounter = max + 1
    return this.idCounter
  }

  ensureRun(runId: number): FakeRun {
    return this.runs.find((r) => r.id === runId) ?? this.addRun({ id: runId })
  }

  /** Adds (or replaces, by id) a run, filling unspecified fields with defaults. */
  addRun(run: Partial<FakeRun> & { id: number }): FakeRun {
    const full: FakeRun = {
      workflowPath: '.github/workflows/perf.yml',
      headBranch: 'main',
      headSha: createHash('sha1').update(`run-${run.id}`).digest('hex'),
      event: 'push',
      status: 'completed',
      conclusion: 'success',
      createdAt: new Date().toISOString(),
      ...run,
    }
    const existing = this.runs.findIndex((r) => r.id === run.id)
    if (existing >= 0) this.runs[existing] = full
    else this.runs.push(full)
    return full
  }

  send(ctx: Ctx, status: number, headers: Record<string, string>, body: Buffer | string = ''): void {
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
    ctx.res.writeHead(status, { ...headers, 'content-length': String(payload.length) })
    // Logged before end() so a client that has its response already sees the entry.
    this.requests.push({ method: ctx.method, path: ctx.url.pathname, status })
    this.requestDetails.push({
      method: ctx.method,
      path: ctx.url.pathname,
      status,
      query: ctx.url.search.replace(/^\?/, ''),
      authorization: ctx.req.headers.authorization ?? '',
    })
    ctx.res.end(payload)
  }

  json(ctx: Ctx, status: number, body: Json, headers: Record<string, string> = {}): void {
    this.send(
      ctx,
      status,
      {
        'content-type': 'application/json; charset=utf-8',
        'x-github-request-id': randomUUID().toUpperCase(),
        'x-github-media-type': 'github.v3; format=json',
        ...headers,
      },
      JSON.stringify(body),
    )
  }

  notFound(ctx: Ctx): void {
    this.json(ctx, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' })
  }

  parseJsonBody(ctx: Ctx): Record<string, unknown> | undefined {
    if (ctx.body.length === 0) return {}
    try {
      const parsed: unknown = JSON.parse(ctx.body.toString('utf8'))
      return isRecord(parsed) ? parsed : undefined
    } catch {
      return undefined
    }
  }

  /**
   * Applies GitHub's `per_page` (default 30, max 100) / `page` paging and sets a
   * `Link` header in GitHub's format so Octokit's paginate follows it.
   */
  page<T>(ctx: Ctx, items: readonly T[]): { items: T[]; headers: Record<string, string> } {
    const perPageRaw = Number.parseInt(ctx.url.searchParams.get('per_page') ?? '', 10)
    const perPage = Number.isFinite(perPageRaw) && perPageRaw > 0 ? Math.min(perPageRaw, 100) : 30
    const pageRaw = Number.parseInt(ctx.url.searchParams.get('page') ?? '', 10)
    const page = Number.isFinite(pageRaw) && pageRaw > 0 ? pageRaw : 1
    const lastPage = Math.max(1, Math.ceil(items.length / perPage))
    const linkTo = (p: number): string => {
      const u = new URL(`${this.url}${ctx.url.pathname}${ctx.url.search}`)
      u.searchParams.set('page', String(p))
      return u.toString()
    }
    const links: string[] = []
    if (page > 1) links.push(`<${linkTo(Math.min(page - 1, lastPage))}>; rel="prev"`)
    if (page < lastPage) links.push(`<${linkTo(page + 1)}>; rel="next"`, `<${linkTo(lastPage)}>; rel="last"`)
    if (page > 1) links.push(`<${linkTo(1)}>; rel="first"`)
    const headers: Record<string, string> = links.length > 0 ? { link: links.join(', ') } : {}
    return { items: items.slice((page - 1) * perPage, page * perPage), headers }
  }

  userJson(login: string): Json {
    const isBot = login.endsWith('[bot]')
    const id = login === 'github-actions[bot]' ? ACTIONS_BOT_ID : stableId(login, 1_000_000)
    return {
      login,
      id,
      node_id: `U_fake${id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      url: `${this.url}/users/${encodeURIComponent(login)}`,
      html_url: isBot ? `https://github.com/apps/${login.replace(/\[bot\]$/, '')}` : `https://github.com/${login}`,
      type: isBot ? 'Bot' : 'User',
      site_admin: false,
    }
  }

  repoJson(): Json {
    return {
      id: REPO_NUMERIC_ID,
      node_id: `R_fake${REPO_NUMERIC_ID}`,
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      private: false,
      owner: { login: this.owner, id: stableId(this.owner, 2_000_000), type: 'Organization' },
      html_url: `https://github.com/${this.owner}/${this.repo}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}`,
    }
  }

  workflowId(workflowPath: string): number {
    return stableId(workflowPath, 50_000_000)
  }

  workflowName(run: FakeRun): string {
    return run.name ?? (run.workflowPath.split('/').pop() ?? run.workflowPath).replace(/\.ya?ml$/, '')
  }

  runJson(run: FakeRun): Json {
    const api = `${this.url}/repos/${this.owner}/${this.repo}`
    const createdAt = isoOrNow(run.createdAt)
    const workflowId = this.workflowId(run.workflowPath)
    return {
      id: run.id,
      name: this.workflowName(run),
      node_id: `WFR_fake${run.id}`,
      head_branch: run.headBranch,
      head_sha: run.headSha,
      path: run.workflowPath,
      display_title: `${this.workflowName(run)} #${run.id}`,
      run_number: run.id,
      run_attempt: 1,
      event: run.event,
      status: run.status,
      conclusion: run.conclusion,
      workflow_id: workflowId,
      check_suite_id: run.id + 9_000_000,
      url: `${api}/actions/runs/${run.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/actions/runs/${run.id}`,
      pull_requests: [],
      created_at: createdAt,
      updated_at: createdAt,
      run_started_at: createdAt,
      actor: this.userJson('octocat'),
      triggering_actor: this.userJson('octocat'),
      jobs_url: `${api}/actions/runs/${run.id}/jobs`,
      logs_url: `${api}/actions/runs/${run.id}/logs`,
      artifacts_url: `${api}/actions/runs/${run.id}/artifacts`,
      cancel_url: `${api}/actions/runs/${run.id}/cancel`,
      rerun_url: `${api}/actions/runs/${run.id}/rerun`,
      workflow_url: `${api}/actions/workflows/${workflowId}`,
      head_commit: {
        id: run.headSha,
        tree_id: createHash('sha1').update(`tree-${run.headSha}`).digest('hex'),
        message: `commit ${run.headSha.slice(0, 7)}`,
        timestamp: createdAt,
        author: { name: 'Octo Cat', email: 'octocat@example.com' },
        committer: { name: 'Octo Cat', email: 'octocat@example.com' },
      },
      repository: this.repoJson(),
      head_repository: this.repoJson(),
    }
  }

  artifactJson(a: FakeArtifact): Json {
    const api = `${this.url}/repos/${this.owner}/${this.repo}`
    const run = this.runs.find((r) => r.id === a.runId)
    const createdAt = isoOrNow(a.createdAt)
    const expiresAt = a.expired
      ? new Date(Math.min(Date.parse(createdAt) + RETENTION_MS, Date.now() - 60_000)).toISOString()
      : new Date(Date.parse(createdAt) + RETENTION_MS).toISOString()
    return {
      id: a.id,
      node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
      name: a.name,
      size_in_bytes: a.zip.length,
      url: `${api}/actions/artifacts/${a.id}`,
      archive_download_url: `${api}/actions/artifacts/${a.id}/zip`,
      expired: a.expired,
      digest: `sha256:${sha256(a.zip)}`,
      created_at: createdAt,
      updated_at: createdAt,
      expires_at: expiresAt,
      workflow_run: {
        id: a.runId,
        repository_id: REPO_NUMERIC_ID,
        head_repository_id: REPO_NUMERIC_ID,
        head_branch: run?.headBranch ?? 'main',
        head_sha: run?.headSha ?? '',
      },
    }
  }

  commentJson(c: FakeComment): Json {
    const api = `${this.url}/repos/${this.owner}/${this.repo}`
    return {
      id: c.id,
      node_id: `IC_fake${c.id}`,
      url: `${api}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${api}/issues/${c.issueNumber}`,
      body: c.body,
      user: this.userJson(c.userLogin),
      created_at: isoOrNow(c.createdAt),
      updated_at: isoOrNow(c.updatedAt),
      author_association: c.userLogin.endsWith('[bot]') ? 'NONE' : 'MEMBER',
      performed_via_github_app: null,
    }
  }

  blobUrl(a: FakeArtifact): string {
    // Path shaped /<account>/<container>/<blob> because the Azure SDK parses IP-host URLs that way.
    const file = (a.contentType ?? 'application/zip') === 'application/zip' ? `${a.name}.zip` : a.name
    const expiry = new Date(Date.now() + 3600_000).toISOString()
    return `${this.url}/blob/artifacts/${a.id}/${encodeURIComponent(file)}?sv=2023-11-03&se=${encodeURIComponent(expiry)}&sr=b&sp=rcw&sig=${this.sig}`
  }

  findFinalized(id: number): FakeArtifact | undefined {
    return this.artifacts.find((a) => a.id === id && a.finalized)
  }
}
