// The fake's HTTP server: routes each request to its protocol (REST runs and artifacts, REST comments,
// Twirp, blob storage), injects faults, and offers tests what they plant and inspect.
import http from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { blobRoutes, azureError } from './blob.js'
import { FakeCore } from './core.js'
import { base64url, group, jobIdFor, type Ctx, type Route } from './http.js'
import { commentRoutes, userRoutes } from './rest-comments.js'
import { runRoutes } from './rest-runs.js'
import { twirpError, twirpRoutes } from './twirp.js'
import type { FakeArtifact, FakeFaults, FakeGitHub, FakeGitHubOptions } from './types.js'
import { createZip, extractZip } from './zip.js'

class FakeGitHubServer extends FakeCore implements FakeGitHub {
  private readonly server: http.Server
  private closed = false
  /** Routes outside /repos/{owner}/{repo}: the user, Twirp and blob storage. */
  private readonly routes: Route[]
  /** Routes under /repos/{owner}/{repo}, matched against the rest of the path. */
  private readonly repoRoutes: Route[]

  constructor(opts: FakeGitHubOptions) {
    super(opts.owner ?? 'octo', opts.repo ?? 'app', opts.tokenLogin ?? 'github-actions[bot]')
    this.server = http.createServer((req, res) => {
      void this.handle(req, res)
    })
    this.routes = [...userRoutes(this), ...twirpRoutes(this), ...blobRoutes(this)]
    this.repoRoutes = [...runRoutes(this), ...commentRoutes(this)]
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, '127.0.0.1', () => {
        const address = this.server.address()
        if (address === null || typeof address === 'string') {
          reject(new Error('fake GitHub did not get a TCP address'))
          return
        }
        this.url = `http://127.0.0.1:${address.port}`
        resolve()
      })
    })
  }

  runtimeToken(runId: number): string {
    const now = Math.floor(Date.now() / 1000)
    const header = { typ: 'JWT', alg: 'none' }
    const payload = {
      // Only the Actions.Results scope matters to @actions/artifact; the others mimic a real token.
      scp: `Actions.ExampleScope Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${runId}:${jobIdFor(runId)}`,
      iss: 'fake-github',
      aud: 'vstoken',
      nbf: now - 60,
      iat: now - 60,
      exp: now + 6 * 3600,
    }
    // Unsecured JWT (RFC 7519 §6): empty signature. The client only decodes it.
    return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.`
  }

  envFor(runId: number): Record<string, string> {
    return {
      GITHUB_API_URL: this.url,
      ACTIONS_RESULTS_URL: `${this.url}/`,
      ACTIONS_RUNTIME_TOKEN: this.runtimeToken(runId),
      GITHUB_REPOSITORY: `${this.owner}/${this.repo}`,
      GITHUB_REPOSITORY_OWNER: this.owner,
      GITHUB_RUN_ID: String(runId),
    }
  }

  async addArtifactZip(
    runId: number,
    name: string,
    files: Record<string, string | Buffer>,
    opts: { expired?: boolean } = {},
  ): Promise<FakeArtifact> {
    this.ensureRun(runId)
    const now = new Date().toISOString()
    const artifact: FakeArtifact = {
      id: this.nextId(),
      runId,
      name,
      expired: opts.expired ?? false,
      zip: await createZip(files),
      createdAt: now,
      finalized: true,
      jobBackendId: jobIdFor(runId),
      contentType: 'application/zip',
    }
    this.artifacts.push(artifact)
    return artifact
  }

  readArtifactFiles(artifact: FakeArtifact): Promise<Record<string, Buffer>> {
    return extractZip(artifact.zip)
  }

  reset(): void {
    this.runs.length = 0
    this.artifacts.length = 0
    this.comments.length = 0
    this.pulls.length = 0
    this.requests.length = 0
    this.requestDetails.length = 0
    this.staged.clear()
    for (const key of Object.keys(this.faults)) Reflect.deleteProperty(this.faults, key)
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()))
      // Clients keep connections alive; without this close() waits for their idle timeout.
      this.server.closeAllConnections()
    })
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const chunks: Buffer[] = []
    try {
      for await (const raw of req) {
        const chunk: unknown = raw
        if (Buffer.isBuffer(chunk)) chunks.push(chunk)
        else if (typeof chunk === 'string') chunks.push(Buffer.from(chunk, 'utf8'))
      }
    } catch {
      return // client went away mid-body; nothing to answer
    }
    const ctx: Ctx = { req, res, method, url, body: Buffer.concat(chunks) }
    try {
      await this.dispatch(ctx)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (!res.headersSent) this.json(ctx, 500, { message: `fake GitHub crashed: ${message}` })
      else res.destroy()
    }
  }

  private async dispatch(ctx: Ctx): Promise<void> {
    const path = ctx.url.pathname
    const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(path)
    let candidates: Route[]
    let target: string
    if (repoMatch) {
      const owner = decodeURIComponent(group(repoMatch, 1)).toLowerCase()
      const repo = decodeURIComponent(group(repoMatch, 2)).toLowerCase()
      // GitHub treats owner/repo case-insensitively and 404s unknown repositories.
      if (owner !== this.owner.toLowerCase() || repo !== this.repo.toLowerCase()) {
        this.notFound(ctx)
        return
      }
      candidates = this.repoRoutes
      target = group(repoMatch, 3)
    } else {
      candidates = this.routes
      target = path
    }
    for (const route of candidates) {
      if (route.method !== ctx.method) continue
      const m = route.pattern.exec(target)
      if (!m) continue
      const faultStatus = route.fault === undefined ? undefined : this.faults[route.fault]
      if (faultStatus === 'hang') {
        // Logged with status 0 (never answered), so a test can see the request arrived.
        this.requests.push({ method: ctx.method, path: ctx.url.pathname, status: 0 })
        return
      }
      if (faultStatus !== undefined) {
        this.fault(ctx, route.fault, faultStatus)
        return
      }
      await route.handler(ctx, m)
      return
    }
    this.notFound(ctx)
  }

  private fault(ctx: Ctx, family: keyof FakeFaults | undefined, status: number): void {
    const text = http.STATUS_CODES[status] ?? 'Error'
    if (family === 'twirp') {
      twirpError(this, ctx, status, `injected fault: ${text}`)
    } else if (family === 'blob') {
      azureError(this, ctx, status, 'InternalError', `injected fault: ${text}`)
    } else {
      const message = status === 403 ? 'Resource not accessible by integration' : status === 404 ? 'Not Found' : `injected fault: ${text}`
      this.json(ctx, status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status) })
    }
  }
}

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const fake = new FakeGitHubServer(opts)
  await fake.listen()
  return fake
}
