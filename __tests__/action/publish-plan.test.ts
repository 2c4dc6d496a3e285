// The publishing plan alone: what a run would write, post and decide, from recorded results, with no
// GitHub, no file and no log involved.
import { describe, expect, it } from 'vitest'
import { recordedResults } from '../../__fixtures__/recorded/recorded.js'
import { planPublish, type PublishInput } from '../../src/action/publish-plan.js'
import type { RunContext } from '../../src/github/context.js'
import { InterruptedError } from '../../src/interrupt.js'

const push = recordedResults('push')
const slow = recordedResults('slowCpu')

const PUSH_CTX: RunContext = {
  eventName: 'push',
  owner: 'octo',
  repo: 'app',
  runId: 77,
  branch: 'main',
  apiUrl: 'http://127.0.0.1:1',
  serverUrl: 'https://github.com',
}
const PR_CTX: RunContext = {
  ...PUSH_CTX,
  eventName: 'pull_request',
  pullRequest: { number: 12, baseRef: 'main', headSha: 'b'.repeat(40), fromFork: false },
}

function input(over: Partial<PublishInput> = {}, settings: Partial<PublishInput['settings']> = {}): PublishInput {
  return {
    results: push,
    baseline: { results: push, description: 'artifact of run 70', runId: 70 },
    settings: { comment: 'auto', failOn: 'fail', historyRuns: 30, token: 'ghs_x', ...settings },
    ctx: PR_CTX,
    suite: 'e2e',
    artifactName: 'cannonade-e2e',
    outDir: '/work/out',
    ...over,
  }
}

const names = (plan: ReturnType<typeof planPublish>): string[] => plan.files.map((f) => f.name)

describe('the plan of a push run', () => {
  const plan = planPublish(input({ ctx: PUSH_CTX, baseline: { missing: 'no earlier run' } }))

  it('carries the history forward and writes the reports, with no hand-off and no comment', () => {
    expect(names(plan)).toEqual(['history.json', 'report.md', 'report.html'])
    const history = JSON.parse(plan.files[0]?.render() ?? '{}') as { suite: string; runs: { runId: number }[] }
    expect(history).toMatchObject({ suite: 'e2e', runs: [{ runId: 77 }] })
    expect(plan.comment).toEqual({ kind: 'none' })
    expect(plan.outputs).toEqual({ verdict: 'pass', regressions: '0' })
  })

  it('fails the step when the artifact, the next baseline, is lost', () => {
    expect(plan.gate.artifactRequired?.message).toBe(
      'the artifact cannonade-e2e could not be uploaded, so this push leaves no baseline or history for main: pull requests will compare with an older run, or with none. The files are in /work/out; re-run this job.',
    )
    expect(plan.gate.failText).toBeUndefined()
  })

  it('keeps no history when the base was measured beside the head', () => {
    const paired = planPublish(input({ ctx: PUSH_CTX, baseline: { results: push, description: 'base', paired: true } }))
    expect(names(paired)).not.toContain('history.json')
  })
})

describe('the plan of a pull request', () => {
  it('writes the hand-off, comments on the pull request and names the baseline run', () => {
    const plan = planPublish(input())
    expect(names(plan)).toEqual(['report.md', 'report.html', 'comment.json'])
    expect(JSON.parse(plan.files[2]?.render() ?? '{}')).toEqual({ pullRequest: 12, headSha: 'b'.repeat(40) })
    expect(plan.comment).toMatchObject({ kind: 'post', owner: 'octo', repo: 'app', issueNumber: 12, marker: '<!-- cannonade:e2e -->' })
    expect(plan.outputs['baseline-run-id']).toBe('70')
    expect(plan.gate.artifactRequired).toBeUndefined()
  })

  it('links the report to the artifact once it has an id, and report.md to the run only', () => {
    const plan = planPublish(input())
    expect(plan.report(5)).toContain('(https://github.com/octo/app/actions/runs/77/artifacts/5)')
    expect(plan.report()).not.toContain('/artifacts/')
    expect(plan.files[0]?.render()).toBe(`${plan.report()}\n`)
    expect(plan.report()).toContain('https://github.com/octo/app/actions/runs/77')
  })

  it('fails the gate on a regression, annotating it as an error, unless fail-on is never', () => {
    const plan = planPublish(input({ results: slow }))
    expect(plan.outputs['verdict']).toBe('fail')
    expect(plan.gate.failText).toMatch(/^Cannonade: performance gate failed/)
    expect(plan.annotations).toContainEqual(
      expect.objectContaining({ level: 'error', title: 'Cannonade: regression', message: expect.stringMatching(/^cpu work @ 4 conn: /) }),
    )
    expect(planPublish(input({ results: slow }, { failOn: 'never' })).gate.failText).toBeUndefined()
  })

  it('reports a failed measurement as the error verdict and ends with that failure', () => {
    const failure = new Error('the app exited')
    const plan = planPublish(input({ results: recordedResults('crashed'), failure }))
    expect(plan.outputs['verdict']).toBe('error')
    expect(plan.gate.failure).toBe(failure)
    expect(plan.report()).toMatch(/stopped early/)
  })

  it.each([
    [
      'a fork',
      input({ ctx: { ...PR_CTX, pullRequest: { number: 12, baseRef: 'main', headSha: 'b'.repeat(40), fromFork: true } } }),
      'notice',
      /comes from a fork/,
    ],
    ['no token', input({}, { token: '' }), 'warning', /^No github-token/],
    ['an interrupted run', input({ failure: new InterruptedError('SIGTERM') }), 'info', /^Cannonade was interrupted: no comment/],
  ])('holds the comment back for %s, saying why', (_, given, level, message) => {
    expect(planPublish(given).comment).toMatchObject({ kind: 'held', level, message: expect.stringMatching(message) })
  })

  it('follows the comment input: never posts nothing, on-change only corrects a quiet pull request', () => {
    expect(planPublish(input({}, { comment: 'never' })).comment).toEqual({ kind: 'none' })
    expect(planPublish(input({}, { comment: 'on-change' })).comment).toMatchObject({ kind: 'update-only' })
    expect(planPublish(input({ results: slow }, { comment: 'on-change' })).comment).toMatchObject({ kind: 'post' })
  })
})
