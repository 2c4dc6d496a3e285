/**
 * Proves the loopback fake GitHub is good enough for the real, unmodified clients:
 * `@actions/artifact`'s DefaultArtifactClient (Twirp + Azure blob + public REST
 * download) and Octokit from `@actions/github`.
 */
import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach } from 'vitest'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createZip, extractZip, startFakeGitHub } from './fake-github.js'
import type { FakeGitHub } from './fake-github.js'

type ArtifactModule = typeof import('@actions/artifact')
type GitHubModule = typeof import('@actions/github')

const OWNER = 'octo'
const REPO = 'app'
const TOKEN = 'ghs_fake_installation_token'

let fake: FakeGitHub
let artifactLib: ArtifactModule
let githubLib: GitHubModule
const savedEnv = new Map<string, string | undefined>()
const tempDirs: string[] = []

/** Sets env vars for the rest of the file; afterAll restores whatever was there. */
function setEnv(vars: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(vars)) {
    if (!savedEnv.has(key)) savedEnv.set(key, process.env[key])
    if (value === undefined) Reflect.deleteProperty(process.env, key)
    else process.env[key] = value
  }
}

/** Points `@actions/artifact` (which reads env at call time) at `runId` of the fake. */
function actAsRun(runId: number): void {
  setEnv({
    ACTIONS_RUNTIME_TOKEN: fake.runtimeToken(runId),
    ACTIONS_RESULTS_URL: `${fake.url}/`,
  })
}

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fake-github-'))
  tempDirs.push(dir)
  return dir
}

/**
 * baseUrl is passed explicitly because the module-level default is frozen at import
 * time. getOctokit adds no retry plugin, so 5xx faults fail on the first attempt.
 */
function octokit(): ReturnType<GitHubModule['getOctokit']> {
  return githubLib.getOctokit(TOKEN, { baseUrl: fake.url })
}

beforeAll(async () => {
  fake = await startFakeGitHub({ owner: OWNER, repo: REPO })
  setEnv({
    // @actions/github captures GITHUB_API_URL when first imported, and the findBy
    // download path of @actions/artifact uses that captured value, so it must be
    // set before the dynamic imports below.
    GITHUB_API_URL: fake.url,
    // Any non-github.com server URL makes @actions/artifact throw GHESNotSupportedError.
    GITHUB_SERVER_URL: undefined,
    ACTIONS_ARTIFACT_UPLOAD_CONCURRENCY: '2',
    // Keep loopback traffic off any proxy the host might configure.
    NO_PROXY: '127.0.0.1',
    no_proxy: '127.0.0.1',
  })
  artifactLib = await import('@actions/artifact')
  githubLib = await import('@actions/github')
  const utils = await import('@actions/github/lib/utils')
  if (utils.defaults.baseUrl !== fake.url) {
    throw new Error(
      `@actions/github was imported before GITHUB_API_URL was set (base ${String(utils.defaults.baseUrl)}); findBy downloads would go to the wrong host`,
    )
  }
})

afterAll(async () => {
  await fake.close()
  for (const [key, value] of savedEnv) {
    if (value === undefined) Reflect.deleteProperty(process.env, key)
    else process.env[key] = value
  }
})

beforeEach(() => {
  fake.reset()
  fake.tokenLogin = 'github-actions[bot]'
})

afterEach(async () => {
  for (const dir of tempDirs.splice(0)) await fs.rm(dir, { recursive: true, force: true })
})

describe('artifacts through the real @actions/artifact client', () => {
  it('uploads from run 100 and downloads from run 200 via findBy, byte for byte', async () => {
    const src = await tempDir()
    const json = JSON.stringify({ rps: 1234.5, p99: 17 })
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256))
    await fs.mkdir(path.join(src, 'nested'))
    await fs.writeFile(path.join(src, 'results.json'), json)
    await fs.writeFile(path.join(src, 'nested', 'histogram.bin'), binary)

    actAsRun(100)
    const client = new artifactLib.DefaultArtifactClient()
    const uploaded = await client.uploadArtifact(
      'cannonade-baseline',
      [path.join(src, 'results.json'), path.join(src, 'nested', 'histogram.bin')],
      src,
    )
    const id = uploaded.id
    if (id === undefined) throw new Error('uploadArtifact returned no id')

    const stored = fake.artifacts.find((a) => a.id === id)
    expect(stored).toMatchObject({ runId: 100, name: 'cannonade-baseline', finalized: true, expired: false })
    expect(fake.runs.map((r) => r.id)).toContain(100) // auto-created by the upload
    if (!stored) throw new Error('unreachable')
    expect(uploaded.size).toBe(stored.zip.length)
    const inBlob = await fake.readArtifactFiles(stored)
    expect(Object.keys(inBlob).sort()).toEqual(['nested/histogram.bin', 'results.json'])
    expect(inBlob['results.json']?.toString()).toBe(json)
    expect(inBlob['nested/histogram.bin']?.equals(binary)).toBe(true)
    // The Azure SDK staged the zip as blocks and committed them, not a single PUT.
    expect(fake.requestDetails.some((r) => r.method === 'PUT' && r.query.includes('comp=block&') && r.status === 201)).toBe(true)
    expect(fake.requestDetails.some((r) => r.method === 'PUT' && r.query.includes('comp=blocklist') && r.status === 201)).toBe(true)
    expect(fake.requestDetails.find((r) => r.path.endsWith('/CreateArtifact'))?.authorization).toMatch(/^Bearer ey/)

    // Own run sees it through Twirp; another run does not.
    expect((await client.listArtifacts()).artifacts.map((a) => a.id)).toEqual([id])
    expect((await client.getArtifact('cannonade-baseline')).artifact.id).toBe(id)
    actAsRun(200)
    expect((await client.listArtifacts()).artifacts).toEqual([])

    const findBy = { token: TOKEN, workflowRunId: 100, repositoryOwner: OWNER, repositoryName: REPO }
    const listed = await client.listArtifacts({ findBy })
    expect(listed.artifacts).toEqual([expect.objectContaining({ id: id, name: 'cannonade-baseline', size: stored.zip.length })])
    expect((await client.getArtifact('cannonade-baseline', { findBy })).artifact.id).toBe(id)

    const out = await tempDir()
    const downloaded = await client.downloadArtifact(id, { path: out, findBy })
    expect(downloaded.downloadPath).toBe(out)
    expect((await fs.readFile(path.join(out, 'results.json'))).toString()).toBe(json)
    expect((await fs.readFile(path.join(out, 'nested', 'histogram.bin'))).equals(binary)).toBe(true)
    expect(fake.requests).toContainEqual({ method: 'GET', path: `/repos/${OWNER}/${REPO}/actions/artifacts/${id}/zip`, status: 302 })

    // Own-run download goes Twirp ListArtifacts -> GetSignedArtifactURL -> blob.
    actAsRun(100)
    const own = await tempDir()
    await client.downloadArtifact(id, { path: own })
    expect((await fs.readFile(path.join(own, 'nested', 'histogram.bin'))).equals(binary)).toBe(true)
    expect(fake.requests.some((r) => r.path.endsWith('/GetSignedArtifactURL') && r.status === 200)).toBe(true)
  })

  it('refuses a second artifact with the same name in one run, like the real service', async () => {
    const src = await tempDir()
    await fs.writeFile(path.join(src, 'a.txt'), 'a')
    actAsRun(101)
    const client = new artifactLib.DefaultArtifactClient()
    await client.uploadArtifact('dup', [path.join(src, 'a.txt')], src)
    await expect(client.uploadArtifact('dup', [path.join(src, 'a.txt')], src)).rejects.toThrow(/409/)
  })

  it('plants a zip with addArtifactZip that both readArtifactFiles and downloadArtifact read back', async () => {
    const bin = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255])
    const text = 'x'.repeat(5000) // compressible, so the deflate path is exercised
    const planted = await fake.addArtifactZip(300, 'planted', { 'report.md': text, 'dir/raw.bin': bin, 'tiny.txt': 'hi' })
    expect(fake.runs.find((r) => r.id === 300)).toBeDefined()

    const back = await fake.readArtifactFiles(planted)
    expect(back['report.md']?.toString()).toBe(text)
    expect(back['dir/raw.bin']?.equals(bin)).toBe(true)
    expect(back['tiny.txt']?.toString()).toBe('hi')

    actAsRun(301)
    const client = new artifactLib.DefaultArtifactClient()
    const out = await tempDir()
    await client.downloadArtifact(planted.id, {
      path: out,
      findBy: { token: TOKEN, workflowRunId: 300, repositoryOwner: OWNER, repositoryName: REPO },
    })
    expect((await fs.readFile(path.join(out, 'report.md'))).toString()).toBe(text)
    expect((await fs.readFile(path.join(out, 'dir', 'raw.bin'))).equals(bin)).toBe(true)

    actAsRun(300)
    const own = await tempDir()
    await client.downloadArtifact(planted.id, { path: own })
    expect((await fs.readFile(path.join(own, 'tiny.txt'))).toString()).toBe('hi')
  })

  it('answers 410 for an expired artifact, which downloadArtifact surfaces without retrying', async () => {
    const expired = await fake.addArtifactZip(400, 'old-baseline', { 'results.json': '{}' }, { expired: true })
    actAsRun(401)
    const client = new artifactLib.DefaultArtifactClient()
    const findBy = { token: TOKEN, workflowRunId: 400, repositoryOwner: OWNER, repositoryName: REPO }

    const { data } = await octokit().rest.actions.listWorkflowRunArtifacts({ owner: OWNER, repo: REPO, run_id: 400 })
    expect(data.artifacts[0]).toMatchObject({ id: expired.id, expired: true })

    const started = Date.now()
    const out = await tempDir()
    await expect(client.downloadArtifact(expired.id, { path: out, findBy })).rejects.toMatchObject({ status: 410 })
    expect(Date.now() - started).toBeLessThan(2000)
    await expect(client.downloadArtifact(999_999, { path: out, findBy })).rejects.toMatchObject({ status: 404 })
  })

  it('faults.twirp and faults.artifactsList make the client fail fast with non-retryable statuses', async () => {
    const src = await tempDir()
    await fs.writeFile(path.join(src, 'a.txt'), 'a')
    actAsRun(500)
    const client = new artifactLib.DefaultArtifactClient()
    fake.faults.twirp = 403
    await expect(client.uploadArtifact('x', [path.join(src, 'a.txt')], src)).rejects.toThrow(/non-retryable error: Failed request: \(403\)/)
    delete fake.faults.twirp

    fake.faults.artifactsList = 404
    const findBy = { token: TOKEN, workflowRunId: 500, repositoryOwner: OWNER, repositoryName: REPO }
    await expect(client.listArtifacts({ findBy })).rejects.toMatchObject({ status: 404 })
  })

  it('zip helpers round-trip and reject corrupt bytes', async () => {
    const zip = await createZip({ 'a.txt': 'alpha', 'b/c.bin': Buffer.alloc(3000, 7) })
    const files = await extractZip(zip)
    expect(files['a.txt']?.toString()).toBe('alpha')
    expect(files['b/c.bin']?.equals(Buffer.alloc(3000, 7))).toBe(true)
    await expect(extractZip(Buffer.from('definitely not a zip'))).rejects.toThrow(/not a zip/)
    const flipped = Buffer.from(zip)
    flipped[40] = (flipped[40] ?? 0) ^ 0xff
    await expect(extractZip(flipped)).rejects.toThrow(/corrupt|invalid/i)
  })
})

describe('REST API through the real Octokit', () => {
  it('lists workflow runs newest first with filters, across pages via paginate', async () => {
    const base = Date.parse('2024-01-01T00:00:00Z')
    for (let i = 1; i <= 150; i++) {
      fake.addRun({ id: i, createdAt: new Date(base + i * 60_000).toISOString(), conclusion: i % 10 === 0 ? 'failure' : 'success' })
    }
    fake.addRun({ id: 1001, headBranch: 'feature', createdAt: new Date(base + 999 * 60_000).toISOString() })
    fake.addRun({ id: 1002, event: 'pull_request', createdAt: new Date(base + 999 * 60_000).toISOString() })
    fake.addRun({ id: 1003, workflowPath: '.github/workflows/ci.yml' })
    fake.addRun({ id: 1004, status: 'in_progress', conclusion: null })

    const gh = octokit()
    const runs = await gh.paginate(gh.rest.actions.listWorkflowRuns, {
      owner: OWNER,
      repo: REPO,
      workflow_id: 'perf.yml',
      branch: 'main',
      event: 'push',
      status: 'success',
      per_page: 100,
    })
    expect(runs).toHaveLength(135)
    expect(runs[0]).toMatchObject({
      id: 149,
      head_branch: 'main',
      event: 'push',
      status: 'completed',
      conclusion: 'success',
      path: '.github/workflows/perf.yml',
    })
    expect(runs.map((r) => r.id)).toEqual([...runs.map((r) => r.id)].sort((a, b) => b - a))
    const pages = fake.requestDetails.filter((r) => r.path === `/repos/${OWNER}/${REPO}/actions/workflows/perf.yml/runs`)
    expect(pages.map((p) => new URLSearchParams(p.query).get('page'))).toEqual([null, '2'])

    const first = await gh.rest.actions.listWorkflowRuns({
      owner: OWNER,
      repo: REPO,
      workflow_id: 'perf.yml',
      status: 'completed',
      per_page: 50,
    })
    expect(first.data.total_count).toBe(152)
    expect(first.headers.link).toMatch(/[?&]page=2[^>]*>; rel="next"/)
    expect(first.headers.link).toMatch(/[?&]page=4[^>]*>; rel="last"/)

    const numeric = runs[0]?.workflow_id
    const byId = await gh.rest.actions.listWorkflowRuns({ owner: OWNER, repo: REPO, workflow_id: numeric ?? 0, branch: 'feature' })
    expect(byId.data.workflow_runs.map((r) => r.id)).toEqual([1001])

    const ci = await gh.rest.actions.listWorkflowRuns({ owner: OWNER, repo: REPO, workflow_id: 'ci.yml' })
    expect(ci.data.workflow_runs).toMatchObject([{ id: 1003, path: '.github/workflows/ci.yml', name: 'ci' }])
    fake.faults.runsList = 404
    await expect(gh.rest.actions.listWorkflowRuns({ owner: OWNER, repo: REPO, workflow_id: 'ci.yml' })).rejects.toMatchObject({
      status: 404,
    })
  })

  it('creates, lists across three pages and updates comments', async () => {
    const gh = octokit()
    const created = await gh.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 7, body: 'first' })
    expect(created.status).toBe(201)
    expect(created.data.user).toMatchObject({ login: 'github-actions[bot]', type: 'Bot' })
    for (let i = 0; i < 230; i++) {
      await gh.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 7, body: `filler ${i}` })
    }
    await gh.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 8, body: 'other issue' })

    const all = await gh.paginate(gh.rest.issues.listComments, { owner: OWNER, repo: REPO, issue_number: 7, per_page: 100 })
    expect(all).toHaveLength(231)
    expect(all[0]?.id).toBe(created.data.id) // oldest first
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path === `/repos/${OWNER}/${REPO}/issues/7/comments`)).toHaveLength(3)

    const updated = await gh.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: created.data.id, body: 'edited' })
    expect(updated.data.body).toBe('edited')
    expect(fake.comments.find((c) => c.id === created.data.id)?.body).toBe('edited')

    await expect(gh.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: 424242, body: 'x' })).rejects.toMatchObject({
      status: 404,
    })
  })

  it('GET /user is 403 for the Actions installation token and 200 for a user token', async () => {
    const gh = octokit()
    await expect(gh.rest.users.getAuthenticated()).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration'),
    })
    fake.tokenLogin = 'perf-bot'
    const me = await gh.rest.users.getAuthenticated()
    expect(me.data).toMatchObject({ login: 'perf-bot', type: 'User' })
    const c = await gh.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: 'hi' })
    expect(c.data.user?.login).toBe('perf-bot')
  })

  it('faults.comments makes Octokit throw with that status', async () => {
    const gh = octokit()
    fake.faults.comments = 500
    await expect(gh.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 1 })).rejects.toMatchObject({ status: 500 })
    await expect(gh.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: 'x' })).rejects.toMatchObject({
      status: 500,
    })
    fake.faults.comments = 403
    await expect(gh.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 1 })).rejects.toMatchObject({ status: 403 })
    expect(fake.comments).toHaveLength(0)
    delete fake.faults.comments
    await expect(gh.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 1 })).resolves.toMatchObject({ status: 200 })
  })

  it('answers unknown routes, unused endpoints and other repositories with a logged 404', async () => {
    const gh = octokit()
    await expect(gh.request('GET /repos/{owner}/{repo}/pulls', { owner: OWNER, repo: REPO })).rejects.toMatchObject({ status: 404 })
    await expect(gh.rest.actions.listWorkflowRunArtifacts({ owner: 'someone', repo: 'else', run_id: 1 })).rejects.toMatchObject({
      status: 404,
    })
    // Endpoints the product never calls are not served.
    await expect(gh.rest.actions.getWorkflowRun({ owner: OWNER, repo: REPO, run_id: 1 })).rejects.toMatchObject({ status: 404 })
    await expect(gh.rest.issues.deleteComment({ owner: OWNER, repo: REPO, comment_id: 1 })).rejects.toMatchObject({ status: 404 })
    expect(fake.requests).toContainEqual({ method: 'GET', path: `/repos/${OWNER}/${REPO}/pulls`, status: 404 })
  })
})
