/**
 * A loopback stand-in for the parts of GitHub that Cannonade talks to: the REST API
 * (workflow runs, artifacts, issue comments, the authenticated user), the Actions
 * results service (Twirp `ArtifactService`) and the Azure blob storage that signed
 * artifact URLs point at.
 *
 * It is deliberately protocol-faithful rather than convenient: the real
 * `@actions/artifact` client and the real Octokit from `@actions/github` are pointed
 * at it unchanged, so anything they would trip over on github.com they trip over here.
 * Everything lives in memory and the server only ever binds 127.0.0.1.
 */
import http from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import zlib from 'node:zlib'
import { promisify } from 'node:util'

const deflateRaw = promisify(zlib.deflateRaw)
const inflateRaw = promisify(zlib.inflateRaw)

// ---------------------------------------------------------------------------
// Public shapes
// ---------------------------------------------------------------------------

/** A workflow run as the fake stores it; rendered to GitHub's `workflow_run` JSON on demand. */
export interface FakeRun {
  id: number
  /** Repository-relative workflow file, e.g. `.github/workflows/perf.yml`. */
  workflowPath: string
  headBranch: string
  headSha: string
  /** `push` | `pull_request` | `workflow_run` | … */
  event: string
  /** `completed` | `in_progress` | `queued` | … */
  status: string
  /** `success` | `failure` | … or null while not completed. */
  conclusion: string | null
  /** ISO-8601 timestamp; the runs list is ordered newest first by this. */
  createdAt: string
  /** Workflow display name; defaults to the workflow file name without extension. */
  name?: string
}

/** An artifact as the fake stores it. Only `finalized` artifacts are visible to readers. */
export interface FakeArtifact {
  id: number
  runId: number
  name: string
  /** Expired artifacts stay listed (with `expired: true`) but their download answers 410. */
  expired: boolean
  /** The bytes exactly as stored in the blob (normally a zip). */
  zip: Buffer
  createdAt: string
  finalized: boolean
  /** The `workflowJobRunBackendId` the artifact was created under; defaults to the run's job id. */
  jobBackendId?: string
  /** MIME type recorded at creation; `application/zip` when absent. */
  contentType?: string
}

/** An issue / pull-request comment. */
export interface FakeComment {
  id: number
  issueNumber: number
  body: string
  userLogin: string
  createdAt: string
  updatedAt: string
}

/** A pull request, as far as `GET /pulls/{n}` needs one. */
export interface FakePull {
  number: number
  headSha: string
  headRef: string
  baseRef: string
  /** Full name of the repository the head branch lives in; differs from the base for forks. */
  headRepo: string
}

/**
 * Faults to inject. Each value is the HTTP status every request of that family is
 * answered with while it is set; delete the key (or set it undefined) to heal.
 */
export interface FakeFaults {
  /** All `/issues/{n}/comments` and `/issues/comments/{id}` endpoints. */
  comments?: number
  /** REST artifact endpoints: run artifact list, repo artifact list, get, zip, delete. */
  artifactsList?: number
  /** REST run endpoints: workflow runs list, repo runs list, single run, workflow. */
  runsList?: number
  /** Every Twirp `ArtifactService` call. */
  twirp?: number
  /** Blob storage (upload PUTs and download GETs). Slow: both Azure SDK and download retry. */
  blob?: number
  /** `GET /user`. */
  user?: number
}

/** Options for {@link startFakeGitHub}. */
export interface FakeGitHubOptions {
  /** Repository owner; default `octo`. */
  owner?: string
  /** Repository name; default `app`. */
  repo?: string
  /** Login of the token's user; default `github-actions[bot]`. */
  tokenLogin?: string
}

/**
 * One served request in {@link FakeGitHub.requests}. Exactly these three keys, so
 * `toContainEqual({ method, path, status })` works.
 */
export interface FakeRequest {
  method: string
  /** URL path without the query string, e.g. `/repos/octo/app/issues/1/comments`. */
  path: string
  status: number
}

/** A {@link FakeRequest} plus details that are only sometimes worth asserting on. */
export interface FakeRequestDetail extends FakeRequest {
  /** Raw query string without the leading `?`, or `''`. */
  query: string
  /** The `Authorization` header as sent, or `''`. */
  authorization: string
}

/** Handle on a running fake; all state arrays are live and may be mutated directly by tests. */
export interface FakeGitHub {
  /** `http://127.0.0.1:PORT`, no trailing slash: REST base, results service base and blob host. */
  url: string
  owner: string
  repo: string
  runs: FakeRun[]
  artifacts: FakeArtifact[]
  comments: FakeComment[]
  /** Pull requests `GET /pulls/{n}` answers for. */
  pulls: FakePull[]
  /** Mutable at any time; read on every request. */
  faults: FakeFaults
  /** Every request served, in response order (logged just before the response is sent). */
  requests: FakeRequest[]
  /** Same requests as {@link FakeGitHub.requests}, with query string and Authorization header. */
  requestDetails: FakeRequestDetail[]
  /** Who `GET /user` says the token belongs to, and who authors new comments. */
  tokenLogin: string
  /** Adds (or replaces, by id) a run, filling unspecified fields with defaults. */
  addRun(run: Partial<FakeRun> & { id: number }): FakeRun
  /** An unsigned JWT whose `scp` claim makes `@actions/artifact` upload into this run. */
  runtimeToken(runId: number): string
  /**
   * Environment a child process needs so `@actions/artifact` and `@actions/github`
   * reach this fake as run `runId`. GITHUB_SERVER_URL is intentionally absent: any
   * non-github.com value makes `@actions/artifact` refuse to work (GHES detection).
   */
  envFor(runId: number): Record<string, string>
  /** Plants a finalized artifact whose blob is a real zip of `files`. */
  addArtifactZip(runId: number, name: string, files: Record<string, string | Buffer>, opts?: { expired?: boolean }): Promise<FakeArtifact>
  /** Unzips an artifact's stored bytes (directories skipped); rejects on a corrupt zip. */
  readArtifactFiles(artifact: FakeArtifact): Promise<Record<string, Buffer>>
  /** Forgets all runs, artifacts, comments, faults and logged requests; keeps the port and tokenLogin. */
  reset(): void
  /** Stops the server and drops keep-alive connections. Idempotent. */
  close(): Promise<void>
}

// ---------------------------------------------------------------------------
// Zip
// ---------------------------------------------------------------------------

const SIG_LOCAL = 0x04034b50
const SIG_CENTRAL = 0x02014b50
const SIG_END = 0x06054b50
const FLAG_UTF8 = 0x0800
const METHOD_STORE = 0
const METHOD_DEFLATE = 8

function dosDateTime(date: Date): { time: number; date: number } {
  // DOS timestamps cannot express years before 1980.
  const year = Math.max(date.getFullYear(), 1980)
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  }
}

/**
 * Builds a zip archive (deflate, or store when deflate would not shrink the entry)
 * without data descriptors, so both streaming readers (unzip-stream, used by
 * `@actions/artifact` downloads) and central-directory readers accept it.
 */
export async function createZip(files: Record<string, string | Buffer>): Promise<Buffer> {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  const stamp = dosDateTime(new Date())
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
    const nameBytes = Buffer.from(name, 'utf8')
    const deflated = await deflateRaw(data)
    const useDeflate = deflated.length < data.length
    const stored = useDeflate ? deflated : data
    const method = useDeflate ? METHOD_DEFLATE : METHOD_STORE
    const crc = zlib.crc32(data)

    const local = Buffer.alloc(30)
    local.writeUInt32LE(SIG_LOCAL, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(FLAG_UTF8, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt16LE(stamp.time, 10)
    local.writeUInt16LE(stamp.date, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(stored.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    local.writeUInt16LE(0, 28)
    locals.push(local, nameBytes, stored)

    const central = Buffer.alloc(46)
    central.writeUInt32LE(SIG_CENTRAL, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, so external attrs carry a mode
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(FLAG_UTF8, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt16LE(stamp.time, 12)
    central.writeUInt16LE(stamp.date, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(stored.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt16LE(0, 30)
    central.writeUInt16LE(0, 32)
    central.writeUInt16LE(0, 34)
    central.writeUInt16LE(0, 36)
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, nameBytes)

    offset += local.length + nameBytes.length + stored.length
  }
  const centralDir = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(SIG_END, 0)
  const count = Object.keys(files).length
  end.writeUInt16LE(count, 8)
  end.writeUInt16LE(count, 10)
  end.writeUInt32LE(centralDir.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, centralDir, end])
}

/**
 * Reads every file entry of a zip via its central directory. The central directory
 * is authoritative because archiver (used by uploads) streams entries with data
 * descriptors, leaving sizes in the local headers zeroed. Rejects on anything
 * malformed, including CRC mismatches, so a corrupt artifact cannot pass silently.
 */
export async function extractZip(zip: Buffer): Promise<Record<string, Buffer>> {
  let endAt = -1
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === SIG_END) {
      endAt = i
      break
    }
  }
  if (endAt < 0) throw new Error('not a zip: end of central directory record not found')
  const count = zip.readUInt16LE(endAt + 10)
  const centralOffset = zip.readUInt32LE(endAt + 16)
  if (count === 0xffff || centralOffset === 0xffffffff) throw new Error('zip64 archives are not supported')

  const out: Record<string, Buffer> = {}
  let at = centralOffset
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== SIG_CENTRAL) {
      throw new Error(`corrupt zip: bad central directory entry ${n}`)
    }
    const method = zip.readUInt16LE(at + 10)
    const crc = zip.readUInt32LE(at + 16)
    const compressedSize = zip.readUInt32LE(at + 20)
    const size = zip.readUInt32LE(at + 24)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const localOffset = zip.readUInt32LE(at + 42)
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8')
    at += 46 + nameLength + extraLength + commentLength

    if (name.endsWith('/')) continue
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== SIG_LOCAL) {
      throw new Error(`corrupt zip: bad local header for ${name}`)
    }
    // Local name/extra lengths may differ from the central copy, so they are re-read.
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28)
    const raw = zip.subarray(dataStart, dataStart + compressedSize)
    if (raw.length !== compressedSize) throw new Error(`corrupt zip: ${name} is truncated`)
    let data: Buffer
    if (method === METHOD_STORE) data = Buffer.from(raw)
    else if (method === METHOD_DEFLATE) data = await inflateRaw(raw)
    else throw new Error(`unsupported zip compression method ${method} for ${name}`)
    if (data.length !== size || zlib.crc32(data) !== crc) throw new Error(`corrupt zip: checksum mismatch for ${name}`)
    out[name] = data
  }
  return out
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Reads a field under either its proto name or its JSON (camelCase) name, as protobuf-ts accepts both. */
function field(body: Record<string, unknown>, protoName: string): unknown {
  if (protoName in body) return body[protoName]
  const camel = protoName.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())
  return body[camel]
}

/** Twirp wrappers (StringValue, Int64Value) are plain JSON scalars, but tolerate the `{value}` form too. */
function scalarString(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (isRecord(value)) return scalarString(value['value'])
  return undefined
}

function group(m: RegExpExecArray, i: number): string {
  const v = m[i]
  if (v === undefined) throw new Error(`route group ${i} missing`)
  return v
}

function base64url(data: string): string {
  return Buffer.from(data, 'utf8').toString('base64url')
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function isoOrNow(value: string): string {
  const t = Date.parse(value)
  return Number.isNaN(t) ? new Date().toISOString() : new Date(t).toISOString()
}

/** Stable small integers for things GitHub identifies numerically but the fake keys by string. */
function stableId(text: string, base: number): number {
  return base + (createHash('sha1').update(text).digest().readUInt32BE(0) % 1_000_000)
}

function jobIdFor(runId: number): string {
  return `job-${runId}`
}

interface Ctx {
  req: IncomingMessage
  res: ServerResponse
  method: string
  url: URL
  body: Buffer
}

type RouteHandler = (ctx: Ctx, m: RegExpExecArray) => void | Promise<void>

interface Route {
  method: string
  pattern: RegExp
  fault?: keyof FakeFaults
  handler: RouteHandler
}

const TWIRP_SERVICE = 'github.actions.results.api.v1.ArtifactService'
const REPO_NUMERIC_ID = 700_000_001
const ACTIONS_BOT_ID = 41_898_282
const RETENTION_MS = 90 * 24 * 3600 * 1000

function twirpCodeFor(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_argument'
    case 401:
      return 'unauthenticated'
    case 403:
      return 'permission_denied'
    case 404:
      return 'not_found'
    case 409:
      return 'already_exists'
    case 429:
      return 'resource_exhausted'
    case 503:
      return 'unavailable'
    default:
      return status >= 500 ? 'internal' : 'unknown'
  }
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

class FakeGitHubServer implements FakeGitHub {
  url = ''
  readonly owner: string
  readonly repo: string
  runs: FakeRun[] = []
  artifacts: FakeArtifact[] = []
  comments: FakeComment[] = []
  pulls: FakePull[] = []
  faults: FakeFaults = {}
  requests: FakeRequest[] = []
  requestDetails: FakeRequestDetail[] = []
  tokenLogin: string

  private readonly server: http.Server
  /** Blocks staged per artifact id, committed in block-list order. */
  private staged = new Map<number, Map<string, Buffer>>()
  /** Stand-in for a SAS signature: blob requests without it are refused like Azure would. */
  private readonly sig = randomBytes(12).toString('hex')
  private idCounter = 1000
  private closed = false
  private readonly routes: Route[]
  private readonly repoRoutes: Route[]

  constructor(opts: FakeGitHubOptions) {
    this.owner = opts.owner ?? 'octo'
    this.repo = opts.repo ?? 'app'
    this.tokenLogin = opts.tokenLogin ?? 'github-actions[bot]'
    this.server = http.createServer((req, res) => {
      void this.handle(req, res)
    })
    this.routes = [
      { method: 'GET', pattern: /^\/user$/, fault: 'user', handler: (ctx) => this.getUser(ctx) },
      {
        method: 'POST',
        pattern: new RegExp(`^/twirp/${TWIRP_SERVICE.replace(/\./g, '\\.')}/(\\w+)$`),
        fault: 'twirp',
        handler: (ctx, m) => this.twirp(ctx, group(m, 1)),
      },
      {
        method: 'PUT',
        pattern: /^\/blob\/artifacts\/(\d+)\/[^/]+$/,
        fault: 'blob',
        handler: (ctx, m) => this.blobPut(ctx, Number(group(m, 1))),
      },
      {
        method: 'GET',
        pattern: /^\/blob\/artifacts\/(\d+)\/[^/]+$/,
        fault: 'blob',
        handler: (ctx, m) => this.blobGet(ctx, Number(group(m, 1))),
      },
    ]
    this.repoRoutes = [
      {
        method: 'GET',
        pattern: /^\/actions\/workflows\/([^/]+)\/runs$/,
        fault: 'runsList',
        handler: (ctx, m) => this.listRuns(ctx, decodeURIComponent(group(m, 1))),
      },
      {
        method: 'GET',
        pattern: /^\/actions\/workflows\/([^/]+)$/,
        fault: 'runsList',
        handler: (ctx, m) => this.getWorkflow(ctx, decodeURIComponent(group(m, 1))),
      },
      { method: 'GET', pattern: /^\/actions\/runs$/, fault: 'runsList', handler: (ctx) => this.listRuns(ctx, undefined) },
      { method: 'GET', pattern: /^\/actions\/runs\/(\d+)$/, fault: 'runsList', handler: (ctx, m) => this.getRun(ctx, Number(group(m, 1))) },
      {
        method: 'GET',
        pattern: /^\/actions\/runs\/(\d+)\/artifacts$/,
        fault: 'artifactsList',
        handler: (ctx, m) => this.listArtifacts(ctx, Number(group(m, 1))),
      },
      { method: 'GET', pattern: /^\/actions\/artifacts$/, fault: 'artifactsList', handler: (ctx) => this.listArtifacts(ctx, undefined) },
      {
        method: 'GET',
        pattern: /^\/actions\/artifacts\/(\d+)$/,
        fault: 'artifactsList',
        handler: (ctx, m) => this.getArtifact(ctx, Number(group(m, 1))),
      },
      {
        method: 'DELETE',
        pattern: /^\/actions\/artifacts\/(\d+)$/,
        fault: 'artifactsList',
        handler: (ctx, m) => this.deleteArtifact(ctx, Number(group(m, 1))),
      },
      {
        method: 'GET',
        pattern: /^\/actions\/artifacts\/(\d+)\/(zip)$/,
        fault: 'artifactsList',
        handler: (ctx, m) => this.downloadArtifact(ctx, Number(group(m, 1))),
      },
      { method: 'GET', pattern: /^\/pulls\/(\d+)$/, fault: 'comments', handler: (ctx, m) => this.getPull(ctx, Number(group(m, 1))) },
      {
        method: 'GET',
        pattern: /^\/issues\/(\d+)\/comments$/,
        fault: 'comments',
        handler: (ctx, m) => this.listComments(ctx, Number(group(m, 1))),
      },
      {
        method: 'POST',
        pattern: /^\/issues\/(\d+)\/comments$/,
        fault: 'comments',
        handler: (ctx, m) => this.createComment(ctx, Number(group(m, 1))),
      },
      {
        method: 'GET',
        pattern: /^\/issues\/comments\/(\d+)$/,
        fault: 'comments',
        handler: (ctx, m) => this.getComment(ctx, Number(group(m, 1))),
      },
      {
        method: 'PATCH',
        pattern: /^\/issues\/comments\/(\d+)$/,
        fault: 'comments',
        handler: (ctx, m) => this.updateComment(ctx, Number(group(m, 1))),
      },
      {
        method: 'DELETE',
        pattern: /^\/issues\/comments\/(\d+)$/,
        fault: 'comments',
        handler: (ctx, m) => this.deleteComment(ctx, Number(group(m, 1))),
      },
    ]
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

  // ---- public helpers -----------------------------------------------------

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

  // ---- plumbing -------------------------------------------------------------

  /** Ids are shared across artifacts and comments and stay above anything a test pushed by hand. */
  private nextId(): number {
    let max = this.idCounter
    for (const a of this.artifacts) max = Math.max(max, a.id)
    for (const c of this.comments) max = Math.max(max, c.id)
    this.idCounter = max + 1
    return this.idCounter
  }

  private ensureRun(runId: number): FakeRun {
    return this.runs.find((r) => r.id === runId) ?? this.addRun({ id: runId })
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
      this.twirpError(ctx, status, `injected fault: ${text}`)
    } else if (family === 'blob') {
      this.azureError(ctx, status, 'InternalError', `injected fault: ${text}`)
    } else {
      const message = status === 403 ? 'Resource not accessible by integration' : status === 404 ? 'Not Found' : `injected fault: ${text}`
      this.json(ctx, status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status) })
    }
  }

  private send(ctx: Ctx, status: number, headers: Record<string, string>, body: Buffer | string = ''): void {
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

  private json(ctx: Ctx, status: number, body: Json, headers: Record<string, string> = {}): void {
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

  private notFound(ctx: Ctx): void {
    this.json(ctx, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' })
  }

  private parseJsonBody(ctx: Ctx): Record<string, unknown> | undefined {
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
  private page<T>(ctx: Ctx, items: readonly T[]): { items: T[]; headers: Record<string, string> } {
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

  // ---- JSON renderers ------------------------------------------------------

  private userJson(login: string): Json {
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

  private repoJson(): Json {
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

  private workflowId(workflowPath: string): number {
    return stableId(workflowPath, 50_000_000)
  }

  private workflowName(run: FakeRun): string {
    return run.name ?? (run.workflowPath.split('/').pop() ?? run.workflowPath).replace(/\.ya?ml$/, '')
  }

  private runJson(run: FakeRun): Json {
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

  private artifactJson(a: FakeArtifact): Json {
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

  private commentJson(c: FakeComment): Json {
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

  private blobUrl(a: FakeArtifact): string {
    // Path shaped /<account>/<container>/<blob> because the Azure SDK parses IP-host URLs that way.
    const file = (a.contentType ?? 'application/zip') === 'application/zip' ? `${a.name}.zip` : a.name
    const expiry = new Date(Date.now() + 3600_000).toISOString()
    return `${this.url}/blob/artifacts/${a.id}/${encodeURIComponent(file)}?sv=2023-11-03&se=${encodeURIComponent(expiry)}&sr=b&sp=rcw&sig=${this.sig}`
  }

  // ---- REST handlers -------------------------------------------------------

  private getUser(ctx: Ctx): void {
    // Installation tokens (what GITHUB_TOKEN is) cannot read /user on github.com.
    if (this.tokenLogin === 'github-actions[bot]') {
      this.json(ctx, 403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
        status: '403',
      })
      return
    }
    this.json(ctx, 200, this.userJson(this.tokenLogin))
  }

  private matchesWorkflow(run: FakeRun, workflow: string): boolean {
    if (/^\d+$/.test(workflow)) return this.workflowId(run.workflowPath) === Number(workflow)
    const base = run.workflowPath.split('/').pop() ?? run.workflowPath
    return base === workflow || run.workflowPath === workflow
  }

  private listRuns(ctx: Ctx, workflow: string | undefined): void {
    const q = ctx.url.searchParams
    const branch = q.get('branch')
    const event = q.get('event')
    const status = q.get('status')
    const headSha = q.get('head_sha')
    // GitHub's `status` filter accepts either a run status or a conclusion.
    const runStatuses = new Set(['completed', 'in_progress', 'queued', 'requested', 'waiting', 'pending'])
    const selected = this.runs
      .filter((r) => workflow === undefined || this.matchesWorkflow(r, workflow))
      .filter((r) => branch === null || r.headBranch === branch)
      .filter((r) => event === null || r.event === event)
      .filter((r) => headSha === null || r.headSha === headSha)
      .filter((r) => status === null || (runStatuses.has(status) ? r.status === status : r.conclusion === status))
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id)
    const { items, headers } = this.page(ctx, selected)
    this.json(ctx, 200, { total_count: selected.length, workflow_runs: items.map((r) => this.runJson(r)) }, headers)
  }

  private getWorkflow(ctx: Ctx, workflow: string): void {
    const run = this.runs.find((r) => this.matchesWorkflow(r, workflow))
    if (!run) {
      this.notFound(ctx)
      return
    }
    const id = this.workflowId(run.workflowPath)
    this.json(ctx, 200, {
      id,
      node_id: `W_fake${id}`,
      name: this.workflowName(run),
      path: run.workflowPath,
      state: 'active',
      created_at: isoOrNow(run.createdAt),
      updated_at: isoOrNow(run.createdAt),
      url: `${this.url}/repos/${this.owner}/${this.repo}/actions/workflows/${id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/blob/main/${run.workflowPath}`,
      badge_url: `https://github.com/${this.owner}/${this.repo}/workflows/${encodeURIComponent(this.workflowName(run))}/badge.svg`,
    })
  }

  private getPull(ctx: Ctx, number: number): void {
    const pull = this.pulls.find((p) => p.number === number)
    if (!pull) {
      this.notFound(ctx)
      return
    }
    const full = `${this.owner}/${this.repo}`
    this.json(ctx, 200, {
      number: pull.number,
      state: 'open',
      head: { sha: pull.headSha, ref: pull.headRef, repo: { full_name: pull.headRepo } },
      base: { sha: '0'.repeat(40), ref: pull.baseRef, repo: { full_name: full } },
    })
  }

  private getRun(ctx: Ctx, runId: number): void {
    const run = this.runs.find((r) => r.id === runId)
    if (!run) this.notFound(ctx)
    else this.json(ctx, 200, this.runJson(run))
  }

  private listArtifacts(ctx: Ctx, runId: number | undefined): void {
    const name = ctx.url.searchParams.get('name')
    const selected = this.artifacts
      .filter((a) => a.finalized)
      .filter((a) => runId === undefined || a.runId === runId)
      .filter((a) => name === null || a.name === name)
      .sort((a, b) => b.id - a.id)
    const { items, headers } = this.page(ctx, selected)
    this.json(ctx, 200, { total_count: selected.length, artifacts: items.map((a) => this.artifactJson(a)) }, headers)
  }

  private findFinalized(id: number): FakeArtifact | undefined {
    return this.artifacts.find((a) => a.id === id && a.finalized)
  }

  private getArtifact(ctx: Ctx, id: number): void {
    const artifact = this.findFinalized(id)
    if (!artifact) this.notFound(ctx)
    else this.json(ctx, 200, this.artifactJson(artifact))
  }

  private deleteArtifact(ctx: Ctx, id: number): void {
    const index = this.artifacts.findIndex((a) => a.id === id && a.finalized)
    if (index < 0) {
      this.notFound(ctx)
      return
    }
    this.artifacts.splice(index, 1)
    this.send(ctx, 204, {})
  }

  private downloadArtifact(ctx: Ctx, id: number): void {
    const artifact = this.findFinalized(id)
    if (!artifact) {
      this.notFound(ctx)
      return
    }
    if (artifact.expired) {
      this.json(ctx, 410, {
        message: 'Artifact has expired',
        documentation_url: 'https://docs.github.com/rest/actions/artifacts#download-an-artifact',
        status: '410',
      })
      return
    }
    this.send(ctx, 302, { location: this.blobUrl(artifact) })
  }

  private listComments(ctx: Ctx, issueNumber: number): void {
    const since = ctx.url.searchParams.get('since')
    const sinceMs = since === null ? Number.NEGATIVE_INFINITY : Date.parse(since)
    const selected = this.comments
      .filter((c) => c.issueNumber === issueNumber)
      .filter((c) => Date.parse(c.updatedAt) >= sinceMs)
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id)
    const { items, headers } = this.page(ctx, selected)
    this.json(
      ctx,
      200,
      items.map((c) => this.commentJson(c)),
      headers,
    )
  }

  private commentBodyOr422(ctx: Ctx): string | undefined {
    const body = this.parseJsonBody(ctx)
    if (body === undefined) {
      this.json(ctx, 400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest', status: '400' })
      return undefined
    }
    const text = body['body']
    if (typeof text !== 'string') {
      this.json(ctx, 422, {
        message: 'Invalid request.\n\n"body" wasn\'t supplied.',
        documentation_url: 'https://docs.github.com/rest/issues/comments',
        status: '422',
      })
      return undefined
    }
    return text
  }

  private createComment(ctx: Ctx, issueNumber: number): void {
    const text = this.commentBodyOr422(ctx)
    if (text === undefined) return
    const now = new Date().toISOString()
    const comment: FakeComment = { id: this.nextId(), issueNumber, body: text, userLogin: this.tokenLogin, createdAt: now, updatedAt: now }
    this.comments.push(comment)
    this.json(ctx, 201, this.commentJson(comment), {
      location: `${this.url}/repos/${this.owner}/${this.repo}/issues/comments/${comment.id}`,
    })
  }

  private getComment(ctx: Ctx, id: number): void {
    const comment = this.comments.find((c) => c.id === id)
    if (!comment) this.notFound(ctx)
    else this.json(ctx, 200, this.commentJson(comment))
  }

  private updateComment(ctx: Ctx, id: number): void {
    const comment = this.comments.find((c) => c.id === id)
    if (!comment) {
      this.notFound(ctx)
      return
    }
    const text = this.commentBodyOr422(ctx)
    if (text === undefined) return
    comment.body = text
    comment.updatedAt = new Date().toISOString()
    this.json(ctx, 200, this.commentJson(comment))
  }

  private deleteComment(ctx: Ctx, id: number): void {
    const index = this.comments.findIndex((c) => c.id === id)
    if (index < 0) {
      this.notFound(ctx)
      return
    }
    this.comments.splice(index, 1)
    this.send(ctx, 204, {})
  }

  // ---- Twirp (results service) ----------------------------------------------

  private twirpError(ctx: Ctx, status: number, msg: string): void {
    // The client JSON.parses every body and treats a parse failure as retryable,
    // so errors must be JSON in Twirp's {code,msg} shape.
    this.send(ctx, status, { 'content-type': 'application/json' }, JSON.stringify({ code: twirpCodeFor(status), msg }))
  }

  private twirpOk(ctx: Ctx, body: Json): void {
    this.send(ctx, 200, { 'content-type': 'application/json' }, JSON.stringify(body))
  }

  /** Backend ids granted by the bearer token, or undefined when absent/undecodable. */
  private tokenIds(ctx: Ctx): { run: string; job: string } | undefined {
    const auth = ctx.req.headers.authorization ?? ''
    const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1]
    const payloadPart = token?.split('.')[1]
    if (payloadPart === undefined) return undefined
    try {
      const payload: unknown = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'))
      if (!isRecord(payload) || typeof payload['scp'] !== 'string') return undefined
      for (const scope of payload['scp'].split(' ')) {
        const parts = scope.split(':')
        if (parts[0] === 'Actions.Results' && parts.length === 3 && parts[1] !== undefined && parts[2] !== undefined) {
          return { run: parts[1], job: parts[2] }
        }
      }
    } catch {
      return undefined
    }
    return undefined
  }

  private twirp(ctx: Ctx, method: string): void {
    const ids = this.tokenIds(ctx)
    if (!ids) {
      this.twirpError(ctx, 401, 'missing or invalid bearer runtime token')
      return
    }
    const body = this.parseJsonBody(ctx)
    if (body === undefined) {
      this.twirpError(ctx, 400, 'request body is not a JSON object')
      return
    }
    const runBackendId = scalarString(field(body, 'workflow_run_backend_id'))
    if (runBackendId === undefined || !/^\d+$/.test(runBackendId)) {
      this.twirpError(ctx, 400, `workflow_run_backend_id must be this fake's numeric run id, got ${String(runBackendId)}`)
      return
    }
    // A runtime token only grants access to its own run, as on the real service.
    if (runBackendId !== ids.run) {
      this.twirpError(ctx, 403, `token is scoped to run ${ids.run}, not ${runBackendId}`)
      return
    }
    const runId = Number(runBackendId)
    const jobBackendId = scalarString(field(body, 'workflow_job_run_backend_id')) ?? ids.job
    const name = scalarString(field(body, 'name'))
    switch (method) {
      case 'CreateArtifact':
        this.twirpCreate(ctx, body, runId, jobBackendId, name)
        return
      case 'FinalizeArtifact':
        this.twirpFinalize(ctx, body, runId, name)
        return
      case 'ListArtifacts':
        this.twirpList(ctx, body, runId)
        return
      case 'GetSignedArtifactURL':
        this.twirpSignedUrl(ctx, runId, name)
        return
      case 'DeleteArtifact':
        this.twirpDelete(ctx, runId, name)
        return
      default:
        this.twirpError(ctx, 404, `unknown method ${method}`)
    }
  }

  private twirpCreate(ctx: Ctx, body: Record<string, unknown>, runId: number, jobBackendId: string, name: string | undefined): void {
    if (!name) {
      this.twirpError(ctx, 400, 'name is required')
      return
    }
    if (this.artifacts.some((a) => a.runId === runId && a.name === name && a.finalized)) {
      this.twirpError(ctx, 409, `an artifact with this name already exists on the workflow run: ${name}`)
      return
    }
    this.ensureRun(runId)
    // A retried create (e.g. after a failed upload) reuses the pending record rather than duplicating it.
    let artifact = this.artifacts.find((a) => a.runId === runId && a.name === name && !a.finalized)
    if (!artifact) {
      artifact = {
        id: this.nextId(),
        runId,
        name,
        expired: false,
        zip: Buffer.alloc(0),
        createdAt: new Date().toISOString(),
        finalized: false,
      }
      this.artifacts.push(artifact)
    }
    artifact.jobBackendId = jobBackendId
    artifact.contentType = scalarString(field(body, 'mime_type')) ?? 'application/zip'
    this.staged.delete(artifact.id)
    this.twirpOk(ctx, { ok: true, signed_upload_url: this.blobUrl(artifact) })
  }

  private twirpFinalize(ctx: Ctx, body: Record<string, unknown>, runId: number, name: string | undefined): void {
    const artifact = this.artifacts.find((a) => a.runId === runId && a.name === name && !a.finalized)
    if (!artifact) {
      this.twirpError(ctx, 404, `no pending artifact named ${String(name)} in run ${runId}`)
      return
    }
    // Not something the real service is known to check, but it proves the blob
    // round trip kept every byte, which is the point of this fake.
    const hash = scalarString(field(body, 'hash'))
    if (hash !== undefined && hash !== `sha256:${sha256(artifact.zip)}`) {
      this.twirpError(ctx, 400, `hash mismatch: client says ${hash}, blob has sha256:${sha256(artifact.zip)}`)
      return
    }
    artifact.finalized = true
    this.twirpOk(ctx, { ok: true, artifact_id: String(artifact.id) })
  }

  private twirpList(ctx: Ctx, body: Record<string, unknown>, runId: number): void {
    const nameFilter = scalarString(field(body, 'name_filter'))
    const idFilter = scalarString(field(body, 'id_filter'))
    const selected = this.artifacts
      .filter((a) => a.finalized && !a.expired && a.runId === runId)
      .filter((a) => nameFilter === undefined || a.name === nameFilter)
      .filter((a) => idFilter === undefined || String(a.id) === idFilter)
      .sort((a, b) => a.id - b.id)
    this.twirpOk(ctx, {
      artifacts: selected.map((a) => ({
        workflow_run_backend_id: String(a.runId),
        workflow_job_run_backend_id: a.jobBackendId ?? jobIdFor(a.runId),
        database_id: String(a.id),
        name: a.name,
        size: String(a.zip.length),
        created_at: isoOrNow(a.createdAt),
        digest: `sha256:${sha256(a.zip)}`,
      })),
    })
  }

  private twirpSignedUrl(ctx: Ctx, runId: number, name: string | undefined): void {
    const artifact = this.artifacts.find((a) => a.runId === runId && a.name === name && a.finalized && !a.expired)
    if (!artifact) this.twirpError(ctx, 404, `artifact ${String(name)} not found in run ${runId}`)
    else this.twirpOk(ctx, { signed_url: this.blobUrl(artifact) })
  }

  private twirpDelete(ctx: Ctx, runId: number, name: string | undefined): void {
    const index = this.artifacts.findIndex((a) => a.runId === runId && a.name === name && a.finalized)
    const artifact = this.artifacts[index]
    if (artifact === undefined) {
      this.twirpError(ctx, 404, `artifact ${String(name)} not found in run ${runId}`)
      return
    }
    this.artifacts.splice(index, 1)
    this.twirpOk(ctx, { ok: true, artifact_id: String(artifact.id) })
  }

  // ---- Azure blob storage ----------------------------------------------------

  private azureHeaders(ctx: Ctx): Record<string, string> {
    const headers: Record<string, string> = {
      'x-ms-request-id': randomUUID(),
      'x-ms-version': String(ctx.req.headers['x-ms-version'] ?? '2025-11-05'),
      date: new Date().toUTCString(),
      server: 'Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0',
    }
    const clientRequestId = ctx.req.headers['x-ms-client-request-id']
    if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] = clientRequestId
    return headers
  }

  private azureError(ctx: Ctx, status: number, code: string, message: string): void {
    const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:${randomUUID()}\nTime:${new Date().toISOString()}</Message></Error>`
    this.send(ctx, status, { ...this.azureHeaders(ctx), 'content-type': 'application/xml', 'x-ms-error-code': code }, xml)
  }

  private blobArtifact(ctx: Ctx, id: number): FakeArtifact | undefined {
    if (ctx.url.searchParams.get('sig') !== this.sig) {
      this.azureError(
        ctx,
        403,
        'AuthenticationFailed',
        'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
      )
      return undefined
    }
    const artifact = this.artifacts.find((a) => a.id === id)
    if (!artifact) this.azureError(ctx, 404, 'BlobNotFound', 'The specified blob does not exist.')
    return artifact
  }

  private blobPut(ctx: Ctx, id: number): void {
    const artifact = this.blobArtifact(ctx, id)
    if (!artifact) return
    if (artifact.finalized) {
      // Signed upload URLs are write-once in practice: the artifact is immutable after finalize.
      this.azureError(ctx, 409, 'BlobImmutableDueToPolicy', 'This operation is not permitted as the blob is immutable.')
      return
    }
    if (ctx.req.headers['x-ms-structured-body'] !== undefined) {
      // Structured-message (CRC64) uploads only happen if a caller opts in; refuse loudly rather than store framing bytes.
      this.azureError(ctx, 400, 'UnsupportedHeader', 'x-ms-structured-body is not supported by the fake')
      return
    }
    const comp = ctx.url.searchParams.get('comp')
    const written = { etag: `"0x8D${randomBytes(7).toString('hex').toUpperCase()}"`, 'last-modified': new Date().toUTCString() }
    if (comp === 'block') {
      const blockId = ctx.url.searchParams.get('blockid')
      if (!blockId) {
        this.azureError(ctx, 400, 'InvalidQueryParameterValue', 'blockid is required')
        return
      }
      let blocks = this.staged.get(id)
      if (!blocks) {
        blocks = new Map()
        this.staged.set(id, blocks)
      }
      blocks.set(blockId, ctx.body)
      this.send(ctx, 201, {
        ...this.azureHeaders(ctx),
        'x-ms-request-server-encrypted': 'true',
      })
      return
    }
    if (comp === 'blocklist') {
      const xml = ctx.body.toString('utf8')
      const ids = [...xml.matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map((m) => decodeXml(m[2] ?? ''))
      const blocks = this.staged.get(id) ?? new Map<string, Buffer>()
      const parts: Buffer[] = []
      for (const blockId of ids) {
        const block = blocks.get(blockId)
        if (block === undefined) {
          this.azureError(ctx, 400, 'InvalidBlockList', `The specified block list is invalid: unknown block ${blockId}`)
          return
        }
        parts.push(block)
      }
      artifact.zip = Buffer.concat(parts)
      const contentType = ctx.req.headers['x-ms-blob-content-type']
      if (typeof contentType === 'string') artifact.contentType = contentType
      this.staged.delete(id)
      this.send(ctx, 201, {
        ...this.azureHeaders(ctx),
        ...written,
        'x-ms-request-server-encrypted': 'true',
      })
      return
    }
    if (comp === null && ctx.req.headers['x-ms-blob-type'] === 'BlockBlob') {
      artifact.zip = ctx.body
      const contentType = ctx.req.headers['x-ms-blob-content-type']
      if (typeof contentType === 'string') artifact.contentType = contentType
      this.send(ctx, 201, {
        ...this.azureHeaders(ctx),
        ...written,
        'content-md5': createHash('md5').update(ctx.body).digest('base64'),
        'x-ms-request-server-encrypted': 'true',
      })
      return
    }
    this.azureError(ctx, 400, 'UnsupportedQueryParameter', `the fake does not implement comp=${String(comp)}`)
  }

  private blobGet(ctx: Ctx, id: number): void {
    const artifact = this.blobArtifact(ctx, id)
    if (!artifact) return
    if (!artifact.finalized) {
      this.azureError(ctx, 404, 'BlobNotFound', 'The specified blob does not exist.')
      return
    }
    const contentType = artifact.contentType ?? 'application/zip'
    const file = contentType === 'application/zip' ? `${artifact.name}.zip` : artifact.name
    this.send(
      ctx,
      200,
      {
        ...this.azureHeaders(ctx),
        'content-type': contentType,
        'content-disposition': `attachment; filename="${file.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file)}`,
        etag: `"0x8D${sha256(artifact.zip).slice(0, 14).toUpperCase()}"`,
        'last-modified': new Date(isoOrNow(artifact.createdAt)).toUTCString(),
        'x-ms-blob-type': 'BlockBlob',
        'accept-ranges': 'bytes',
      },
      artifact.zip,
    )
  }
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

/**
 * Starts a fake GitHub on an ephemeral 127.0.0.1 port.
 *
 * Caveat for in-process use: `@actions/github` freezes `GITHUB_API_URL` when first
 * imported, and `@actions/artifact`'s `findBy` paths use that frozen base URL. Set
 * `process.env.GITHUB_API_URL = fake.url` before the first (dynamic) import of either
 * package, and reuse one fake (see `reset()`) for the whole file.
 */
export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const fake = new FakeGitHubServer(opts)
  await fake.listen()
  return fake
}
