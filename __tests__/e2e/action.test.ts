// The action end to end, as the runner runs it: the committed dist/index.js in a child process with
// INPUT_* and GITHUB_* variables, the real @actions/artifact and Octokit talking to a loopback fake
// GitHub, and the demo app started, measured and stopped for real.
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { groupRunning } from '../../src/app/monitor.js'
import { runNode, type Finished } from '../helpers/run-node.js'
import { freePort } from '../helpers/ports.js'
import { createZip, startFakeGitHub, type FakeGitHub } from './fake-github.js'
import { createDemoRepo, gitIn as gitInRepo } from '../../__fixtures__/demo-repo.js'
import { demoAppLines } from '../../__fixtures__/demo/app-config.js'

const WORKFLOW = '.github/workflows/perf.yml'
const ARTIFACT = 'cannonade-e2e'
const MAIN_SHA = 'a'.repeat(40)

let fake: FakeGitHub
let workspace = ''

/** The `with:` of the Cannonade step in an example workflow: the README's workflow, run here for real. */
async function exampleInputs(file = 'examples/perf.yml'): Promise<Record<string, string>> {
  type Step = { uses?: string; with?: Record<string, unknown> }
  const workflow = parseYaml(await readFile(file, 'utf8')) as { jobs: Record<string, { steps: Step[] }> }
  const step = Object.values(workflow.jobs)
    .flatMap((job) => job.steps)
    .find((s) => s.uses?.startsWith('cannonade/') === true)
  if (step === undefined) throw new Error(`${file} has no Cannonade step`)
  return Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]))
}

async function writeConfig(): Promise<void> {
  const port = await freePort()
  await writeFile(
    path.join(workspace, 'cannonade.yml'),
    [
      'suite: e2e',
      ...demoAppLines(port),
      'defaults:',
      '  duration: 300ms',
      '  warmup: 100ms',
      '  rounds: 3',
      '  connections: 4',
      // Wide tolerances: these tests are about the plumbing, so noise must never decide them.
      '  thresholds: { regression: { rps: 25%, p50: 30%, p99: 100% }, errorRate: { max: 1% } }',
      'scenarios:',
      '  - { name: list users, path: /users }',
      '  - { name: cpu work, path: /cpu }',
    ].join('\n'),
  )
}

interface ActionRun extends Finished {
  readonly outputs: Record<string, string>
  readonly summary: string
  /** Files the run left in RUNNER_TEMP and TMPDIR (both private to the run). */
  readonly leftovers: string[]
}

const DECLARED = parseYaml(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> }

/** Parses GITHUB_OUTPUT's `name<<delimiter ... delimiter` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '')
    if (match === null) continue
    const [, name, delimiter] = match
    const value: string[] = []
    while (i + 1 < lines.length && lines[i + 1] !== delimiter) value.push(lines[++i] ?? '')
    i++
    if (name !== undefined) outputs[name] = value.join('\n')
  }
  return outputs
}

/** Runs dist/index.js as one workflow run; registers the run with the fake and completes it after. */
async function runAction(options: {
  runId: number
  event: 'push' | 'pull_request' | 'workflow_run'
  sha: string
  branch?: string
  pr?: { number: number; base?: string; baseSha?: string; fork?: boolean }
  workflowRun?: { id: number; headSha: string; headBranch: string; headRepo: string }
  inputs?: Record<string, string>
  env?: Record<string, string>
  /** A signal to send once the action's output matches, as a cancelled job gets one. */
  interrupt?: { when: RegExp; signal: NodeJS.Signals }
}): Promise<ActionRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-run-'))
  const headBranch = options.branch ?? (options.pr === undefined ? 'main' : `feature-${options.pr.number}`)
  fake.addRun({
    id: options.runId,
    workflowPath: WORKFLOW,
    headBranch,
    headSha: options.sha,
    event: options.event,
    status: 'in_progress',
    conclusion: null,
  })
  const repoName = `${fake.owner}/${fake.repo}`
  const payload = {
    repository: { full_name: repoName, default_branch: 'main' },
    ...(options.pr === undefined
      ? {}
      : {
          number: options.pr.number,
          pull_request: {
            number: options.pr.number,
            base: { ref: options.pr.base ?? 'main', sha: options.pr.baseSha ?? MAIN_SHA, repo: { full_name: repoName } },
            head: { ref: headBranch, sha: options.sha, repo: { full_name: options.pr.fork === true ? `someone/${fake.repo}` : repoName } },
          },
        }),
    ...(options.workflowRun === undefined
      ? {}
      : {
          workflow_run: {
            id: options.workflowRun.id,
            head_sha: options.workflowRun.headSha,
            head_branch: options.workflowRun.headBranch,
            head_repository: { full_name: options.workflowRun.headRepo },
            path: WORKFLOW,
            event: 'pull_request',
            conclusion: 'success',
          },
        }),
  }
  const eventPath = path.join(dir, 'event.json')
  await writeFile(eventPath, JSON.stringify(payload))
  const outputFile = path.join(dir, 'output')
  const summaryFile = path.join(dir, 'summary')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  const inputs = {
    'working-directory': workspace,
    'github-token': 'ghs_faketoken',
    ...(await exampleInputs()),
    'artifact-name': ARTIFACT,
    ...options.inputs,
  }
  // The runner only passes inputs action.yml declares: a test setting another would test nothing.
  for (const name of Object.keys(inputs)) if (!(name in DECLARED.inputs)) throw new Error(`input ${name} is not declared in action.yml`)
  const tmp = path.join(dir, 'tmp')
  await mkdir(tmp)
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    ...fake.envFor(options.runId),
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKFLOW_REF: `${repoName}/${WORKFLOW}@refs/heads/${headBranch}`,
    GITHUB_SHA: options.sha,
    GITHUB_REF: options.pr === undefined ? `refs/heads/${headBranch}` : `refs/pull/${options.pr.number}/merge`,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: dir,
    TMPDIR: tmp,
    ...options.env,
  }
  const finished = await runNode('dist/index.js', [], {
    cwd: workspace,
    env,
    timeoutMs: 120_000,
    ...(options.interrupt === undefined ? {} : { interrupt: options.interrupt }),
  })
  const run = fake.runs.find((r) => r.id === options.runId)
  if (run !== undefined) {
    run.status = 'completed'
    run.conclusion = finished.code === 0 ? 'success' : 'failure'
  }
  const outputs = parseOutputs(await readFile(outputFile, 'utf8'))
  for (const name of Object.keys(outputs)) expect(DECLARED.outputs, `output ${name} is not declared in action.yml`).toHaveProperty([name])
  const ours = new Set(['event.json', 'output', 'summary', 'tmp'])
  const leftovers = (await readdir(dir, { recursive: true })).filter((f) => !ours.has(f))
  const result = { ...finished, outputs, summary: await readFile(summaryFile, 'utf8'), leftovers }
  await rm(dir, { recursive: true, force: true })
  return result
}

function artifactOf(runId: number): FakeGitHub['artifacts'][number] | undefined {
  return fake.artifacts.find((a) => a.runId === runId && a.name === ARTIFACT && a.finalized)
}

// The value a step must have left behind; a missing one fails the test here with a clear message.
function present<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected the run to have left this behind')
  return value
}

function commentsOn(pr: number): FakeGitHub['comments'] {
  return fake.comments.filter((c) => c.issueNumber === pr)
}

// Runs a test needs as its starting point are measured once, on first use, and planted again by each
// test that needs them: no test depends on another having run, or on the order they run in.
const recordings = new Map<string, Promise<Record<string, Buffer>>>()

/** The artifact files of one run of the action, measured once; the run leaves nothing else in the fake. */
function recorded(key: string, run: Parameters<typeof runAction>[0]): Promise<Record<string, Buffer>> {
  let files = recordings.get(key)
  if (files === undefined) {
    files = (async () => {
      const finished = await runAction(run)
      if (finished.code !== 0) throw new Error(`recording ${key} failed: ${finished.stdout}${finished.stderr}`)
      const unpacked = await fake.readArtifactFiles(present(artifactOf(run.runId)))
      fake.reset()
      return unpacked
    })()
    recordings.set(key, files)
  }
  return files
}

/** A push run on main measured with the e2e config, as a stored baseline's results. */
function recordedPush(): Promise<Record<string, Buffer>> {
  // Six rounds, as the pull requests that must fail against it measure: with three a side, Welch's t
  // at the suite's per-metric level has so few degrees of freedom that a busy machine hides even 10x.
  return recorded('push', { runId: 90, event: 'push', sha: MAIN_SHA, inputs: { rounds: '6' } })
}

/** Plants a successful push run on main, `runId`, whose artifact holds a recorded push's results.json. */
async function plantStoredBaseline(runId: number): Promise<void> {
  const results = present((await recordedPush())['results.json'])
  fake.addRun({
    id: runId,
    workflowPath: WORKFLOW,
    headBranch: 'main',
    headSha: MAIN_SHA,
    event: 'push',
    status: 'completed',
    conclusion: 'success',
  })
  await fake.addArtifactZip(runId, ARTIFACT, { 'results.json': results })
}

beforeAll(async () => {
  fake = await startFakeGitHub()
  workspace = await mkdtemp(path.join(os.tmpdir(), 'cannonade-workspace-'))
  await writeConfig()
})
afterAll(async () => {
  await fake.close()
  await rm(workspace, { recursive: true, force: true })
})
beforeEach(() => {
  fake.reset()
})

describe('a repository adopting Cannonade', () => {
  it('records a baseline on the first push to main, with nothing to compare yet', async () => {
    const run = await runAction({ runId: 101, event: 'push', sha: MAIN_SHA })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.outputs['verdict']).toBe('pass')
    expect(run.outputs['results-path']).toBe(path.join(workspace, 'cannonade-results', 'results.json'))
    expect(run.summary).toContain('no baseline')
    expect(run.stdout).toContain('::group::Cannonade: measure')
    expect(run.stdout).toMatch(/\[1\/6\] list users @ 4 conn {2}round 1\/3/)
    const files = await fake.readArtifactFiles(present(artifactOf(101) ?? fake.artifacts[0]))
    expect(Object.keys(files).sort()).toEqual(['app.log', 'history.json', 'report.html', 'report.md', 'results.json'])
    expect(JSON.parse(files['results.json']?.toString() ?? '{}').suite).toBe('e2e')
    // report.html draws every entry, with the history this push run starts.
    const html = files['report.html']?.toString() ?? ''
    expect(html).toContain('"id":"entry-1-rounds-rps"')
    expect(html).toContain('"id":"entry-0-history-p99"')
    expect(fake.comments).toEqual([])
    // Push runs record the stored baseline: no hint about pull requests' precise mode.
    expect(run.summary).not.toContain('app.build')
  })

  it('compares a pull request with no change against it and comments once', async () => {
    // Two runs minutes apart on a shared machine can drift far beyond any tolerance (the history of
    // base-branch runs is what accounts for that): this test is about the plumbing, not the verdict.
    await plantStoredBaseline(101)
    const run = await runAction({
      runId: 102,
      event: 'pull_request',
      sha: 'b'.repeat(40),
      pr: { number: 7 },
      inputs: { 'fail-on': 'never' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    const emoji = { pass: '✅', warn: '⚠️', fail: '❌' }[run.outputs['verdict'] ?? '']
    expect(emoji, run.outputs['verdict']).toBeDefined()
    expect(run.outputs['baseline-run-id']).toBe('101')
    const comments = commentsOn(7)
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body.startsWith('<!-- cannonade:e2e -->')).toBe(true)
    expect(comments[0]?.body).toContain(emoji)
    expect(run.outputs['comment-url']).toMatch(/\/7#issuecomment-\d+$/)
    expect(run.summary).toContain(emoji)
    const artifact = present(artifactOf(102))
    expect(Object.keys(await fake.readArtifactFiles(artifact))).toEqual(expect.arrayContaining(['comment.json', 'report.html']))
    // The comment and the summary link to the artifact that holds report.html.
    const link = `[full report (report.html) and results](https://github.com/octo/app/actions/runs/102/artifacts/${artifact.id})`
    expect(comments[0]?.body).toContain(link)
    expect(run.summary).toContain(link)
    // The config has no app.build, so the build would be inferred, but this workspace is no git
    // checkout: the pull request was compared with the stored run, and one line says why.
    expect(run.stdout).toContain(
      `Cannonade: the working directory ${workspace} is not a git checkout, so the base commit cannot be checked out beside it.`,
    )
    expect(run.stdout).not.toMatch(/::warning::Cannonade: the working directory/)
    expect(comments[0]?.body).toContain('the base commit was not measured in this job: the working directory')
    expect(comments[0]?.body).not.toContain('app.build')
  })

  it('updates that comment on the next push to the pull request instead of adding one', async () => {
    await plantStoredBaseline(101)
    const now = new Date().toISOString()
    // The sticky comment an earlier run of this pull request left, beside another bot's and a person's.
    fake.comments.push(
      { id: 5001, issueNumber: 7, body: 'LGTM', userLogin: 'octocat', createdAt: now, updatedAt: now },
      {
        id: 5002,
        issueNumber: 7,
        body: '<!-- cannonade:e2e -->\nold report',
        userLogin: 'github-actions[bot]',
        createdAt: now,
        updatedAt: now,
      },
    )
    const before = commentsOn(7)[1]
    const run = await runAction({
      runId: 103,
      event: 'pull_request',
      sha: 'c'.repeat(40),
      pr: { number: 7 },
      inputs: { 'fail-on': 'never' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    const comments = commentsOn(7)
    expect(comments).toHaveLength(2)
    expect(comments[1]?.id).toBe(before?.id)
    expect(comments[1]?.body).not.toContain('old report')
    expect(comments[0]?.body).toBe('LGTM')
    expect(fake.requests).toContainEqual({ method: 'PATCH', path: `/repos/octo/app/issues/comments/${before?.id ?? 0}`, status: 200 })
  })

  it('fails a pull request that slows a route down, names the route and annotates', async () => {
    await plantStoredBaseline(101)
    const run = await runAction({
      runId: 104,
      event: 'pull_request',
      sha: 'd'.repeat(40),
      pr: { number: 8 },
      // Ten times the work: against one stored run without history, a regression must clear the
      // assumed ±39 % drift and Welch's t at the suite-split level, with 6 rounds a side.
      inputs: { rounds: '6' },
      env: { DEMO_SLOWDOWN: '900', DEMO_SLOW_ROUTES: 'cpu' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.outputs['verdict']).toBe('fail')
    expect(Number(run.outputs['regressions'])).toBeGreaterThan(0)
    const body = commentsOn(8)[0]?.body ?? ''
    expect(body).toContain('❌')
    expect(body).toMatch(/cpu work.*regression/s)
    // Workflow commands escape ':' in properties as %3A.
    // Which gated metric of the slowed route clears the run-to-run spread first depends on the machine.
    expect(run.stdout).toMatch(
      /::error title=Cannonade%3A regression::cpu work @ 4 conn: (throughput \(req\/s\)|latency p50|latency p99) [-+]\d/,
    )
    expect(run.stdout).toContain('::error::Cannonade: performance gate failed')
    expect(artifactOf(104)).toBeDefined()
  })
})

describe('a baseline measured earlier in the same job', () => {
  it('compares against the results file given as baseline', async () => {
    const file = path.join(workspace, 'base-results.json')
    await writeFile(file, present((await recordedPush())['results.json']))
    const lookups = (): number => fake.requests.filter((r) => r.path.endsWith('/runs')).length
    const before = lookups()
    const run = await runAction({
      runId: 105,
      event: 'pull_request',
      sha: '9'.repeat(40),
      pr: { number: 14 },
      inputs: { baseline: 'base-results.json', 'fail-on': 'never' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.outputs['baseline-run-id']).toBeUndefined()
    expect(commentsOn(14)[0]?.body).toContain('file base-results.json')
    expect(lookups()).toBe(before)
  })
})

describe('a suite sharded over parallel jobs', () => {
  it('measures each shard, then merges them into one comparison and one comment', async () => {
    await plantStoredBaseline(101)
    const pr = { number: 20 }
    const sha = '8'.repeat(40)
    for (const shard of ['1/2', '2/2']) {
      const run = await runAction({ runId: 150, event: 'pull_request', sha, pr, inputs: { shard } })
      expect(run.code, run.stdout + run.stderr).toBe(0)
    }
    expect(commentsOn(20)).toEqual([])
    const shardFiles = await Promise.all(
      ['1-of-2', '2-of-2'].map(async (n) => {
        const artifact = fake.artifacts.find((a) => a.runId === 150 && a.name === `${ARTIFACT}-shard-${n}`)
        const files = await fake.readArtifactFiles(present(artifact))
        return (JSON.parse(files['results.json']?.toString() ?? '{}') as { entries: { key: string }[] }).entries.map((e) => e.key)
      }),
    )
    expect(shardFiles).toEqual([['list users @ 4 conn'], ['cpu work @ 4 conn']])
    // This test is about the plumbing: the gate's verdict on the merged numbers must not decide it.
    const merged = await runAction({ runId: 150, event: 'pull_request', sha, pr, inputs: { mode: 'merge', 'fail-on': 'never' } })
    expect(merged.code, merged.stdout + merged.stderr).toBe(0)
    expect(merged.outputs['baseline-run-id']).toBe('101')
    const body = commentsOn(20)[0]?.body ?? ''
    expect(commentsOn(20)).toHaveLength(1)
    expect(body).toContain('list users')
    expect(body).toContain('cpu work')
    const files = await fake.readArtifactFiles(present(artifactOf(150)))
    expect((JSON.parse(files['results.json']?.toString() ?? '{}') as { entries: unknown[] }).entries).toHaveLength(2)
  })
})

describe('a merge with a shard missing', () => {
  it('fails naming the missing shards instead of showing their entries as removed', async () => {
    const results = present((await recordedPush())['results.json'])
    await fake.addArtifactZip(160, `${ARTIFACT}-shard-1-of-3`, { 'results.json': results })
    const merged = await runAction({ runId: 160, event: 'push', sha: MAIN_SHA, inputs: { mode: 'merge' } })
    expect(merged.code, merged.stdout + merged.stderr).toBe(1)
    expect(merged.stdout).toContain(
      `::error::mode merge: 2 of 3 shards missing: no artifact ${ARTIFACT}-shard-2-of-3, ${ARTIFACT}-shard-3-of-3 in this run.`,
    )
    expect(artifactOf(160)).toBeUndefined()
  })
})

describe('when the baseline is missing or unusable', () => {
  beforeEach(() => {
    fake.reset()
  })

  it('says there is no baseline yet, checks thresholds only and passes', async () => {
    const run = await runAction({ runId: 201, event: 'pull_request', sha: 'e'.repeat(40), pr: { number: 9 } })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(commentsOn(9)[0]?.body).toMatch(/no baseline/i)
    expect(run.outputs['baseline-run-id']).toBeUndefined()
  })

  it('skips an expired baseline artifact and says so', async () => {
    fake.addRun({
      id: 300,
      workflowPath: WORKFLOW,
      headBranch: 'main',
      headSha: MAIN_SHA,
      event: 'push',
      status: 'completed',
      conclusion: 'success',
    })
    await fake.addArtifactZip(300, ARTIFACT, { 'results.json': '{}' }, { expired: true })
    const run = await runAction({ runId: 301, event: 'pull_request', sha: 'f'.repeat(40), pr: { number: 10 } })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.summary).toContain('expired')
  })

  it('warns clearly about a corrupt baseline and checks thresholds only', async () => {
    fake.addRun({
      id: 400,
      workflowPath: WORKFLOW,
      headBranch: 'main',
      headSha: MAIN_SHA,
      event: 'push',
      status: 'completed',
      conclusion: 'success',
    })
    await fake.addArtifactZip(400, ARTIFACT, { 'results.json': '{"schemaVersion": 1, "entries": "garbage"' })
    const run = await runAction({ runId: 401, event: 'pull_request', sha: '1'.repeat(40), pr: { number: 11 } })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toMatch(
      /::warning::Cannonade could not use the artifact of run 400 .*results\.json \(artifact cannonade-e2e of run 400\): not a valid Cannonade results file/,
    )
    expect(commentsOn(11)[0]?.body).toContain('could not be used')
  })
})

describe('artifacts from other runs are untrusted input', () => {
  beforeAll(() => {
    fake.reset()
  })

  it('unpacks only results.json from a baseline holding a huge log, and leaves nothing behind', async () => {
    const push = await runAction({ runId: 701, event: 'push', sha: MAIN_SHA })
    expect(push.code, push.stdout + push.stderr).toBe(0)
    const artifact = artifactOf(701)
    if (artifact === undefined) throw new Error('the push run left no artifact')
    const files = await fake.readArtifactFiles(artifact)
    // 256 MiB of log compresses to a few hundred KB: unpacked, it would fill the runner's disk run after run.
    artifact.zip = await createZip({ ...files, 'app.log': Buffer.alloc(256 * 1024 * 1024, 0x61) })
    expect(artifact.zip.length).toBeLessThan(2 * 1024 * 1024)
    // About the artifact, not the verdict: a busy machine must not decide this test.
    const run = await runAction({
      runId: 702,
      event: 'pull_request',
      sha: '6'.repeat(40),
      pr: { number: 21 },
      inputs: { 'fail-on': 'never' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.outputs['baseline-run-id']).toBe('701')
    expect(run.leftovers).toEqual([])
  })

  it('refuses a results.json larger than its cap without unpacking it, and checks thresholds only', async () => {
    fake.addRun({
      id: 710,
      workflowPath: WORKFLOW,
      headBranch: 'main',
      headSha: MAIN_SHA,
      event: 'push',
      status: 'completed',
      conclusion: 'success',
    })
    const padded = `{"schemaVersion": 1${' '.repeat(65 * 1024 * 1024)}}`
    await fake.addArtifactZip(710, ARTIFACT, { 'results.json': padded })
    const run = await runAction({ runId: 711, event: 'pull_request', sha: '7'.repeat(40), pr: { number: 22 } })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toMatch(
      /::warning::Cannonade could not use the artifact of run 710 .*results\.json is \d+ bytes unpacked, more than the 67108864 allowed/,
    )
    expect(commentsOn(22)[0]?.body).toContain('could not be used')
    expect(run.leftovers).toEqual([])
  })

  it("refuses a fork's results whose suite would inject markdown into the bot's comment", async () => {
    const payload =
      'default -->\n\n# Approved @org/admins [claim](https://example.invalid/x) ![](https://example.invalid/t.png) <!-- cannonade:x'
    const measured = await runAction({ runId: 720, event: 'pull_request', sha: '8'.repeat(40), pr: { number: 23, fork: true } })
    expect(measured.code, measured.stdout + measured.stderr).toBe(0)
    const forkArtifact = artifactOf(720)
    if (forkArtifact === undefined) throw new Error('the fork run left no artifact')
    const files = await fake.readArtifactFiles(forkArtifact)
    const results = JSON.parse(files['results.json']?.toString() ?? '{}') as { suite: string }
    results.suite = payload
    forkArtifact.zip = await createZip({ ...files, 'results.json': JSON.stringify(results) })
    fake.pulls.push({ number: 23, headSha: '8'.repeat(40), headRef: 'feature-23', baseRef: 'main', headRepo: `someone/${fake.repo}` })
    const run = await runAction({
      runId: 721,
      event: 'workflow_run',
      sha: MAIN_SHA,
      workflowRun: { id: 720, headSha: '8'.repeat(40), headBranch: 'feature-23', headRepo: `someone/${fake.repo}` },
      inputs: { ...(await exampleInputs('examples/perf-comment.yml')), 'artifact-name': ARTIFACT },
    })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.stdout).toMatch(
      /::error::.*results\.json \(artifact cannonade-e2e of run 720\): not a valid Cannonade results file: suite: must match pattern/,
    )
    expect(commentsOn(23)).toEqual([])
    expect(fake.comments.filter((c) => c.body.includes('admins'))).toEqual([])
    expect(run.leftovers).toEqual([])
  })
})

describe('pull requests from forks', () => {
  const FORK_SHA = '2'.repeat(40)

  /** Plants a fork's pull_request run 501 for #12 with the artifact such a run uploads, measured once. */
  async function plantForkRun(): Promise<void> {
    const files = await recorded('fork', { runId: 501, event: 'pull_request', sha: FORK_SHA, pr: { number: 12, fork: true } })
    fake.addRun({
      id: 501,
      workflowPath: WORKFLOW,
      headBranch: 'feature-12',
      headSha: FORK_SHA,
      event: 'pull_request',
      status: 'completed',
      conclusion: 'success',
    })
    await fake.addArtifactZip(501, ARTIFACT, files)
  }

  it('does not comment from the fork run but leaves the report in the artifact', async () => {
    const run = await runAction({ runId: 501, event: 'pull_request', sha: '2'.repeat(40), pr: { number: 12, fork: true } })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(fake.comments).toEqual([])
    expect(run.stdout).toContain('::notice::This pull request comes from a fork')
    const files = await fake.readArtifactFiles(present(artifactOf(501)))
    expect(files['report.md']?.toString()).toContain('<!-- cannonade:e2e -->')
  })

  it('posts the report from a trusted workflow_run run with mode: comment, rendered from the results', async () => {
    await plantForkRun()
    fake.pulls.push({ number: 12, headSha: '2'.repeat(40), headRef: 'feature-12', baseRef: 'main', headRepo: `someone/${fake.repo}` })
    // The fork's code could have written anything into its artifact: its markdown is never posted.
    const forkArtifact = artifactOf(501)
    if (forkArtifact === undefined) throw new Error('the fork run left no artifact')
    const files = await fake.readArtifactFiles(forkArtifact)
    forkArtifact.zip = await createZip({ ...files, 'report.md': '<!-- cannonade:e2e -->\n@everyone free tokens' })
    // A baseline on main for the comment run to find, measured like the fork's run.
    fake.addRun({
      id: 490,
      workflowPath: WORKFLOW,
      headBranch: 'main',
      headSha: MAIN_SHA,
      event: 'push',
      status: 'completed',
      conclusion: 'success',
    })
    await fake.addArtifactZip(490, ARTIFACT, { 'results.json': files['results.json'] ?? '' })
    const run = await runAction({
      runId: 502,
      event: 'workflow_run',
      sha: MAIN_SHA,
      workflowRun: { id: 501, headSha: '2'.repeat(40), headBranch: 'feature-12', headRepo: `someone/${fake.repo}` },
      inputs: { ...(await exampleInputs('examples/perf-comment.yml')), 'artifact-name': ARTIFACT },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    const comments = commentsOn(12)
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body.startsWith('<!-- cannonade:e2e -->')).toBe(true)
    expect(comments[0]?.body).toContain('artifact of run 490')
    expect(comments[0]?.body).not.toContain('free tokens')
    expect(run.outputs['comment-url']).toMatch(/\/12#issuecomment-\d+$/)
  })

  it("says a base measured by the fork's own run is the fork's claim, not a measurement beside the head", async () => {
    await plantForkRun()
    fake.pulls.push({ number: 12, headSha: FORK_SHA, headRef: 'feature-12', baseRef: 'main', headRepo: `someone/${fake.repo}` })
    const forkArtifact = present(artifactOf(501))
    const files = await fake.readArtifactFiles(forkArtifact)
    forkArtifact.zip = await createZip({ ...files, 'base-results.json': files['results.json'] ?? '' })
    const run = await runAction({
      runId: 504,
      event: 'workflow_run',
      sha: MAIN_SHA,
      workflowRun: { id: 501, headSha: FORK_SHA, headBranch: 'feature-12', headRepo: `someone/${fake.repo}` },
      inputs: { mode: 'comment', 'artifact-name': ARTIFACT },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(commentsOn(12)[0]?.body).toContain(
      "base commit as the fork's run 501 reports measuring it beside the head (the fork's own numbers)",
    )
  })

  it('refuses to comment on a pull request whose head is not the commit that was measured', async () => {
    await plantForkRun()
    // The pull request moved on after the fork's run measured it.
    fake.pulls.push({ number: 12, headSha: '3'.repeat(40), headRef: 'feature-12', baseRef: 'main', headRepo: `someone/${fake.repo}` })
    const run = await runAction({
      runId: 503,
      event: 'workflow_run',
      sha: MAIN_SHA,
      workflowRun: { id: 501, headSha: '2'.repeat(40), headBranch: 'feature-12', headRepo: `someone/${fake.repo}` },
      inputs: { mode: 'comment', 'artifact-name': ARTIFACT },
    })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.stdout).toContain('is not the commit that run measured')
    expect(commentsOn(12)).toEqual([])
  })
})

describe('when GitHub fails', () => {
  it('keeps the results when commenting fails with a server error, and lets the gate decide', async () => {
    fake.reset()
    fake.faults.comments = 500
    const run = await runAction({ runId: 601, event: 'pull_request', sha: '4'.repeat(40), pr: { number: 13 } })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toMatch(/::warning::Cannonade could not comment on #13: .*\(HTTP 500\)/)
    expect(Object.keys(await fake.readArtifactFiles(present(artifactOf(601))))).toContain('results.json')
  })

  it('fails a push run whose artifact cannot be uploaded: the branch would be left without its next baseline', async () => {
    fake.reset()
    fake.faults.upload = 403
    const run = await runAction({ runId: 602, event: 'push', sha: MAIN_SHA })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.stdout).toMatch(/::warning::Cannonade could not upload the artifact cannonade-e2e: /)
    expect(run.stdout).toContain(
      '::error::the artifact cannonade-e2e could not be uploaded, so this push leaves no baseline or history for main',
    )
    expect(artifactOf(602)).toBeUndefined()
    // What was measured stays on the runner.
    expect(JSON.parse(await readFile(path.join(workspace, 'cannonade-results', 'results.json'), 'utf8'))).toMatchObject({ suite: 'e2e' })
  })

  it('fails a shard job whose artifact cannot be uploaded, naming the job to re-run', async () => {
    fake.reset()
    fake.faults.upload = 403
    const run = await runAction({ runId: 603, event: 'pull_request', sha: '4'.repeat(40), pr: { number: 16 }, inputs: { shard: '1/2' } })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.stdout).toContain('::error::the shard artifact cannonade-e2e-shard-1-of-2 could not be uploaded')
    expect(artifactOf(603)).toBeUndefined()
  })

  it('uploads what was measured and fails with the log quoted when the app crashes mid-run', async () => {
    fake.reset()
    // With a baseline present, as the crash that got a ✅ headline had (issue 18).
    await plantStoredBaseline(101)
    const run = await runAction({
      runId: 801,
      event: 'pull_request',
      sha: '5'.repeat(40),
      pr: { number: 15 },
      env: { DEMO_EXIT_AFTER: '2000' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.outputs['verdict']).toBe('error')
    expect(run.stdout).toMatch(/::error::the app exited \(exit code 70\) during round \d+ of /)
    expect(run.stdout).toContain('crashing on purpose')
    const files = await fake.readArtifactFiles(present(artifactOf(801)))
    const results = JSON.parse(files['results.json']?.toString() ?? '{}') as { status: string; entries: unknown[] }
    expect(results.status).toBe('incomplete')
    expect(results.entries.length).toBeGreaterThan(0)
    expect(files['app.log']?.toString()).toContain('crashing on purpose')
    expect(commentsOn(15)[0]?.body).toMatch(/stopped early/)
    // A run that crashed never gets a ✅ headline, in the comment or the summary.
    const headlineOf = (text: string): string => text.split('\n').find((line) => line.includes('**Cannonade:')) ?? ''
    expect(headlineOf(commentsOn(15)[0]?.body ?? '')).toMatch(/^(⚠️|❌) \*\*Cannonade: .*run incomplete/)
    expect(headlineOf(run.summary)).toMatch(/^(⚠️|❌) /)
  })

  it('fails with the config problem, naming the file and field, for a bad config', async () => {
    fake.reset()
    const run = await runAction({ runId: 701, event: 'push', sha: MAIN_SHA, inputs: { config: 'missing.yml' } })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.stdout).toMatch(/::error::.*missing\.yml: no such file/)
  })
})

describe('faults that must not lose what was measured', () => {
  it('still uploads, reports and comments when GITHUB_OUTPUT points into a missing directory, then fails naming it', async () => {
    fake.reset()
    const missing = path.join(os.tmpdir(), `cannonade-missing-${process.pid}`, 'output')
    const run = await runAction({
      runId: 1001,
      event: 'pull_request',
      sha: '6'.repeat(40),
      pr: { number: 40 },
      env: { GITHUB_OUTPUT: missing },
    })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.stdout).toContain(`::warning::Cannonade could not set the step output 'results-path' (Missing file at path: ${missing})`)
    expect(run.stdout).toContain(`::error::Cannonade could not write its step outputs to GITHUB_OUTPUT (${missing})`)
    const files = await fake.readArtifactFiles(present(artifactOf(1001)))
    expect(Object.keys(files).sort()).toEqual(['app.log', 'comment.json', 'report.html', 'report.md', 'results.json'])
    expect(commentsOn(40)).toHaveLength(1)
    expect(run.summary).toContain('Cannonade')
  })

  it('on SIGTERM mid-run stops the app, uploads the finished rounds as incomplete, and leaves the comment alone', async () => {
    fake.reset()
    const run = await runAction({
      runId: 1002,
      event: 'pull_request',
      sha: '7'.repeat(40),
      pr: { number: 41 },
      inputs: { rounds: '20' },
      interrupt: { when: /\[3\/40\] /, signal: 'SIGTERM' },
    })
    expect(run.code, run.stdout + run.stderr).not.toBe(0)
    expect(run.stderr).toContain('interrupted (SIGTERM); stopping the app and keeping the finished rounds')
    expect(run.stdout).toMatch(/::error::interrupted by SIGTERM: the run stopped early/)
    const files = await fake.readArtifactFiles(present(artifactOf(1002)))
    const results = JSON.parse(files['results.json']?.toString() ?? '{}') as {
      status: string
      error: string
      entries: { rounds: unknown[] }[]
    }
    expect(results.status).toBe('incomplete')
    expect(results.error).toContain('SIGTERM')
    const rounds = results.entries.reduce((sum, e) => sum + e.rounds.length, 0)
    expect(rounds).toBeGreaterThanOrEqual(3)
    expect(rounds).toBeLessThan(40)
    expect(files['report.md']?.toString()).toContain('stopped early')
    expect(commentsOn(41)).toEqual([])
  })

  it("warns, naming the port, when the app's server escaped its process group and outlived the stop", async () => {
    fake.reset()
    const port = await freePort()
    const pidFile = path.join(workspace, 'escaped.pid')
    await writeFile(
      path.join(workspace, 'escape.yml'),
      [
        'suite: e2e',
        `app: { command: "setsid node server.mjs & echo $! > ${pidFile}; wait", cwd: ${JSON.stringify(path.resolve('__fixtures__/demo'))}, env: { PORT: "${port}" }, ready: "http://127.0.0.1:${port}/health" }`,
        `baseUrl: http://127.0.0.1:${port}`,
        // Long enough for the 1,000 responses the no-CPU warning needs even on a busy machine (~650 req/s seen).
        'defaults: { duration: 1500ms, warmup: 100ms, rounds: 2, connections: 4 }',
        'scenarios: [{ name: list users, path: /users }]',
      ].join('\n'),
    )
    try {
      const run = await runAction({ runId: 1003, event: 'push', sha: MAIN_SHA, inputs: { config: 'escape.yml', baseline: 'none' } })
      expect(run.stdout).toContain(`::warning::Cannonade: port ${port} on 127.0.0.1 still answers after the app was stopped`)
      expect(run.stdout).toMatch(/::warning::Cannonade: the app's process group used no CPU while it answered/)
    } finally {
      const pid = Number(await readFile(pidFile, 'utf8').catch(() => '0'))
      if (pid > 0) {
        try {
          process.kill(-pid, 'SIGKILL') // a session leader: its group is its own pid
        } catch {
          // already gone
        }
      }
    }
  })
})

describe('baseline: same-job, the base commit measured beside the head', () => {
  let repo = ''
  let baseSha = ''
  const gitIn = (...args: string[]): string => gitInRepo(repo, ...args)

  beforeAll(async () => {
    fake.reset()
    repo = await mkdtemp(path.join(os.tmpdir(), 'cannonade-repo-'))
    const port = await freePort()
    // The pull request makes /cpu two and a half times as expensive.
    baseSha = await createDemoRepo(repo, {
      'cannonade.yml': [
        'suite: e2e',
        `app: { command: node server.mjs, build: echo building with app.build, cwd: app, env: { PORT: "${port}" }, ready: "http://127.0.0.1:${port}/health" }`,
        `baseUrl: http://127.0.0.1:${port}`,
        'defaults: { duration: 300ms, warmup: 100ms, rounds: 3, connections: 4 }',
        'scenarios:',
        '  - { name: cpu work, path: /cpu, thresholds: { regression: { rps: 25%, p50: 30%, p99: 100% } } }',
        // Unchanged, with a tolerance far below what 300 ms rounds can resolve: it stays undecided.
        '  - { name: users, path: /users, thresholds: { regression: { rps: 0.5% } } }',
      ].join('\n'),
    })
  })
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true })
  })

  it('checks out, builds and measures the base beside the head, catches the regression and stops measuring it early', async () => {
    const run = await runAction({
      runId: 901,
      event: 'pull_request',
      sha: gitIn('rev-parse', 'HEAD'),
      pr: { number: 30, baseSha },
      inputs: { 'working-directory': repo, baseline: 'same-job', 'baseline-build': 'echo building the base commit', budget: '24s' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.stdout).toContain('building the base commit')
    expect(run.stdout).toMatch(/\] base cpu work @ 4 conn {2}round 1\/3/)
    expect(run.stdout).toMatch(/\] head cpu work @ 4 conn {2}round 1\/3/)
    const body = commentsOn(30)[0]?.body ?? ''
    expect(body).toContain(`base commit ${baseSha.slice(0, 7)} measured in this job`)
    expect(body).toMatch(/cpu work.*regression/s)
    const files = await fake.readArtifactFiles(present(artifactOf(901)))
    expect(Object.keys(files)).toContain('base-results.json')
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
    // Decided as it went: the clear regression stopped after the few pairs its sequence needs, the
    // undecided entry kept measuring, interleaved, until the budget was spent.
    const rounds = (name: string): number => {
      const results = JSON.parse(files['results.json']?.toString() ?? '{}') as { entries: { key: string; rounds: unknown[] }[] }
      return results.entries.find((e) => e.key.startsWith(name))?.rounds.length ?? 0
    }
    expect(rounds('cpu work')).toBeGreaterThan(3)
    // How many pairs a 2.5x slowdown needs depends on the machine's noise (6 to 8 seen under load): the
    // point is that it stopped while the undecided entry went on.
    expect(rounds('cpu work')).toBeLessThanOrEqual(12)
    expect(rounds('users')).toBeGreaterThan(rounds('cpu work'))
    expect(body).toContain('decided as they went')
    expect(body).toMatch(/false-alarm budget: at most 1 % chance that an unchanged suite fails, split over 6 gated metrics/)
  })

  it('with app.build in the config, baseline: auto measures the base commit in the same job on a pull request', async () => {
    const run = await runAction({
      runId: 905,
      event: 'pull_request',
      sha: gitIn('rev-parse', 'HEAD'),
      pr: { number: 34, baseSha },
      inputs: { 'working-directory': repo, budget: '3s', 'fail-on': 'never' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain(`building the base commit ${baseSha.slice(0, 7)}: echo building with app.build`)
    expect(run.stdout).toContain('\nbuilding with app.build\n')
    expect(run.stdout).toMatch(/\] base cpu work @ 4 conn {2}round 1\/3/)
    const body = commentsOn(34)[0]?.body ?? ''
    expect(body).toContain(`base commit ${baseSha.slice(0, 7)} measured in this job`)
    expect(body).not.toContain('For the precise mode')
    const files = await fake.readArtifactFiles(present(artifactOf(905)))
    expect(Object.keys(files)).toContain('base-results.json')
    // Measured beside the head, not looked up among earlier runs.
    expect(fake.requests.some((r) => r.path.includes('/actions/workflows/'))).toBe(false)
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('with app.build, a push run still measures only itself and records the stored baseline', async () => {
    const run = await runAction({ runId: 906, event: 'push', sha: baseSha, inputs: { 'working-directory': repo } })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).not.toContain('building')
    expect(run.stdout).not.toMatch(/\] base /)
    const files = await fake.readArtifactFiles(present(artifactOf(906)))
    expect(Object.keys(files)).toContain('results.json')
    expect(Object.keys(files)).not.toContain('base-results.json')
  })

  it('with baseline: auto, falls back to the stored baseline, with a warning, when the base does not build', async () => {
    await plantStoredBaseline(906)
    const run = await runAction({
      runId: 907,
      event: 'pull_request',
      sha: gitIn('rev-parse', 'HEAD'),
      pr: { number: 35, baseSha },
      inputs: { 'working-directory': repo, 'baseline-build': 'exit 3', 'fail-on': 'never' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toMatch(
      /::warning::Cannonade: the base commit [0-9a-f]{7} did not build \(`exit 3` exited with 3\)\. Comparing with the stored baseline instead\./,
    )
    // The stored baseline planted above: the pull request is compared with it.
    expect(run.outputs['baseline-run-id']).toBe('906')
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('falls back to thresholds only, with a warning, when the base does not build', async () => {
    const run = await runAction({
      runId: 902,
      event: 'pull_request',
      sha: gitIn('rev-parse', 'HEAD'),
      pr: { number: 31, baseSha },
      inputs: { 'working-directory': repo, baseline: 'same-job', 'baseline-build': 'exit 3' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toMatch(/::warning::Cannonade: the base commit [0-9a-f]{7} did not build/)
    expect(commentsOn(31)[0]?.body).toContain('did not build')
  })

  it('stops a build that hangs after baseline-build-timeout, with its whole process group, and removes the worktree', async () => {
    const pidFile = path.join(repo, '..', `cannonade-build-${process.pid}.pid`)
    const started = performance.now()
    const run = await runAction({
      runId: 903,
      event: 'pull_request',
      sha: gitIn('rev-parse', 'HEAD'),
      pr: { number: 32, baseSha },
      inputs: {
        'working-directory': repo,
        baseline: 'same-job',
        'baseline-build': `echo $$ > ${pidFile}; sleep 60 & sleep 60`,
        'baseline-build-timeout': '1s',
      },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toMatch(
      /::warning::Cannonade: the base commit [0-9a-f]{7} did not build \(`.*` was still running after 1s \(input 'baseline-build-timeout'\) and was stopped\)/,
    )
    expect(performance.now() - started).toBeLessThan(30_000)
    expect(groupRunning(Number(await readFile(pidFile, 'utf8')))).toBe(false)
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
    await rm(pidFile, { force: true })
  })

  it("on SIGTERM during the build stops the build's process group and removes the worktree", async () => {
    const pidFile = path.join(repo, '..', `cannonade-build-term-${process.pid}.pid`)
    const run = await runAction({
      runId: 904,
      event: 'pull_request',
      sha: gitIn('rev-parse', 'HEAD'),
      pr: { number: 33, baseSha },
      inputs: {
        'working-directory': repo,
        baseline: 'same-job',
        // The marker is computed by the shell ("build 42 under way"): the action's own log line that
        // quotes the command shows "$((6 * 7))", so the signal waits for the build itself, which has
        // written its pid file by then.
        'baseline-build': `echo $$ > ${pidFile}; echo "build $((6 * 7)) under way"; sleep 60 & sleep 60`,
      },
      interrupt: { when: /build 42 under way/, signal: 'SIGTERM' },
    })
    expect(run.code, run.stdout + run.stderr).not.toBe(0)
    expect(run.stdout).toMatch(/::error::interrupted by SIGTERM/)
    expect(groupRunning(Number(await readFile(pidFile, 'utf8')))).toBe(false)
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
    await rm(pidFile, { force: true })
  })
})

describe('a pull request with no app.build: the base commit built as its files say', () => {
  let npmRepo = ''
  let plainRepo = ''
  let baseSha = ''
  let brokenSha = ''
  let barrenSha = ''
  const lock = { name: 'demo', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'demo', version: '1.0.0' } } }
  const pkg = (build: string): string => JSON.stringify({ name: 'demo', version: '1.0.0', private: true, scripts: { build } })

  async function configWithoutBuild(): Promise<string> {
    const port = await freePort()
    return [
      'suite: e2e',
      `app: { command: node server.mjs, cwd: app, env: { PORT: "${port}" }, ready: "http://127.0.0.1:${port}/health" }`,
      `baseUrl: http://127.0.0.1:${port}`,
      'defaults: { duration: 300ms, warmup: 100ms, rounds: 3, connections: 4 }',
      'scenarios:',
      '  - { name: cpu work, path: /cpu, thresholds: { regression: { rps: 25%, p50: 30%, p99: 100% } } }',
    ].join('\n')
  }

  beforeAll(async () => {
    fake.reset()
    npmRepo = await mkdtemp(path.join(os.tmpdir(), 'cannonade-npm-repo-'))
    // An npm project (a lock file with no dependencies, so npm ci needs no network) whose build
    // script says it ran; the pull request makes /cpu two and a half times as expensive.
    baseSha = await createDemoRepo(npmRepo, {
      'cannonade.yml': await configWithoutBuild(),
      'package.json': pkg('node -e "console.log(\'built by the inferred build\')"'),
      'package-lock.json': JSON.stringify(lock),
    })
    // Two other bases for the same head: one whose build script fails, one with no package files.
    const head = gitInRepo(npmRepo, 'rev-parse', 'HEAD')
    gitInRepo(npmRepo, 'checkout', '-q', '-b', 'broken', baseSha)
    await writeFile(path.join(npmRepo, 'package.json'), pkg('echo the build broke >&2; exit 4'))
    gitInRepo(npmRepo, 'commit', '-q', '-am', 'a build that fails')
    brokenSha = gitInRepo(npmRepo, 'rev-parse', 'HEAD')
    gitInRepo(npmRepo, 'checkout', '-q', '-b', 'barren', baseSha)
    gitInRepo(npmRepo, 'rm', '-q', 'package.json', 'package-lock.json')
    gitInRepo(npmRepo, 'commit', '-q', '-m', 'no package files')
    barrenSha = gitInRepo(npmRepo, 'rev-parse', 'HEAD')
    gitInRepo(npmRepo, 'checkout', '-q', 'main')
    expect(gitInRepo(npmRepo, 'rev-parse', 'HEAD')).toBe(head)
    plainRepo = await mkdtemp(path.join(os.tmpdir(), 'cannonade-plain-repo-'))
    await createDemoRepo(plainRepo, { 'cannonade.yml': await configWithoutBuild() })
  })
  afterAll(async () => {
    await rm(npmRepo, { recursive: true, force: true })
    await rm(plainRepo, { recursive: true, force: true })
  })

  it('infers npm ci && npm run build from package-lock.json, says so, and measures the base beside the head', async () => {
    const run = await runAction({
      runId: 1501,
      event: 'pull_request',
      sha: gitInRepo(npmRepo, 'rev-parse', 'HEAD'),
      pr: { number: 50, baseSha },
      inputs: { 'working-directory': npmRepo, budget: '3s', 'fail-on': 'never' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    const line = 'npm ci && npm run build (inferred from package-lock.json and the build script in package.json)'
    expect(run.stdout).toContain(`building the base commit ${baseSha.slice(0, 7)}: ${line}`)
    expect(run.stdout).toContain('\nbuilt by the inferred build\n')
    expect(run.stdout).toMatch(/\] base cpu work @ 4 conn {2}round 1\/3/)
    expect(run.stdout).toMatch(/\] head cpu work @ 4 conn {2}round 1\/3/)
    const body = commentsOn(50)[0]?.body ?? ''
    expect(body).toContain(
      `base commit ${baseSha.slice(0, 7)} measured in this job, built with npm ci &amp;&amp; npm run build (inferred from package-lock.json`,
    )
    expect(body).not.toContain('For the precise mode')
    const files = await fake.readArtifactFiles(present(artifactOf(1501)))
    expect(Object.keys(files)).toContain('base-results.json')
    expect(fake.requests.some((r) => r.path.includes('/actions/workflows/'))).toBe(false)
    expect(gitInRepo(npmRepo, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('falls back to the stored baseline when the inferred build fails, saying why in one line, and passes', async () => {
    await plantStoredBaseline(1500)
    const run = await runAction({
      runId: 1502,
      event: 'pull_request',
      sha: gitInRepo(npmRepo, 'rev-parse', 'HEAD'),
      pr: { number: 51, baseSha: brokenSha },
      inputs: { 'working-directory': npmRepo, 'fail-on': 'never' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stderr + run.stdout).toContain('the build broke')
    const why =
      `the base commit ${brokenSha.slice(0, 7)} did not build (\`npm ci && npm run build\` exited with 4; ` +
      'inferred from package-lock.json and the build script in package.json: set app.build to a command, or to none)'
    expect(run.stdout).toContain(`::warning::Cannonade: ${why}. Comparing with the stored baseline instead.`)
    expect(run.outputs['baseline-run-id']).toBe('1500')
    expect(commentsOn(51)[0]?.body).toContain('the base commit was not measured in this job: the base commit')
    expect(gitInRepo(npmRepo, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('falls back to the stored baseline, without a warning, when the base has nothing to build from', async () => {
    await plantStoredBaseline(1500)
    const run = await runAction({
      runId: 1503,
      event: 'pull_request',
      sha: gitInRepo(npmRepo, 'rev-parse', 'HEAD'),
      pr: { number: 52, baseSha: barrenSha },
      inputs: { 'working-directory': npmRepo, 'fail-on': 'never' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain(
      `Cannonade: nothing to build the base commit ${barrenSha.slice(0, 7)} with was found: no lock file or manifest in app or a directory above it in the repository (looked for npm-shrinkwrap.json,`,
    )
    expect(run.stdout).not.toMatch(/::warning::Cannonade: nothing to build/)
    expect(run.outputs['baseline-run-id']).toBe('1500')
    expect(commentsOn(52)[0]?.body).toContain('For the precise mode, add app.build')
    expect(gitInRepo(npmRepo, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('does not check the base out when the head has nothing to infer a build from', async () => {
    await plantStoredBaseline(1500)
    const run = await runAction({
      runId: 1504,
      event: 'pull_request',
      sha: gitInRepo(plainRepo, 'rev-parse', 'HEAD'),
      pr: { number: 53, baseSha: gitInRepo(plainRepo, 'rev-parse', 'HEAD~1') },
      inputs: { 'working-directory': plainRepo, 'fail-on': 'never' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain(
      'Cannonade: nothing to build the base commit with was found: no lock file or manifest in app or a directory above it in the repository (looked for',
    )
    expect(run.stdout).not.toContain('building the base commit')
    expect(run.outputs['baseline-run-id']).toBe('1500')
    const body = commentsOn(53)[0]?.body ?? ''
    expect(body).toContain('For the precise mode, add app.build')
    expect(body).toContain('the base commit was not measured in this job: nothing to build the base commit with was found')
  })

  it('keeps to the stored baseline with app.build: none, building nothing', async () => {
    await plantStoredBaseline(1500)
    await writeFile(path.join(npmRepo, 'none.yml'), (await configWithoutBuild()).replace('cwd: app,', 'cwd: app, build: none,'))
    try {
      const run = await runAction({
        runId: 1505,
        event: 'pull_request',
        sha: gitInRepo(npmRepo, 'rev-parse', 'HEAD'),
        pr: { number: 54, baseSha },
        inputs: { 'working-directory': npmRepo, config: 'none.yml', 'fail-on': 'never' },
      })
      expect(run.code, run.stdout + run.stderr).toBe(0)
      expect(run.stdout).not.toContain('building the base commit')
      expect(run.stdout).not.toContain('nothing to build')
      expect(run.outputs['baseline-run-id']).toBe('1500')
      // The team chose the stored baseline: no hint to do otherwise.
      expect(commentsOn(54)[0]?.body).not.toContain('For the precise mode')
    } finally {
      await rm(path.join(npmRepo, 'none.yml'), { force: true })
    }
  })
})

describe("artifact baselines that know the base branch's run-to-run spread", () => {
  type Measured = { entries: { key: string; rps: number; rounds: { rps: number }[]; latencyUs: Record<string, number> }[] }
  interface PlantedRun {
    runId: number
    sha: string
    date: string
    runner: string
    entries: { key: string; metrics: Record<string, { median: number; low: number; high: number }> }[]
  }

  /** A history of 8 runs alternating ±`sigma` (log scale), the last the baseline itself. */
  const alternating =
    (sigma: number) =>
    (i: number): number =>
      i === 7 ? 1 : Math.exp(i % 2 === 0 ? sigma : -sigma)

  /** A baseline on main whose rps is `factor` times what this machine measured, and a history of 8 runs, run i at `drift(i)` times it. */
  async function plantBaseline(runId: number, factor: number, drift: (i: number) => number): Promise<void> {
    const results = JSON.parse(present((await recordedPush())['results.json']).toString()) as Measured
    for (const entry of results.entries) {
      entry.rps *= factor
      for (const round of entry.rounds) round.rps *= factor
    }
    const runs: PlantedRun[] = Array.from({ length: 8 }, (_, i) => {
      const point = (v: number): { median: number; low: number; high: number } => ({
        median: v * drift(i),
        low: v * drift(i) * 0.99,
        high: v * drift(i) * 1.01,
      })
      return {
        runId: runId - 8 + i,
        sha: String(i).repeat(40),
        date: `2026-11-2${i}T10:00:00.000Z`,
        runner: 'Test CPU / 2 cores / linux / v24',
        entries: results.entries.map((e) => ({
          key: e.key,
          metrics: { rps: point(e.rps), p50: point(e.latencyUs['p50'] ?? 1), p99: point(e.latencyUs['p99'] ?? 1) },
        })),
      }
    })
    fake.addRun({
      id: runId,
      workflowPath: WORKFLOW,
      headBranch: 'main',
      headSha: MAIN_SHA,
      event: 'push',
      status: 'completed',
      conclusion: 'success',
    })
    await fake.addArtifactZip(runId, ARTIFACT, {
      'results.json': JSON.stringify(results),
      'history.json': JSON.stringify({ schemaVersion: 1, suite: 'e2e', runs }),
    })
  }

  it("builds a history over push runs: the third push's artifact holds three points", async () => {
    for (const [i, runId] of [801, 802, 803].entries()) {
      // About the history, not the verdict: pushes compare with each other, and noise must not decide.
      const run = await runAction({ runId, event: 'push', sha: String(i + 1).repeat(40), inputs: { 'fail-on': 'never' } })
      expect(run.code, run.stdout + run.stderr).toBe(0)
    }
    const files = await fake.readArtifactFiles(present(artifactOf(803)))
    const history = JSON.parse(files['history.json']?.toString() ?? '{}') as { suite: string; runs: PlantedRun[] }
    expect(history.suite).toBe('e2e')
    expect(history.runs.map((r) => [r.runId, r.sha])).toEqual([
      [801, '1'.repeat(40)],
      [802, '2'.repeat(40)],
      [803, '3'.repeat(40)],
    ])
    expect(history.runs[2]?.entries.map((e) => e.key).sort()).toEqual(['cpu work @ 4 conn', 'list users @ 4 conn'])
    expect(history.runs[2]?.entries[0]?.metrics['rps']?.median).toBeGreaterThan(0)
  })

  it('rebuilds a corrupt history from the baseline results, with a notice', async () => {
    const results = present((await recordedPush())['results.json'])
    fake.addRun({
      id: 803,
      workflowPath: WORKFLOW,
      headBranch: 'main',
      headSha: MAIN_SHA,
      event: 'push',
      status: 'completed',
      conclusion: 'success',
    })
    await fake.addArtifactZip(803, ARTIFACT, {
      'results.json': results,
      'history.json': '{"schemaVersion": 1, "suite": "e2e", "runs": [{"date": "\u001b[31m"}]}',
    })
    const run = await runAction({ runId: 804, event: 'push', sha: '4'.repeat(40), inputs: { 'fail-on': 'never' } })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toMatch(
      /::notice::Cannonade: the history in the artifact of run 803 .* could not be used \(.*history\.json .*not a valid Cannonade history file.*\); it starts again from that run's results\./,
    )
    const history = JSON.parse((await fake.readArtifactFiles(present(artifactOf(804))))['history.json']?.toString() ?? '{}') as {
      runs: PlantedRun[]
    }
    expect(history.runs.map((r) => r.runId)).toEqual([803, 804])
  })

  it("passes a pull request whose change the base branch's own spread explains", async () => {
    // 1.3 times the throughput in the baseline: -23 %, near the 25 % tolerance, and the history's
    // runs swing by a factor of e^±0.1 from one to the next (a spread the cap allows).
    await plantBaseline(820, 1.3, alternating(0.1))
    const run = await runAction({ runId: 821, event: 'pull_request', sha: 'e'.repeat(40), pr: { number: 30 } })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.outputs['baseline-run-id']).toBe('820')
    expect(run.outputs['regressions']).toBe('0')
    const body = commentsOn(30)[0]?.body ?? ''
    expect(body).toMatch(/throughput \(req\/s\).*-\d+\.\d %.*run-to-run ±\d+(\.\d)? %.*inconclusive/)
    expect(body).toContain("intervals include the run-to-run spread of the base branch's last 8 runs")
  })

  it('fails a pull request whose change is far beyond that spread', async () => {
    await plantBaseline(830, 20, alternating(0.01))
    const run = await runAction({ runId: 831, event: 'pull_request', sha: 'f'.repeat(40), pr: { number: 31 }, inputs: { rounds: '6' } })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.outputs['baseline-run-id']).toBe('830')
    expect(Number(run.outputs['regressions'])).toBeGreaterThan(0)
    // How far below the planted 20x it lands depends on the machine's load now against when it was recorded.
    expect(run.stdout).toMatch(/::error title=Cannonade%3A regression::.* @ 4 conn: throughput \(req\/s\) -\d/)
  })

  describe('a poisoned history does not open the gate', () => {
    it('fails a 20× drop against a history with one 50× outlier run, naming the run it left out', async () => {
      await plantBaseline(850, 20, (i) => (i === 3 ? 50 : i % 2 === 0 ? 1.01 : 0.99))
      const run = await runAction({ runId: 851, event: 'pull_request', sha: 'a1'.repeat(20), pr: { number: 32 }, inputs: { rounds: '6' } })
      expect(run.code, run.stdout + run.stderr).toBe(1)
      expect(run.outputs['verdict']).toBe('fail')
      expect(run.stdout).toMatch(/::error title=Cannonade%3A regression::.* @ 4 conn: throughput \(req\/s\) -\d/)
      expect(commentsOn(32)[0]?.body ?? '').toContain('outlier run run 845 left out')
    })

    it('fails a 20× drop against a hostile history alternating ±10×, whose spread is capped', async () => {
      await plantBaseline(860, 20, (i) => (i === 7 ? 1 : i % 2 === 0 ? 10 : 0.1))
      const run = await runAction({ runId: 861, event: 'pull_request', sha: 'a2'.repeat(20), pr: { number: 33 }, inputs: { rounds: '6' } })
      expect(run.code, run.stdout + run.stderr).toBe(1)
      expect(run.outputs['verdict']).toBe('fail')
      expect(commentsOn(33)[0]?.body ?? '').toMatch(
        /throughput \(req\/s\).*capped at what this run's rounds and twice the assumed drift allow/,
      )
    })
  })
})

describe('history on the base branch: change points and trends', () => {
  // About the plumbing: runs compare with each other, and noise must not decide the verdicts.
  const quick = { 'fail-on': 'never', rounds: '3', duration: '200ms' }
  const shaOf = (runId: number): string => String(runId % 10).repeat(40)

  /** Plants the successful push run `runId` on main whose artifact holds `files`. */
  async function plantPush(runId: number, files: Record<string, Buffer>): Promise<void> {
    fake.addRun({
      id: runId,
      workflowPath: WORKFLOW,
      headBranch: 'main',
      headSha: shaOf(runId),
      event: 'push',
      status: 'completed',
      conclusion: 'success',
    })
    await fake.addArtifactZip(runId, ARTIFACT, files)
  }

  // Five push runs, each carrying the history forward from the one before, measured once: the
  // artifact of the fifth and what each run printed.
  let fivePushes: Promise<{ files: Record<string, Buffer>; stdouts: string[] }> | undefined
  function recordedFivePushes(): Promise<{ files: Record<string, Buffer>; stdouts: string[] }> {
    fivePushes ??= (async () => {
      fake.reset()
      const stdouts: string[] = []
      for (let runId = 1001; runId <= 1005; runId++) {
        const run = await runAction({ runId, event: 'push', sha: shaOf(runId), inputs: quick })
        if (run.code !== 0) throw new Error(`push ${runId} failed: ${run.stdout}${run.stderr}`)
        stdouts.push(run.stdout)
      }
      const files = await fake.readArtifactFiles(present(artifactOf(1005)))
      fake.reset()
      return { files, stdouts }
    })()
    return fivePushes
  }

  // The sixth push, its /cpu route doing twenty times the work (a step no run-to-run noise hides),
  // measured once on top of the five: the run and its artifact.
  let sixthPush: Promise<{ run: Awaited<ReturnType<typeof runAction>>; files: Record<string, Buffer> }> | undefined
  function recordedSlowPush(): Promise<{ run: Awaited<ReturnType<typeof runAction>>; files: Record<string, Buffer> }> {
    sixthPush ??= (async () => {
      const { files: five } = await recordedFivePushes()
      fake.reset()
      await plantPush(1005, five)
      const run = await runAction({ runId: 1006, event: 'push', sha: shaOf(1006), inputs: quick, env: { DEMO_SLOWDOWN: '1900%' } })
      const files = run.code === 0 ? await fake.readArtifactFiles(present(artifactOf(1006))) : {}
      fake.reset()
      return { run, files }
    })()
    return sixthPush
  }

  it('builds a history of five points over five push runs, with no change point', async () => {
    const { files, stdouts } = await recordedFivePushes()
    for (const stdout of stdouts) expect(stdout).not.toContain('title=Cannonade%3A change point')
    const history = JSON.parse(files['history.json']?.toString() ?? '{}') as {
      runs: {
        runId: number
        sha: string
        runner: string
        entries: { metrics: Record<string, { median: number; low: number; high: number }> }[]
      }[]
    }
    expect(history.runs.map((r) => r.runId)).toEqual([1001, 1002, 1003, 1004, 1005])
    const point = history.runs[4]?.entries[0]?.metrics['p50']
    expect(point?.low).toBeLessThanOrEqual(point?.median ?? 0)
    expect(point?.high).toBeGreaterThanOrEqual(point?.median ?? Infinity)
    expect(history.runs[4]?.runner).toMatch(/ cores \/ /)
  }, 120_000)

  it('reports a push whose app is 20× slower as a change point on its commit, in an annotation and the summary', async () => {
    const { run: slow, files } = await recordedSlowPush()
    expect(slow.code, slow.stdout + slow.stderr).toBe(0)
    expect(slow.stdout).toMatch(
      /::warning title=Cannonade%3A change point::cpu work @ 4 conn: .* stepped .* at 5555555\.\.6666666 \(.*\), slower, beyond the run-to-run spread of ±\d+\.\d %25 over the 5 runs before/,
    )
    expect(slow.stdout).not.toMatch(/change point::list users/)
    expect(slow.summary).toContain('### Change points on <code>main</code>')
    expect(slow.summary).toMatch(/- 🔺 cpu work @ 4 conn: .* at 5555555\.\.6666666/)
    const history = JSON.parse(files['history.json']?.toString() ?? '{}') as { runs: { runId: number }[] }
    expect(history.runs.map((r) => r.runId)).toEqual([1001, 1002, 1003, 1004, 1005, 1006])
  }, 150_000)

  it("shows each entry's trend over the base branch in a pull request's comment", async () => {
    await plantPush(1006, (await recordedSlowPush()).files)
    const pr = await runAction({ runId: 1007, event: 'pull_request', sha: 'c'.repeat(40), pr: { number: 40 }, inputs: quick })
    expect(pr.code, pr.stdout + pr.stderr).toBe(0)
    const body = commentsOn(40)[0]?.body ?? ''
    const trends = body.split('<details').filter((b) => b.includes('📈'))
    expect(trends.map((t) => /📈 ([^:]+):/.exec(t)?.[1]).sort()).toEqual(['cpu work @ 4 conn', 'list users @ 4 conn'])
    for (const trend of trends) {
      expect(trend).toContain('over the last 6 base-branch runs and this pull request')
      expect(trend).toMatch(/x-axis \["1111111", "2222222", "3333333", "4444444", "5555555", "6666666", "PR"\]/)
      expect(/^ {2}line \[(.*)\]$/m.exec(trend)?.[1]?.split(', ')).toHaveLength(7)
    }
  }, 150_000)

  it("keeps what remains of a damaged history, rebuilding the baseline run's point from its results, with a notice", async () => {
    await plantPush(1006, (await recordedSlowPush()).files)
    const artifact = present(artifactOf(1006))
    const files = await fake.readArtifactFiles(artifact)
    const history = JSON.parse(files['history.json']?.toString() ?? '{}') as { runs: Record<string, unknown>[] }
    history.runs[2] = { ...history.runs[2], date: 'the day before yesterday' }
    history.runs[5] = { ...history.runs[5], runner: '\u001b[31m' }
    artifact.zip = await createZip({ ...files, 'history.json': JSON.stringify(history) })
    const run = await runAction({ runId: 1008, event: 'push', sha: '8'.repeat(40), inputs: quick })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toMatch(
      /::notice::Cannonade: 2 runs of the history in the artifact of run 1006 .* could not be read and were dropped \(history\.json .*runs\[2\]\.date: must match pattern.*\); the rest is kept\./,
    )
    const kept = JSON.parse((await fake.readArtifactFiles(present(artifactOf(1008))))['history.json']?.toString() ?? '{}') as {
      runs: { runId: number; sha: string }[]
    }
    expect(kept.runs.map((r) => r.runId)).toEqual([1001, 1002, 1004, 1005, 1006, 1008])
    expect(kept.runs[4]?.sha).toBe('6'.repeat(40))
  }, 150_000)
})
