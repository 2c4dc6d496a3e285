// test-kind: process — the same-job plumbing (base built, checked out, measured, fallen back, cleaned
// up) with fail-on: never or no gated change; the regression it catches is in action-measured.test.ts.
//
// `baseline: same-job` and `baseline: auto` with app.build, from the bundle: the base commit checked out
// in a worktree, built, measured beside the head, and removed, or the fallback when it does not build
// or hangs. The run set-up is shared in ./bundle-run.ts.
import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { groupRunning } from '../../src/app/monitor.js'
import { present } from './harness.js'
import { ONE_ROUND, useBundleRuns, useSameJobRepo } from './bundle-run.js'

const e2e = useBundleRuns()
const { run: runAction, commentsOn, artifactOf, plantStoredBaseline } = e2e

describe('baseline: same-job, the base commit measured beside the head', () => {
  const sameJob = useSameJobRepo()
  const { gitIn } = sameJob

  it('with app.build in the config, baseline: auto measures the base commit in the same job on a pull request', async () => {
    const run = await runAction({
      runId: 905,
      event: 'pull_request',
      sha: gitIn('rev-parse', 'HEAD'),
      pr: { number: 34, baseSha: sameJob.baseSha },
      inputs: { 'working-directory': sameJob.repo, budget: '3s', 'fail-on': 'never' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain(`building the base commit ${sameJob.baseSha.slice(0, 7)}: echo building with app.build`)
    expect(run.stdout).toContain('\nbuilding with app.build\n')
    expect(run.stdout).toMatch(/\] base cpu work @ 4 conn {2}round 1\/3/)
    const body = commentsOn(34)[0]?.body ?? ''
    expect(body).toContain(`base commit ${sameJob.baseSha.slice(0, 7)} measured in this job`)
    expect(body).not.toContain('For the precise mode')
    const files = await e2e.fake.readArtifactFiles(present(artifactOf(905)))
    expect(Object.keys(files)).toContain('base-results.json')
    // Measured beside the head, not looked up among earlier runs.
    expect(e2e.fake.requests.some((r) => r.path.includes('/actions/workflows/'))).toBe(false)
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('with app.build, a push run still measures only itself and records the stored baseline', async () => {
    const run = await runAction({
      runId: 906,
      event: 'push',
      sha: sameJob.baseSha,
      inputs: { 'working-directory': sameJob.repo, ...ONE_ROUND },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).not.toContain('building')
    expect(run.stdout).not.toMatch(/\] base /)
    const files = await e2e.fake.readArtifactFiles(present(artifactOf(906)))
    expect(Object.keys(files)).toContain('results.json')
    expect(Object.keys(files)).not.toContain('base-results.json')
  })

  it('with baseline: auto, falls back to the stored baseline, with a warning, when the base does not build', async () => {
    await plantStoredBaseline(906)
    const run = await runAction({
      runId: 907,
      event: 'pull_request',
      sha: gitIn('rev-parse', 'HEAD'),
      pr: { number: 35, baseSha: sameJob.baseSha },
      inputs: { 'working-directory': sameJob.repo, 'baseline-build': 'exit 3', 'fail-on': 'never', ...ONE_ROUND },
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
      pr: { number: 31, baseSha: sameJob.baseSha },
      inputs: { 'working-directory': sameJob.repo, baseline: 'same-job', 'baseline-build': 'exit 3', ...ONE_ROUND },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toMatch(/::warning::Cannonade: the base commit [0-9a-f]{7} did not build/)
    expect(commentsOn(31)[0]?.body).toContain('did not build')
  })

  it('stops a build that hangs after baseline-build-timeout, with its whole process group, and removes the worktree', async () => {
    const pidFile = path.join(sameJob.repo, '..', `cannonade-build-${process.pid}.pid`)
    const started = performance.now()
    const run = await runAction({
      runId: 903,
      event: 'pull_request',
      sha: gitIn('rev-parse', 'HEAD'),
      pr: { number: 32, baseSha: sameJob.baseSha },
      inputs: {
        'working-directory': sameJob.repo,
        baseline: 'same-job',
        'baseline-build': `echo $$ > ${pidFile}; sleep 60 & sleep 60`,
        'baseline-build-timeout': '1s',
        ...ONE_ROUND,
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
    const pidFile = path.join(sameJob.repo, '..', `cannonade-build-term-${process.pid}.pid`)
    const run = await runAction({
      runId: 904,
      event: 'pull_request',
      sha: gitIn('rev-parse', 'HEAD'),
      pr: { number: 33, baseSha: sameJob.baseSha },
      inputs: {
        'working-directory': sameJob.repo,
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
