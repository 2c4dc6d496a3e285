// Finding the baseline run through GitHub's paged lists, against the loopback fake with the real Octokit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { findBaselineRun, type BaselineQuery } from '../../src/github/baseline.js'
import { createOctokit } from '../../src/github/octokit.js'
import { startFakeGitHub, type FakeGitHub } from '../e2e/fake-github.js'

let fake: FakeGitHub
beforeAll(async () => {
  fake = await startFakeGitHub()
})
afterAll(async () => {
  await fake.close()
})
beforeEach(() => {
  fake.reset()
})

const NAME = 'cannonade-demo'
const query = (extra: Partial<BaselineQuery> = {}): BaselineQuery => ({
  owner: 'octo',
  repo: 'app',
  workflowFile: 'perf.yml',
  branch: 'main',
  artifactName: NAME,
  currentRunId: 9999,
  ...extra,
})

/** Push runs 1..count on main, newest last, as the base branch's history. */
function pushRuns(count: number): void {
  const start = Date.parse('2026-01-01T00:00:00Z')
  for (let id = 1; id <= count; id++) fake.addRun({ id, createdAt: new Date(start + id * 60_000).toISOString() })
}

const runPages = (): (string | null)[] =>
  fake.requestDetails
    .filter((r) => r.path.endsWith('/actions/workflows/perf.yml/runs'))
    .map((r) => new URLSearchParams(r.query).get('page'))

describe('the baseline lookup', () => {
  it('pages through the runs until one still has the artifact, newest first', async () => {
    pushRuns(45)
    // Only the 5 oldest runs uploaded it: the lookup must read the third page of 20.
    for (let id = 1; id <= 5; id++) await fake.addArtifactZip(id, NAME, { 'results.json': '{}' })
    await fake.addArtifactZip(44, 'other-artifact', { 'x.txt': 'x' })
    const found = await findBaselineRun(createOctokit('t', fake.url), query())
    expect(found).toMatchObject({ found: { runId: 5, branch: 'main' } })
    expect(runPages()).toEqual([null, '2', '3'])
  })

  it('skips this run, expired artifacts and other branches and events', async () => {
    pushRuns(3)
    fake.addRun({ id: 50, headBranch: 'feature', createdAt: '2026-02-01T00:00:00Z' })
    fake.addRun({ id: 51, event: 'pull_request', createdAt: '2026-02-01T00:00:00Z' })
    fake.addRun({ id: 52, conclusion: 'failure', createdAt: '2026-02-01T00:00:00Z' })
    for (const id of [50, 51, 52, 1]) await fake.addArtifactZip(id, NAME, { 'results.json': '{}' })
    await fake.addArtifactZip(2, NAME, { 'results.json': '{}' }, { expired: true })
    await fake.addArtifactZip(3, NAME, { 'results.json': '{}' })
    expect(await findBaselineRun(createOctokit('t', fake.url), query({ currentRunId: 3 }))).toMatchObject({ found: { runId: 1 } })
  })

  it('stops after maxRuns and says what it looked at', async () => {
    pushRuns(30)
    await fake.addArtifactZip(1, NAME, { 'results.json': '{}' })
    await fake.addArtifactZip(29, NAME, { 'results.json': '{}' }, { expired: true })
    const lookup = await findBaselineRun(createOctokit('t', fake.url), query({ maxRuns: 25 }))
    expect(lookup).toEqual({ missing: 'looked at 25 successful push run(s) of perf.yml on main: 1 had only an expired artifact' })
    // 25 runs fit in two pages of 20: the third is never asked for.
    expect(runPages()).toEqual([null, '2'])
  })

  it('says when the branch has no successful push run yet', async () => {
    expect(await findBaselineRun(createOctokit('t', fake.url), query())).toEqual({
      missing: 'no successful push run of perf.yml on main yet; the next push to main records one',
    })
  })
})
