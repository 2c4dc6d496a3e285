// What Cannonade does when GitHub or an artifact misbehaves: the real Octokit and @actions/artifact,
// in this process, against the loopback fake GitHub with a fault injected (an endpoint that never
// answers, a create whose answer is lost, a refused list) or a hostile artifact planted.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { syntheticResults } from '../../__fixtures__/results/build.js'
import { startFakeGitHub, type FakeGitHub } from '../e2e/fake-github.js'
import { zipWithTwice } from '../helpers/zip-twice.js'
import type { Inputs } from '../../src/action/inputs.js'
import type { RunContext } from '../../src/github/context.js'
import { pushContext, stdoutOf, testInputs } from '../helpers/action-process.js'

type Modules = {
  baseline: typeof import('../../src/github/baseline.js')
  comment: typeof import('../../src/github/comment.js')
  octokit: typeof import('../../src/github/octokit.js')
  resolve: typeof import('../../src/action/resolve-baseline.js')
}

const NAME = 'cannonade-demo'
const TOKEN = 'ghs_fake'
let fake: FakeGitHub
let m: Modules
const saved = new Map<string, string | undefined>()
const dirs: string[] = []

function setEnv(vars: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(vars)) {
    if (!saved.has(key)) saved.set(key, process.env[key])
    if (value === undefined) Reflect.deleteProperty(process.env, key)
    else process.env[key] = value
  }
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-faults-'))
  dirs.push(dir)
  return dir
}

beforeAll(async () => {
  fake = await startFakeGitHub()
  // @actions/github freezes GITHUB_API_URL at import, and @actions/artifact's downloads from other
  // runs use it: set before the modules below are imported.
  setEnv({ GITHUB_API_URL: fake.url, GITHUB_SERVER_URL: undefined, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' })
  m = {
    baseline: await import('../../src/github/baseline.js'),
    comment: await import('../../src/github/comment.js'),
    octokit: await import('../../src/github/octokit.js'),
    resolve: await import('../../src/action/resolve-baseline.js'),
  }
})
afterAll(async () => {
  await fake.close()
  for (const [key, value] of saved) {
    if (value === undefined) Reflect.deleteProperty(process.env, key)
    else process.env[key] = value
  }
})
beforeEach(async () => {
  fake.reset()
  setEnv({ RUNNER_TEMP: await tempDir() })
})
afterEach(async () => {
  vi.restoreAllMocks()
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

const inputs = (): Inputs => testInputs(NAME, TOKEN, { workingDirectory: '.' })

const ctx = (): RunContext => pushContext(fake)

const results = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ ...syntheticResults([{ scenario: 'home', rps: [100, 101, 99], p50Us: [900, 910, 905] }]), ...extra })

/** Everything @actions/core writes to stdout while `work` runs: the log lines and workflow commands. */
async function logOf(work: () => Promise<unknown>): Promise<string[]> {
  return (await stdoutOf(work)).split('\n')
}

describe('a GitHub endpoint that never answers', () => {
  it('fails the baseline lookup after the deadline instead of hanging the step', { timeout: 30_000 }, async () => {
    fake.addRun({ id: 1 })
    fake.faults.runsList = 'hang'
    const octokit = m.octokit.createOctokit(TOKEN, fake.url, 2000)
    const query = { owner: 'octo', repo: 'app', workflowFile: 'perf.yml', branch: 'main', artifactName: NAME, currentRunId: 9999 }
    await expect(m.baseline.findBaselineRun(octokit, query)).rejects.toThrow(
      /^GitHub did not answer GET \/repos\/octo\/app\/actions\/workflows\/perf\.yml\/runs within 2 s$/,
    )
    expect(fake.requests.filter((r) => r.path.endsWith('/runs'))[0]).toMatchObject({ status: 0 })
  })
})

describe('the sticky comment when GitHub loses an answer', () => {
  const target = { owner: 'octo', repo: 'app', issueNumber: 7 }
  const marker = '<!-- cannonade:demo -->'

  it('does not post a second comment when a create was processed but answered 502', async () => {
    fake.faults.commentCreateLost = 502
    const result = await m.comment.upsertComment(m.octokit.createOctokit(TOKEN, fake.url), target, marker, `${marker}\nreport`)
    const comments = fake.comments.filter((c) => c.issueNumber === 7)
    expect(comments).toHaveLength(1)
    expect(result).toMatchObject({ action: 'created', id: comments[0]?.id })
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('tries a create again when GitHub answered 502 without making the comment', async () => {
    fake.faults.commentCreate = 502
    const octokit = m.octokit.createOctokit(TOKEN, fake.url)
    const attempt = m.comment.upsertComment(octokit, target, marker, `${marker}\nreport`)
    // The first attempt fails; the fault heals before the second.
    await vi.waitFor(() => expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1), { timeout: 10_000 })
    delete fake.faults.commentCreate
    await expect(attempt).resolves.toMatchObject({ action: 'created' })
    expect(fake.comments.filter((c) => c.issueNumber === 7)).toHaveLength(1)
  })
})

describe('a baseline artifact from another run', () => {
  async function plantBaseline(files: Record<string, string | Buffer>): Promise<void> {
    fake.addRun({ id: 5, headSha: 'b'.repeat(40) })
    await fake.addArtifactZip(5, NAME, files)
  }

  it('cannot forge a workflow command through a string it holds', async () => {
    await plantBaseline({ 'results.json': results({ createdAt: '2026-11-21\n::warning::INJECTED' }) })
    let resolved: Awaited<ReturnType<Modules['resolve']['resolveBaseline']>> | undefined
    const log = await logOf(async () => {
      resolved = await m.resolve.resolveBaseline(inputs(), ctx(), NAME, 'demo')
    })
    expect(resolved).toHaveProperty('results')
    expect(log.filter((line) => line.startsWith('::warning::INJECTED'))).toEqual([])
    expect(log).toContainEqual(expect.stringContaining('measured 2026-11-21 ::warning::INJECTED'))
  })

  it('keeps the baseline and drops only the history when history.json is over its cap', async () => {
    const big = JSON.stringify({ schemaVersion: 1, suite: 'demo', runs: [], pad: 'x'.repeat(17 * 1024 * 1024) })
    await plantBaseline({ 'results.json': results(), 'history.json': big })
    const resolved = await m.resolve.resolveBaseline(inputs(), ctx(), NAME, 'demo')
    expect(resolved).toMatchObject({ runId: 5, history: { runs: [{ runId: 5 }] } })
  })

  it('refuses an artifact holding two results.json, which readers would read differently', async () => {
    await plantBaseline({ 'results.json': results() })
    const artifact = fake.artifacts[0]
    if (artifact === undefined) throw new Error('no artifact planted')
    artifact.zip = await zipWithTwice('results.json', results(), results({ suite: 'other' }))
    const resolved = await m.resolve.resolveBaseline(inputs(), ctx(), NAME, 'demo')
    expect(resolved).toMatchObject({ missing: expect.stringMatching(/holds results\.json twice/) })
  })

  it('says the token may lack actions: read when the artifacts list answers 403', async () => {
    fake.addRun({ id: 5 })
    fake.faults.artifactsList = 403
    const resolved = await m.resolve.resolveBaseline(inputs(), ctx(), NAME, 'demo')
    expect(resolved).toMatchObject({ missing: expect.stringContaining('(HTTP 403) (the token may lack `actions: read`)') })
  })

  it('still downloads the baseline when RUNNER_TEMP names a directory that does not exist', async () => {
    await plantBaseline({ 'results.json': results() })
    const missing = path.join(await tempDir(), 'gone')
    setEnv({ RUNNER_TEMP: missing })
    const resolved = await m.resolve.resolveBaseline(inputs(), ctx(), NAME, 'demo')
    expect(resolved).toMatchObject({ runId: 5 })
    // Nothing is left behind in the fallback either.
    expect((await readdir(os.tmpdir())).filter((f) => f.startsWith('cannonade-artifact-') && f.includes('gone'))).toEqual([])
  })
})
