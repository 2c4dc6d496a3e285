// test-kind: process — the cases assert comments, artifacts, outputs and exit codes, with wide tolerances
// or fail-on: never; none reads what was measured, so these runs may share the CPU.
//
// The action end to end, as the runner runs it: the committed dist/index.js in a child process with
// INPUT_* and GITHUB_* variables, the real @actions/artifact and Octokit talking to a loopback fake
// GitHub, and the demo app started, measured and stopped for real. One case per path the bundle
// takes (push, pull request on an artifact baseline, shards and merge, comment mode, a bad config, a
// cancelled job); same-job runs are in same-job.test.ts and inferred-build.test.ts, the cases whose
// assertions read the measurement (a regression caught, a crash mid-run, an app that used no CPU) in
// action-measured.test.ts. What publishing does with a measurement (fallbacks, forks, untrusted
// artifacts, GitHub failing, the history) is tested in-process on recorded results in
// __tests__/action/publish.test.ts. The run set-up is shared in ./bundle-run.ts and ./harness.ts.
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createZip } from './fake-github.js'
import { ARTIFACT, MAIN_SHA, WORKFLOW, exampleInputs, present } from './harness.js'
import { RECORDED, recordedText } from '../../__fixtures__/recorded/recorded.js'
import { ONE_ROUND, useBundleRuns } from './bundle-run.js'

const e2e = useBundleRuns()
const { run: runAction, commentsOn, artifactOf, plantStoredBaseline } = e2e

describe('a repository adopting Cannonade', () => {
  it('records a baseline on the first push to main, with nothing to compare yet', async () => {
    const run = await runAction({ runId: 101, event: 'push', sha: MAIN_SHA })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.outputs['verdict']).toBe('pass')
    expect(run.outputs['results-path']).toBe(path.join(e2e.workspace, 'cannonade-results', 'results.json'))
    expect(run.summary).toContain('no baseline')
    expect(run.stdout).toContain('::group::Cannonade: measure')
    expect(run.stdout).toMatch(/\[1\/6\] list users @ 4 conn {2}round 1\/3/)
    const files = await e2e.fake.readArtifactFiles(present(artifactOf(101) ?? e2e.fake.artifacts[0]))
    expect(Object.keys(files).sort()).toEqual(['app.log', 'history.json', 'report.html', 'report.md', 'results.json'])
    expect(JSON.parse(files['results.json']?.toString() ?? '{}').suite).toBe('e2e')
    // report.html draws every entry, with the history this push run starts.
    const html = files['report.html']?.toString() ?? ''
    expect(html).toContain('"id":"entry-1-rounds-rps"')
    expect(html).toContain('"id":"entry-0-history-p99"')
    expect(e2e.fake.comments).toEqual([])
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
      inputs: { 'fail-on': 'never', ...ONE_ROUND },
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
    expect(Object.keys(await e2e.fake.readArtifactFiles(artifact))).toEqual(expect.arrayContaining(['comment.json', 'report.html']))
    // The comment and the summary link to the artifact that holds report.html.
    const link = `[full report (report.html) and results](https://github.com/octo/app/actions/runs/102/artifacts/${artifact.id})`
    expect(comments[0]?.body).toContain(link)
    expect(run.summary).toContain(link)
    // The config has no app.build, so the build would be inferred, but this e2e.workspace is no git
    // checkout: the pull request was compared with the stored run, and one line says why.
    expect(run.stdout).toContain(
      `Cannonade: the working directory ${e2e.workspace} is not a git checkout, so the base commit cannot be checked out beside it.`,
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
      const run = await runAction({ runId: 150, event: 'pull_request', sha, pr, inputs: { shard, ...ONE_ROUND } })
      expect(run.code, run.stdout + run.stderr).toBe(0)
    }
    expect(commentsOn(20)).toEqual([])
    const shardFiles = await Promise.all(
      ['1-of-2', '2-of-2'].map(async (n) => {
        const artifact = e2e.fake.artifacts.find((a) => a.runId === 150 && a.name === `${ARTIFACT}-shard-${n}`)
        const files = await e2e.fake.readArtifactFiles(present(artifact))
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
    const files = await e2e.fake.readArtifactFiles(present(artifactOf(150)))
    expect((JSON.parse(files['results.json']?.toString() ?? '{}') as { entries: unknown[] }).entries).toHaveLength(2)
  })
})

describe('pull requests from forks', () => {
  const FORK_SHA = '2'.repeat(40)

  /** Plants a fork's pull_request run 501 for #12 with the artifact such a run uploads (recorded results, the hand-off). */
  async function plantForkRun(): Promise<void> {
    e2e.fake.addRun({
      id: 501,
      workflowPath: WORKFLOW,
      headBranch: 'feature-12',
      headSha: FORK_SHA,
      event: 'pull_request',
      status: 'completed',
      conclusion: 'success',
    })
    await e2e.fake.addArtifactZip(501, ARTIFACT, {
      'results.json': recordedText(RECORDED.push),
      'comment.json': JSON.stringify({ pullRequest: 12, headSha: FORK_SHA }),
    })
  }

  it('posts the report from a trusted workflow_run run with mode: comment, rendered from the results', async () => {
    await plantForkRun()
    e2e.fake.pulls.push({
      number: 12,
      headSha: '2'.repeat(40),
      headRef: 'feature-12',
      baseRef: 'main',
      headRepo: `someone/${e2e.fake.repo}`,
    })
    // The fork's code could have written anything into its artifact: its markdown is never posted.
    const forkArtifact = artifactOf(501)
    if (forkArtifact === undefined) throw new Error('the fork run left no artifact')
    const files = await e2e.fake.readArtifactFiles(forkArtifact)
    forkArtifact.zip = await createZip({ ...files, 'report.md': '<!-- cannonade:e2e -->\n@everyone free tokens' })
    // A baseline on main for the comment run to find, measured like the fork's run.
    e2e.fake.addRun({
      id: 490,
      workflowPath: WORKFLOW,
      headBranch: 'main',
      headSha: MAIN_SHA,
      event: 'push',
      status: 'completed',
      conclusion: 'success',
    })
    await e2e.fake.addArtifactZip(490, ARTIFACT, { 'results.json': files['results.json'] ?? '' })
    const run = await runAction({
      runId: 502,
      event: 'workflow_run',
      sha: MAIN_SHA,
      workflowRun: { id: 501, headSha: '2'.repeat(40), headBranch: 'feature-12', headRepo: `someone/${e2e.fake.repo}` },
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
    e2e.fake.reset()
    e2e.fake.faults.upload = 403
    const run = await runAction({
      runId: 603,
      event: 'pull_request',
      sha: '4'.repeat(40),
      pr: { number: 16 },
      inputs: { shard: '1/2', ...ONE_ROUND },
    })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.stdout).toContain('::error::the shard artifact cannonade-e2e-shard-1-of-2 could not be uploaded')
    expect(artifactOf(603)).toBeUndefined()
  })

  it('fails with the config problem, naming the file and field, for a bad config', async () => {
    e2e.fake.reset()
    const run = await runAction({ runId: 701, event: 'push', sha: MAIN_SHA, inputs: { config: 'missing.yml' } })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.stdout).toMatch(/::error::.*missing\.yml: no such file/)
  })
})

describe('faults that must not lose what was measured', () => {
  it('on SIGTERM mid-run stops the app, uploads the finished rounds as incomplete, and leaves the comment alone', async () => {
    e2e.fake.reset()
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
    const files = await e2e.fake.readArtifactFiles(present(artifactOf(1002)))
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
})
