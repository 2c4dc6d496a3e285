import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readRunContext, workflowFileOf } from '../../src/github/context.js'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-context-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function contextFor(
  eventName: string,
  payload: unknown,
  extra: Record<string, string> = {},
): Promise<ReturnType<typeof readRunContext>> {
  const file = path.join(dir, `${eventName}.json`)
  await writeFile(file, JSON.stringify(payload))
  return readRunContext({
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: file,
    GITHUB_RUN_ID: '42',
    GITHUB_SHA: 'merge-sha',
    GITHUB_WORKFLOW_REF: 'octo/app/.github/workflows/perf.yml@refs/pull/7/merge',
    ...extra,
  })
}

describe('reading the run context', () => {
  it('takes the workflow file name from GITHUB_WORKFLOW_REF', () => {
    expect(workflowFileOf('octo/app/.github/workflows/perf.yml@refs/heads/main')).toBe('perf.yml')
    expect(workflowFileOf(undefined)).toBeUndefined()
  })

  it('reads a pull request: number, base branch, the head commit rather than the merge commit', async () => {
    const ctx = await contextFor('pull_request', {
      number: 7,
      pull_request: {
        number: 7,
        base: { ref: 'main', sha: 'base-sha', repo: { full_name: 'octo/app' } },
        head: { ref: 'feature', sha: 'head-sha', repo: { full_name: 'octo/app' } },
      },
    })
    expect(ctx.pullRequest).toEqual({ number: 7, baseRef: 'main', baseSha: 'base-sha', headSha: 'head-sha', fromFork: false })
    expect(ctx.sha).toBe('head-sha')
    expect(ctx.workflowFile).toBe('perf.yml')
    expect(ctx.runId).toBe(42)
  })

  it('recognises a pull request from a fork', async () => {
    const ctx = await contextFor('pull_request', {
      pull_request: {
        number: 8,
        base: { ref: 'main', repo: { full_name: 'octo/app' } },
        head: { ref: 'patch-1', sha: 'fork-sha', repo: { full_name: 'someone/app' } },
      },
    })
    expect(ctx.pullRequest?.fromFork).toBe(true)
  })

  it('reads the pushed branch and a triggering workflow run', async () => {
    const push = await contextFor('push', {}, { GITHUB_REF: 'refs/heads/main' })
    expect(push.branch).toBe('main')
    expect(push.pullRequest).toBeUndefined()
    const run = await contextFor('workflow_run', { workflow_run: { id: 99, head_sha: 'abc', conclusion: 'success' } })
    expect(run.triggeringRun).toEqual({ id: 99, headSha: 'abc', conclusion: 'success' })
  })

  it('says plainly when it is not in GitHub Actions', () => {
    expect(() => readRunContext({})).toThrow(/GITHUB_REPOSITORY is not set/)
  })
})
