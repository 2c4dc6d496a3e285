// The action's publishing half run in this process, as the runner would run it but without a
// measurement: the environment a workflow run gives (e2e/harness.ts), the real @actions/core,
// @actions/artifact and Octokit talking to the loopback fake GitHub, and a recorded results.json in
// place of what measuring would have written. `mode: comment` and `mode: merge` measure nothing, so
// they run whole, through the action's own run().
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { startFakeGitHub, type FakeGitHub } from '../e2e/fake-github.js'
import { completeRun, readOutputs, runnerEnv, type RunSpec } from '../e2e/harness.js'
import type { Results } from '../../src/results/document.js'
import type { ResolvedBaseline } from '../../src/action/resolve-baseline.js'
import { EnvChanges, stdoutOf } from '../helpers/action-process.js'

type Modules = {
  core: typeof import('@actions/core')
  main: typeof import('../../src/main.js')
  inputs: typeof import('../../src/action/inputs.js')
  context: typeof import('../../src/github/context.js')
  publish: typeof import('../../src/action/publish.js')
  resolve: typeof import('../../src/action/resolve-baseline.js')
  errors: typeof import('../../src/errors.js')
}

/** What one in-process run left: as action.test.ts's runs, with the exit code the step would have. */
export interface InProcessRun {
  readonly code: number
  /** Every line @actions/core wrote (log lines and workflow commands). */
  readonly stdout: string
  readonly outputs: Record<string, string>
  readonly summary: string
  /** Files the run left in RUNNER_TEMP and TMPDIR (both private to the run). */
  readonly leftovers: string[]
}

/** A fake GitHub, a workspace, and the action's modules imported against them. */
export interface InProcess {
  readonly fake: FakeGitHub
  readonly workspace: string
  /** Where results.json and the reports go (working-directory's cannonade-results). */
  readonly outDir: string
  /** Runs publishing of `results` as `mode: run` would after measuring; the baseline is looked up unless given. */
  publishRun(spec: RunSpec & { results: Results; appLog?: string; baseline?: ResolvedBaseline; failure?: Error }): Promise<InProcessRun>
  /** Runs the action's run() (for `mode: comment` and `mode: merge`, which measure nothing). */
  runAction(spec: RunSpec): Promise<InProcessRun>
  close(): Promise<void>
}

/**
 * Starts the fake and imports the modules (@actions/github freezes GITHUB_API_URL at import). The
 * workspace's cannonade.yml is the e2e suite's name with one scenario: `mode: merge` reads it, and
 * nothing here starts an app.
 */
export async function startInProcess(): Promise<InProcess> {
  const fake = await startFakeGitHub()
  const env = new EnvChanges()
  const setEnv = (vars: Record<string, string | undefined>): void => env.set(vars)
  const restoreEnv = (): void => env.restore()
  setEnv({ GITHUB_API_URL: fake.url, GITHUB_SERVER_URL: undefined, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' })
  const m: Modules = {
    core: await import('@actions/core'),
    main: await import('../../src/main.js'),
    inputs: await import('../../src/action/inputs.js'),
    context: await import('../../src/github/context.js'),
    publish: await import('../../src/action/publish.js'),
    resolve: await import('../../src/action/resolve-baseline.js'),
    errors: await import('../../src/errors.js'),
  }
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'cannonade-inproc-'))
  // @actions/core remembers the first summary file it is given: one for every run, emptied before each.
  const summaryFile = path.join(workspace, 'summary.md')
  await writeFile(
    path.join(workspace, 'cannonade.yml'),
    'suite: e2e\nbaseUrl: http://127.0.0.1:9\nscenarios:\n  - { name: list users, path: /users }\n',
  )

  async function within(spec: RunSpec, work: (m: Modules) => Promise<void>): Promise<InProcessRun> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-inproc-run-'))
    const { env, files } = await runnerEnv(fake, spec, workspace, dir, summaryFile)
    setEnv(env)
    process.exitCode = 0
    const stdout = await stdoutOf(async () => {
      try {
        await work(m)
      } catch (error) {
        // As the action's run() does with what a mode throws.
        m.core.setFailed(m.errors.failureText(error))
      }
    })
    const code = process.exitCode
    process.exitCode = 0
    completeRun(fake, spec.runId, code === 0)
    const ours = new Set(['event.json', 'output', 'tmp'])
    const leftovers = (await readdir(dir, { recursive: true })).filter((f) => !ours.has(f))
    const run = {
      code: typeof code === 'number' ? code : Number(code ?? 0),
      stdout,
      outputs: await readOutputs(files.outputFile),
      summary: await readFile(summaryFile, 'utf8'),
      leftovers,
    }
    // Back to the environment of before the run (keeping GITHUB_API_URL for the imported modules).
    restoreEnv()
    setEnv({ GITHUB_API_URL: fake.url, GITHUB_SERVER_URL: undefined, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' })
    await rm(dir, { recursive: true, force: true })
    return run
  }

  return {
    fake,
    workspace,
    outDir: path.join(workspace, 'cannonade-results'),
    publishRun: (spec) =>
      within(spec, async (mod) => {
        const inputs = mod.inputs.getInputs()
        const ctx = mod.context.readRunContext()
        const destination = await mod.publish.prepareDestination(inputs, spec.results.suite)
        await mod.publish.saveResults(destination, spec.results)
        if (spec.appLog !== undefined) await writeFile(path.join(destination.outDir, 'app.log'), spec.appLog)
        const baseline = spec.baseline ?? (await mod.resolve.resolveBaseline(inputs, ctx, destination.artifactName, spec.results.suite))
        await mod.publish.publish(inputs, ctx, destination, spec.results, baseline, spec.failure)
      }),
    runAction: (spec) => within(spec, (mod) => mod.main.run()),
    async close() {
      restoreEnv()
      await fake.close()
      await rm(workspace, { recursive: true, force: true })
    },
  }
}
