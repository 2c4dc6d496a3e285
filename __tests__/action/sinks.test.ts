// Each publishing sink alone, on a plan made from recorded results: the artifact and the comment
// against the loopback fake GitHub, the summary, annotations, outputs and gate through the real
// @actions/core; and the rule that one sink failing leaves the others running.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { recordedResults } from '../../__fixtures__/recorded/recorded.js'
import { startFakeGitHub, type FakeGitHub } from '../e2e/fake-github.js'
import { parseOutputs } from '../e2e/harness.js'
import { StepOutputs } from '../../src/action/outputs.js'
import { planPublish, type PublishPlan } from '../../src/action/publish-plan.js'
import { runSinks } from '../../src/action/publish.js'
import {
  annotationsSink,
  artifactSink,
  commentSink,
  gateSink,
  outputsSink,
  summarySink,
  type Sink,
  type SinkTarget,
} from '../../src/action/sinks.js'
import type { RunContext } from '../../src/github/context.js'
import { EnvChanges, stdoutOf } from '../helpers/action-process.js'

let fake: FakeGitHub
let dir = ''
const env = new EnvChanges()

beforeAll(async () => {
  fake = await startFakeGitHub()
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-sinks-'))
  // @actions/core remembers the first summary file it is given: one for the file, emptied per test.
  env.set({ GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'), NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1', GITHUB_SERVER_URL: undefined })
})
afterAll(async () => {
  await fake.close()
  env.restore()
  await rm(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  fake.reset()
  fake.addRun({ id: 42 })
  env.set({ ...fake.envFor(42), GITHUB_OUTPUT: path.join(dir, 'output'), RUNNER_TEMP: dir })
  await writeFile(path.join(dir, 'output'), '')
  await writeFile(path.join(dir, 'summary.md'), '')
})
afterEach(() => {
  vi.restoreAllMocks()
  process.exitCode = 0
})

const ctx = (): RunContext => ({
  eventName: 'pull_request',
  owner: fake.owner,
  repo: fake.repo,
  runId: 42,
  apiUrl: fake.url,
  serverUrl: 'https://github.com',
  pullRequest: { number: 7, baseRef: 'main', headSha: 'b'.repeat(40), fromFork: false },
})

function plan(which: 'push' | 'slowCpu' = 'push', over: Partial<Parameters<typeof planPublish>[0]> = {}): PublishPlan {
  const base = recordedResults('push')
  return planPublish({
    results: recordedResults(which),
    baseline: { results: base, description: 'artifact of run 41', runId: 41 },
    settings: { comment: 'auto', failOn: 'fail', historyRuns: 30, token: 'ghs_x' },
    ctx: ctx(),
    suite: 'e2e',
    artifactName: 'cannonade-e2e',
    outDir: dir,
    ...over,
  })
}

async function target(): Promise<SinkTarget> {
  const outDir = await mkdtemp(path.join(dir, 'out-'))
  await writeFile(path.join(outDir, 'results.json'), JSON.stringify(recordedResults('push')))
  return { outDir, outputs: new StepOutputs() }
}

const outputs = async (): Promise<Record<string, string>> => parseOutputs(await readFile(path.join(dir, 'output'), 'utf8'))

describe('the artifact sink', () => {
  it('writes every planned file, sets report-path, and uploads them with results.json', async () => {
    const t = await target()
    await stdoutOf(() => artifactSink.run(plan(), t))
    expect(t.uploaded?.id).toBeGreaterThan(0)
    const artifact = fake.artifacts.find((a) => a.name === 'cannonade-e2e' && a.finalized)
    const files = await fake.readArtifactFiles(artifact ?? fake.artifacts[0] ?? ({} as never))
    expect(Object.keys(files).sort()).toEqual(['comment.json', 'report.html', 'report.md', 'results.json'])
    expect((await outputs())['report-path']).toBe(path.join(t.outDir, 'report.md'))
  })

  it('writes and uploads the other files when one cannot be rendered, and says which', async () => {
    const t = await target()
    const broken = plan()
    const files = broken.files.map((f) =>
      f.name === 'report.html'
        ? {
            ...f,
            render: (): string => {
              throw new Error('no page')
            },
          }
        : f,
    )
    const log = await stdoutOf(() => artifactSink.run({ ...broken, files }, t))
    expect(log).toContain('::warning::Cannonade could not write report.html: no page. The other reports are not affected.')
    const artifact = fake.artifacts.find((a) => a.finalized)
    expect(Object.keys(await fake.readArtifactFiles(artifact ?? ({} as never))).sort()).toEqual([
      'comment.json',
      'report.md',
      'results.json',
    ])
  })

  it('warns and leaves the files on disk when the upload is refused', async () => {
    fake.faults.upload = 403
    const t = await target()
    const log = await stdoutOf(() => artifactSink.run(plan(), t))
    expect(t.uploaded).toBeUndefined()
    expect(log).toMatch(new RegExp(`::warning::Cannonade could not upload the artifact cannonade-e2e: .*The files stay in ${t.outDir}\\.`))
    expect(await readFile(path.join(t.outDir, 'report.md'), 'utf8')).toContain('<!-- cannonade:e2e -->')
  })
})

describe('the summary sink', () => {
  it('logs the text report and writes the markdown one, linking the uploaded artifact', async () => {
    const p = plan()
    const t = { ...(await target()), uploaded: { id: 9 } }
    const log = await stdoutOf(() => summarySink.run(p, t))
    expect(log).toContain('::group::Cannonade: report')
    expect(log).toContain(p.text.split('\n')[0])
    const summary = await readFile(path.join(dir, 'summary.md'), 'utf8')
    expect(summary).toContain('(https://github.com/octo/app/actions/runs/42/artifacts/9)')
  })
})

describe('the annotations sink', () => {
  it('annotates each finding at its severity, with its title', async () => {
    const log = await stdoutOf(() => annotationsSink.run(plan('slowCpu'), { outDir: dir, outputs: new StepOutputs() }))
    expect(log).toMatch(/::error title=Cannonade%3A regression::cpu work @ 4 conn: /)
  })
})

describe('the comment sink', () => {
  it('creates the sticky comment with the artifact link and sets comment-url', async () => {
    const log = await stdoutOf(async () => commentSink.run(plan(), { ...(await target()), uploaded: { id: 9 } }))
    expect(fake.comments).toHaveLength(1)
    expect(fake.comments[0]?.body).toMatch(/^<!-- cannonade:e2e -->/)
    expect(fake.comments[0]?.body).toContain('/artifacts/9)')
    expect(log).toMatch(/comment created: /)
    expect((await outputs())['comment-url']).toMatch(/\/7#issuecomment-\d+$/)
  })

  it('leaves a quiet pull request without a comment under comment: on-change', async () => {
    const quiet = plan('push', { settings: { comment: 'on-change', failOn: 'fail', historyRuns: 30, token: 'ghs_x' } })
    await stdoutOf(async () => commentSink.run(quiet, await target()))
    expect(fake.comments).toEqual([])
  })

  it('warns, naming the permission, when GitHub refuses the comment', async () => {
    fake.faults.comments = 403
    const log = await stdoutOf(async () => commentSink.run(plan(), await target()))
    expect(log).toMatch(/::warning::Cannonade could not comment on #7: .*\(HTTP 403\).*pull-requests: write/)
  })
})

describe('the outputs and gate sinks', () => {
  it('sets the verdict, the regressions and the baseline run', async () => {
    await stdoutOf(async () => outputsSink.run(plan('slowCpu'), await target()))
    expect(await outputs()).toMatchObject({ verdict: 'fail', 'baseline-run-id': '41' })
    expect(Number((await outputs())['regressions'])).toBeGreaterThan(0)
  })

  it('fails the step on a gate failure, and throws the measurement failure before it', async () => {
    const log = await stdoutOf(async () => gateSink.run(plan('slowCpu'), await target()))
    expect(log).toContain('::error::Cannonade: performance gate failed')
    expect(process.exitCode).toBe(1)
    const failure = new Error('the app exited')
    await expect(gateSink.run(plan('slowCpu', { failure }), await target())).rejects.toBe(failure)
  })

  it('throws for a push run whose artifact is lost, and for an output that could not be set', async () => {
    const pushPlan = plan('push', { ctx: { ...ctx(), eventName: 'push', branch: 'main' }, baseline: { missing: 'none' } })
    await expect(gateSink.run(pushPlan, await target())).rejects.toThrow(/could not be uploaded, so this push leaves no baseline/)
    await expect(gateSink.run(pushPlan, { ...(await target()), uploaded: { id: 1 } })).resolves.toBeUndefined()
    env.set({ GITHUB_OUTPUT: path.join(dir, 'missing', 'output') })
    const t = await target()
    await stdoutOf(async () => t.outputs.set('verdict', 'pass'))
    await expect(gateSink.run(plan(), t)).rejects.toThrow(/could not write its step outputs to GITHUB_OUTPUT/)
  })
})

describe('running the sinks', () => {
  it('runs every sink when one fails, warns naming it, and lets the last decide the step', async () => {
    const ran: string[] = []
    const sink = (what: string, fail = false): Sink => ({
      what,
      run: () => {
        ran.push(what)
        return fail ? Promise.reject(new Error('boom')) : Promise.resolve()
      },
    })
    const log = await stdoutOf(async () =>
      runSinks(plan(), await target(), [sink('a'), sink('write the job summary', true), sink('c'), sink('gate')]),
    )
    expect(ran).toEqual(['a', 'write the job summary', 'c', 'gate'])
    expect(log).toContain('::warning::Cannonade could not write the job summary: boom. The other reports are not affected.')
    await expect(runSinks(plan(), await target(), [sink('a'), sink('gate', true)])).rejects.toThrow('boom')
  })
})
