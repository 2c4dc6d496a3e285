// Which baseline a run compares with, and the artifact files it reads back, in this process against
// the loopback fake GitHub with recorded results: every way there is none (said in a sentence,
// never a failure), a baseline of another suite, a history with runs lost, and merging shards.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { recordedResults, recordedText, RECORDED } from '../../__fixtures__/recorded/recorded.js'
import { startFakeGitHub, type FakeGitHub } from '../e2e/fake-github.js'
import type { Inputs } from '../../src/action/inputs.js'
import type { RunContext } from '../../src/github/context.js'
import { historyFromResults } from '../../src/history/build.js'
import { EnvChanges, pushContext, stdoutOf, testInputs } from '../helpers/action-process.js'

type Modules = {
  resolve: typeof import('../../src/action/resolve-baseline.js')
  files: typeof import('../../src/action/artifact-files.js')
}

const NAME = 'cannonade-e2e'
let fake: FakeGitHub
let m: Modules
let dir = ''
const env = new EnvChanges()

beforeAll(async () => {
  fake = await startFakeGitHub()
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-resolve-'))
  // @actions/github freezes GITHUB_API_URL at import; downloads from other runs go through it.
  env.set({ GITHUB_API_URL: fake.url, GITHUB_SERVER_URL: undefined, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1', RUNNER_TEMP: dir })
  m = { resolve: await import('../../src/action/resolve-baseline.js'), files: await import('../../src/action/artifact-files.js') }
})
afterAll(async () => {
  await fake.close()
  env.restore()
  await rm(dir, { recursive: true, force: true })
})
beforeEach(() => {
  fake.reset()
})

const inputs = (over: Partial<Inputs> = {}): Inputs => testInputs(NAME, 'ghs_fake', { workingDirectory: dir, ...over })
const ctx = (): RunContext => pushContext(fake)

function without(context: RunContext, key: 'branch' | 'workflowFile'): RunContext {
  const { [key]: _dropped, ...rest } = context
  return rest
}

async function plant(runId: number, files: Record<string, string>): Promise<void> {
  fake.addRun({ id: runId, workflowPath: '.github/workflows/perf.yml', headBranch: 'main', headSha: 'b'.repeat(40), event: 'push' })
  await fake.addArtifactZip(runId, NAME, files)
}

describe('when there is no baseline to look up', () => {
  const cases: [string, () => [Inputs, RunContext], string][] = [
    ['baseline: none', () => [inputs({ baseline: { kind: 'none' } }), ctx()], 'baseline is set to none'],
    [
      'baseline: same-job',
      () => [inputs({ baseline: { kind: 'same-job' } }), ctx()],
      'the base commit is measured beside the head, not looked up',
    ],
    ['an event with no branch', () => [inputs(), without(ctx(), 'branch')], 'no base branch is known for this event; set baseline-branch'],
    [
      'no workflow file',
      () => [inputs(), without(ctx(), 'workflowFile')],
      'GITHUB_WORKFLOW_REF is not set, so this workflow cannot be found',
    ],
    ['no token', () => [inputs({ token: '' }), ctx()], 'no github-token, so no earlier run can be looked up'],
  ]
  it.each(cases)('says why for %s, asking GitHub nothing', async (_, given, missing) => {
    const [i, c] = given()
    await expect(m.resolve.resolveBaseline(i, c, NAME, 'e2e')).resolves.toEqual({ missing })
    expect(fake.requests).toEqual([])
  })

  it('says so when no earlier run left an artifact', async () => {
    const resolved = await m.resolve.resolveBaseline(inputs(), ctx(), NAME, 'e2e')
    expect(resolved).toMatchObject({ missing: expect.stringMatching(/^no successful push run of perf\.yml on main yet/) })
  })

  it('warns and checks thresholds only when the lookup fails', async () => {
    fake.faults.runsList = 500
    let resolved: unknown
    const log = await stdoutOf(async () => {
      resolved = await m.resolve.resolveBaseline(inputs(), ctx(), NAME, 'e2e')
    })
    expect(log).toMatch(/::warning::Cannonade could not look up the baseline: .*\(HTTP 500\).*Checking absolute thresholds only\./)
    expect(resolved).toMatchObject({ missing: expect.stringMatching(/^the baseline lookup failed: /) })
  }, 60_000)
})

describe('a baseline file or artifact', () => {
  it('reads a results file given as the baseline', async () => {
    await writeFile(path.join(dir, 'base.json'), recordedText(RECORDED.push))
    const resolved = await m.resolve.resolveBaseline(inputs({ baseline: { kind: 'file', path: 'base.json' } }), ctx(), NAME, 'e2e')
    expect(resolved).toMatchObject({ description: 'file base.json', results: { suite: 'e2e' } })
  })

  it("refuses another suite's artifact", async () => {
    await plant(5, { 'results.json': recordedText(RECORDED.push) })
    const resolved = await m.resolve.resolveBaseline(inputs(), ctx(), NAME, 'other')
    expect(resolved).toEqual({ missing: `the artifact of run 5 (main @ bbbbbbb) is for suite "e2e", not "other"` })
  })

  it('starts the history again from the results, with a notice, when the artifact has none', async () => {
    await plant(5, { 'results.json': recordedText(RECORDED.push) })
    let resolved: unknown
    const log = await stdoutOf(async () => {
      resolved = await m.resolve.resolveBaseline(inputs(), ctx(), NAME, 'e2e')
    })
    expect(log).toMatch(/::notice::Cannonade: the history in the artifact of run 5 .* could not be used \(it holds no history\.json/)
    expect(resolved).toMatchObject({ runId: 5, history: { runs: [{ runId: 5 }] } })
  })

  it("puts the baseline run's own point back when the damage took it", async () => {
    const results = recordedResults('push')
    const history = historyFromResults(results, 4)
    const runs = [...history.runs, { ...history.runs[0], runId: 5, date: 'not a date' }]
    await plant(5, { 'results.json': JSON.stringify(results), 'history.json': JSON.stringify({ ...history, runs }) })
    let resolved: unknown
    const log = await stdoutOf(async () => {
      resolved = await m.resolve.resolveBaseline(inputs(), ctx(), NAME, 'e2e')
    })
    expect(log).toMatch(/::notice::Cannonade: 1 run of the history in the artifact of run 5 .* could not be read and was dropped/)
    expect(resolved).toMatchObject({ history: { runs: [{ runId: 4 }, { runId: 5, date: results.createdAt }] } })
  })

  it('compares with a missing baseline by thresholds only, saying why', () => {
    const comparison = m.resolve.compareWith({ missing: 'no earlier run' }, recordedResults('push'))
    expect(comparison.outcome).toBe('pass')
    expect(comparison.baselineMissing).toBe('no earlier run')
  })
})

describe('the files read back from an artifact', () => {
  const location = (id: number, runId = 5): Parameters<Modules['files']['downloadResults']>[0] => ({
    artifactId: id,
    name: NAME,
    run: { runId, owner: fake.owner, repo: fake.repo, token: 'ghs_fake' },
  })

  it('names the artifact and run of a file in messages', () => {
    expect(m.files.sourceOf(location(1), 'results.json')).toBe('results.json (artifact cannonade-e2e of run 5)')
    expect(m.files.sourceOf({ artifactId: 1, name: NAME }, 'results.json')).toBe('results.json (artifact cannonade-e2e)')
  })

  it('fails clearly for an artifact without results.json', async () => {
    await plant(5, { 'app.log': 'hello' })
    const id = fake.artifacts[0]?.id ?? 0
    await expect(m.files.downloadResults(location(id))).rejects.toThrow('the artifact cannonade-e2e holds no results.json')
    await expect(m.files.downloadBaseline(location(id))).rejects.toThrow('the artifact cannonade-e2e holds no results.json')
  })

  it('reads the results and says why a history is unusable', async () => {
    await plant(5, { 'results.json': recordedText(RECORDED.push), 'history.json': '{"schemaVersion": 1}' })
    const read = await m.files.downloadBaseline(location(fake.artifacts[0]?.id ?? 0))
    expect(read.results.suite).toBe('e2e')
    expect(read.history).toMatchObject({ unusable: expect.stringContaining('history.json (artifact cannonade-e2e of run 5)') })
  })
})
