// The fake's public shapes: what tests plant (runs, artifacts, comments, pull requests), the faults
// they inject, and the handle they get back.
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
 * How a faulty endpoint answers: an HTTP status, or `'hang'`: it reads the request and never answers
 * (the connection stays open until the client gives up or the fake closes), like a stalled proxy.
 */
export type FaultAnswer = number | 'hang'

/**
 * Faults to inject. Each value is how every request of that family is answered while it is set;
 * delete the key (or set it undefined) to heal.
 */
export interface FakeFaults {
  /** The pull request, `/issues/{n}/comments` and `/issues/comments/{id}` endpoints. */
  comments?: FaultAnswer
  /**
   * `POST /issues/{n}/comments` creates the comment and then answers this status instead of 201: the
   * request was processed but its answer was lost (a 502 from a proxy in front of GitHub).
   */
  commentCreateLost?: number
  /** `POST /issues/{n}/comments` answers this status without creating the comment. */
  commentCreate?: number
  /** REST artifact endpoints: a run's artifact list and the zip download. */
  artifactsList?: FaultAnswer
  /** The REST list of a workflow's runs. */
  runsList?: FaultAnswer
  /** Every Twirp `ArtifactService` call. */
  twirp?: FaultAnswer
  /**
   * Only the Twirp calls that upload (`CreateArtifact`, `FinalizeArtifact`): the upload fails while
   * listing and downloading still work. A 4xx fails at once; a 5xx after the client's retries.
   */
  upload?: number
  /** Blob storage (upload PUTs and download GETs). Slow: both Azure SDK and download retry. */
  blob?: FaultAnswer
  /** `GET /user`. */
  user?: FaultAnswer
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
