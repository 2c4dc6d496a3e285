// The action end to end, as the runner runs it: the committed dist/index.js in a child process with
// INPUT_* and GITHUB_* variables, the real @actions/artifact and Octokit talking to a loopback fake
// GitHub, and the demo app started, measured and stopped for real. One case per path the bundle
// takes (push, pull request on an artifact baseline, same-job, shards and merge, comment mode, a
// crash, a cancelled job); what publishing does with a measurement (fallbacks, forks, untrusted
// artifacts, GitHub failing, the history) is tested in-process on recorded results in
// __tests__/action/publish.test.ts. The run set-up is shared in ./harness.ts.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { groupRunning } from '../../src/app/monitor.js'
import { runNode, type Finished } from '../helpers/run-node.js'
import { freePort } from '../helpers/ports.js'
import { createZip, startFakeGitHub, type FakeGitHub } from './fake-github.js'
import {
  ARTIFACT,
  MAIN_SHA,
  WORKFLOW,
  artifactOf as artifactIn,
  completeRun,
  exampleInputs,
  plantPushRun,
  present,
  readOutputs,
  runnerEnv,
  type RunSpec,
} from './harness.js'
import { createDemoRepo, gitIn as gitInRepo } from '../../__fixtures__/demo-repo.js'
import { demoAppLines } from '../../__fixtures__/demo/app-config.js'
import { RECORDED, recordedText } from '../../__fixtures__/recorded/recorded.js'

let fake: FakeGitHub
let workspace = ''

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

/** Runs dist/index.js as one workflow run; registers the run with the fake and completes it after. */
async function runAction(
  options: RunSpec & {
    /** A signal to send once the action's output matches, as a cancelled job gets one. */
    interrupt?: { when: RegExp; signal: NodeJS.Signals }
  },
): Promise<ActionRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-run-'))
  const { env, files } = await runnerEnv(fake, options, workspace, dir)
  const finished = await runNode('dist/index.js', [], {
    cwd: workspace,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
    timeoutMs: 120_000,
    ...(options.interrupt === undefined ? {} : { interrupt: options.interrupt }),
  })
  completeRun(fake, options.runId, finished.code === 0)
  const outputs = await readOutputs(files.outputFile)
  const ours = new Set(['event.json', 'output', 'summary', 'tmp'])
  const leftovers = (await readdir(dir, { recursive: true })).filter((f) => !ours.has(f))
  const result = { ...finished, outputs, summary: await readFile(files.summaryFile, 'utf8'), leftovers }
  await rm(dir, { recursive: true, force: true })
  return result
}

function artifactOf(runId: number): FakeGitHub['artifacts'][number] | undefined {
  return artifactIn(fake, runId)
}

function commentsOn(pr: number): FakeGitHub['comments'] {
  return fake.comments.filter((c) => c.issueNumber === pr)
}

/**
 * Plants a successful push run on main, `runId`, whose artifact holds a push's results.json: one
 * recorded from a real run with this suite's config (__fixtures__/recorded), not measured again.
 */
async function plantStoredBaseline(runId: number): Promise<void> {
  await plantPushRun(fake, runId, { 'results.json': recordedText(RECORDED.push) })
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

describe('pull requests from forks', () => {
  const FORK_SHA = '2'.repeat(40)

  /** Plants a fork's pull_request run 501 for #12 with the artifact such a run uploads (recorded results, the hand-off). */
  async function plantForkRun(): Promise<void> {
    fake.addRun({
      id: 501,
      workflowPath: WORKFLOW,
      headBranch: 'feature-12',
      headSha: FORK_SHA,
      event: 'pull_request',
      status: 'completed',
      conclusion: 'success',
    })
    await fake.addArtifactZip(501, ARTIFACT, {
      'results.json': recordedText(RECORDED.push),
      'comment.json': JSON.stringify({ pullRequest: 12, headSha: FORK_SHA }),
    })
  }

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
})

describe('when GitHub fails', () => {
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
