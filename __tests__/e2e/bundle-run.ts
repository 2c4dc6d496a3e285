// The committed dist/index.js run as the runner runs it, for the e2e files (action.test.ts,
// same-job.test.ts, inferred-build.test.ts, action-measured.test.ts): one loopback fake GitHub and one
// workspace per file, a child process per workflow run, and the repository the same-job cases measure.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { createDemoRepo, gitIn as gitInRepo } from '../../__fixtures__/demo-repo.js'
import { demoAppLines } from '../../__fixtures__/demo/app-config.js'
import { RECORDED, recordedText } from '../../__fixtures__/recorded/recorded.js'
import { freePort } from '../helpers/ports.js'
import { runNode, type Finished } from '../helpers/run-node.js'
import { startFakeGitHub, type FakeGitHub } from './fake-github.js'
import { artifactOf, completeRun, plantPushRun, readOutputs, runnerEnv, type RunSpec } from './harness.js'

/** What one run of the bundle left. */
export interface ActionRun extends Finished {
  readonly outputs: Record<string, string>
  readonly summary: string
  /** Files the run left in RUNNER_TEMP and TMPDIR (both private to the run). */
  readonly leftovers: string[]
}

/** One run as a test describes it, with a signal to send once the output matches, as a cancelled job gets one. */
export type BundleRunSpec = RunSpec & { interrupt?: { when: RegExp; signal: NodeJS.Signals } }

/** The fake, the workspace and the runs of one test file. */
export interface BundleRuns {
  readonly fake: FakeGitHub
  /** The working directory, holding the e2e suite's cannonade.yml (two scenarios of the demo app). */
  readonly workspace: string
  /** Runs dist/index.js as one workflow run; registers the run with the fake and completes it after. */
  run(spec: BundleRunSpec): Promise<ActionRun>
  /** The comments on pull request `pr`. */
  commentsOn(pr: number): FakeGitHub['comments']
  /** Run `runId`'s finalized artifact of the main name. */
  artifactOf(runId: number): FakeGitHub['artifacts'][number] | undefined
  /**
   * Plants a successful push run on main, `runId`, whose artifact holds a push's results.json: one
   * recorded from a real run with this suite's config (__fixtures__/recorded), not measured again.
   */
  plantStoredBaseline(runId: number): Promise<void>
}

/**
 * Registers the file's hooks: a fake GitHub and a workspace for the file, the fake emptied before
 * each test. The returned object is usable inside tests and hooks (after this file's beforeAll).
 */
export function useBundleRuns(): BundleRuns {
  let fake: FakeGitHub | undefined
  let workspace = ''
  const started = (): FakeGitHub => {
    if (fake === undefined) throw new Error('the fake GitHub is started in beforeAll: use it inside a test or hook')
    return fake
  }
  beforeAll(async () => {
    fake = await startFakeGitHub()
    workspace = await mkdtemp(path.join(os.tmpdir(), 'cannonade-workspace-'))
    await writeE2eConfig(path.join(workspace, 'cannonade.yml'))
  })
  afterAll(async () => {
    await fake?.close()
    await rm(workspace, { recursive: true, force: true })
  })
  beforeEach(() => {
    fake?.reset()
  })
  return {
    get fake() {
      return started()
    },
    get workspace() {
      return workspace
    },
    run: (spec) => runBundle(started(), workspace, spec),
    commentsOn: (pr) => started().comments.filter((c) => c.issueNumber === pr),
    artifactOf: (runId) => artifactOf(started(), runId),
    plantStoredBaseline: (runId) => plantPushRun(started(), runId, { 'results.json': recordedText(RECORDED.push) }),
  }
}

/**
 * Inputs for a case about what happens around the measurement (a fallback, a push, a shard, an upload):
 * one round per entry instead of the config's three. Rounds judge, they are not in the config hash, so
 * a run compared with a recorded baseline of three rounds still finds it measured the same way.
 */
export const ONE_ROUND = { rounds: '1' } as const

/** The e2e suite's config: the demo app, two scenarios, short rounds and wide tolerances. */
async function writeE2eConfig(file: string): Promise<void> {
  const port = await freePort()
  await writeFile(
    file,
    [
      'suite: e2e',
      ...demoAppLines(port),
      // A crash timed from the first request (DEMO_EXIT_AFTER) must land in the rounds, not in a suite
      // warm-up whose length follows the fresh app's throughput (config/warm-up.ts).
      'warmupSuite: false',
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

async function runBundle(fake: FakeGitHub, workspace: string, spec: BundleRunSpec): Promise<ActionRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-run-'))
  const { env, files } = await runnerEnv(fake, spec, workspace, dir)
  const finished = await runNode('dist/index.js', [], {
    cwd: workspace,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
    timeoutMs: 120_000,
    ...(spec.interrupt === undefined ? {} : { interrupt: spec.interrupt }),
  })
  completeRun(fake, spec.runId, finished.code === 0)
  const outputs = await readOutputs(files.outputFile)
  const ours = new Set(['event.json', 'output', 'summary', 'tmp'])
  const leftovers = (await readdir(dir, { recursive: true })).filter((f) => !ours.has(f))
  const result = { ...finished, outputs, summary: await readFile(files.summaryFile, 'utf8'), leftovers }
  await rm(dir, { recursive: true, force: true })
  return result
}

/**
 * A git repository of the demo app for `baseline: same-job` (__fixtures__/demo-repo.ts: the head makes
 * /cpu two and a half times as expensive), with app.build set. Two scenarios: `cpu work`, the
 * regression, and `users`, unchanged with a tolerance far below what 300 ms rounds can resolve, so it
 * stays undecided. Returns the repository and its base commit.
 */
export async function createSameJobRepo(): Promise<{ repo: string; baseSha: string }> {
  const repo = await mkdtemp(path.join(os.tmpdir(), 'cannonade-repo-'))
  const port = await freePort()
  const baseSha = await createDemoRepo(repo, {
    'cannonade.yml': [
      'suite: e2e',
      `app: { command: node server.mjs, build: echo building with app.build, cwd: app, env: { PORT: "${port}" }, ready: "http://127.0.0.1:${port}/health" }`,
      `baseUrl: http://127.0.0.1:${port}`,
      'defaults: { duration: 300ms, warmup: 100ms, rounds: 3, connections: 4 }',
      'scenarios:',
      '  - { name: cpu work, path: /cpu, thresholds: { regression: { rps: 25%, p50: 30%, p99: 100% } } }',
      '  - { name: users, path: /users, thresholds: { regression: { rps: 0.5% } } }',
    ].join('\n'),
  })
  return { repo, baseSha }
}

/** The same-job repository of a describe block: made before its cases, removed after them. */
export interface SameJobRepo {
  readonly repo: string
  readonly baseSha: string
  /** Runs git in the repository and returns its output. */
  readonly gitIn: (...args: string[]) => string
}

/** Call inside a describe: a same-job repository (createSameJobRepo) for its cases, removed after them. */
export function useSameJobRepo(): SameJobRepo {
  const made = { repo: '', baseSha: '' }
  beforeAll(async () => {
    Object.assign(made, await createSameJobRepo())
  })
  afterAll(async () => {
    await rm(made.repo, { recursive: true, force: true })
  })
  return {
    get repo() {
      return made.repo
    },
    get baseSha() {
      return made.baseSha
    },
    gitIn: (...args) => gitInRepo(made.repo, ...args),
  }
}
