// What a workflow run hands the action, built once for the tests that run the bundle
// (action.test.ts, verdicts.test.ts) and those that run the action's modules in this process
// (__tests__/action/publish.test.ts): the INPUT_* and GITHUB_* variables, the event payload, the
// output and summary files, and reading back what the run left.
import { readFileSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { FakeGitHub } from './fake-github.js'

/** The workflow file every run is registered under. */
export const WORKFLOW = '.github/workflows/perf.yml'
/** The artifact name the runs use (input artifact-name). */
export const ARTIFACT = 'cannonade-e2e'
/** The commit of main. */
export const MAIN_SHA = 'a'.repeat(40)

/** The inputs and outputs action.yml declares. */
export const DECLARED = parseYaml(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, unknown>
  outputs: Record<string, unknown>
}

/** The `with:` of the Cannonade step in an example workflow: the README's workflow, run here for real. */
export async function exampleInputs(file = 'examples/perf.yml'): Promise<Record<string, string>> {
  type Step = { uses?: string; with?: Record<string, unknown> }
  const workflow = parseYaml(await readFile(file, 'utf8')) as { jobs: Record<string, { steps: Step[] }> }
  const step = Object.values(workflow.jobs)
    .flatMap((job) => job.steps)
    .find((s) => s.uses?.startsWith('cannonade/') === true)
  if (step === undefined) throw new Error(`${file} has no Cannonade step`)
  return Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]))
}

/** Parses GITHUB_OUTPUT's `name<<delimiter ... delimiter` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '')
    if (match === null) continue
    const [, name, delimiter] = match
    const value: string[] = []
    while (i + 1 < lines.length && lines[i + 1] !== delimiter) value.push(lines[++i] ?? '')
    i++
    if (name !== undefined) outputs[name] = value.join('\n')
  }
  return outputs
}

/** One workflow run as a test describes it. */
export interface RunSpec {
  runId: number
  event: 'push' | 'pull_request' | 'workflow_run'
  sha: string
  branch?: string
  pr?: { number: number; base?: string; baseSha?: string; fork?: boolean }
  workflowRun?: { id: number; headSha: string; headBranch: string; headRepo: string }
  inputs?: Record<string, string>
  env?: Record<string, string>
}

/** The files of one run's environment, in `dir` (its RUNNER_TEMP). */
export interface RunFiles {
  readonly outputFile: string
  readonly summaryFile: string
}

/**
 * Registers the run with the fake (in progress) and builds the environment the runner would give the
 * action for it, writing the event payload and empty output and summary files into `dir`.
 * `workspace` is the working directory; `summaryFile` overrides where the summary goes.
 */
export async function runnerEnv(
  fake: FakeGitHub,
  spec: RunSpec,
  workspace: string,
  dir: string,
  summaryFile = path.join(dir, 'summary'),
): Promise<{ env: Record<string, string>; files: RunFiles }> {
  const headBranch = spec.branch ?? (spec.pr === undefined ? 'main' : `feature-${spec.pr.number}`)
  fake.addRun({
    id: spec.runId,
    workflowPath: WORKFLOW,
    headBranch,
    headSha: spec.sha,
    event: spec.event,
    status: 'in_progress',
    conclusion: null,
  })
  const repoName = `${fake.owner}/${fake.repo}`
  const payload = {
    repository: { full_name: repoName, default_branch: 'main' },
    ...(spec.pr === undefined
      ? {}
      : {
          number: spec.pr.number,
          pull_request: {
            number: spec.pr.number,
            base: { ref: spec.pr.base ?? 'main', sha: spec.pr.baseSha ?? MAIN_SHA, repo: { full_name: repoName } },
            head: { ref: headBranch, sha: spec.sha, repo: { full_name: spec.pr.fork === true ? `someone/${fake.repo}` : repoName } },
          },
        }),
    ...(spec.workflowRun === undefined
      ? {}
      : {
          workflow_run: {
            id: spec.workflowRun.id,
            head_sha: spec.workflowRun.headSha,
            head_branch: spec.workflowRun.headBranch,
            head_repository: { full_name: spec.workflowRun.headRepo },
            path: WORKFLOW,
            event: 'pull_request',
            conclusion: 'success',
          },
        }),
  }
  const eventPath = path.join(dir, 'event.json')
  await writeFile(eventPath, JSON.stringify(payload))
  const outputFile = path.join(dir, 'output')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  const inputs = {
    'working-directory': workspace,
    'github-token': 'ghs_faketoken',
    ...(await exampleInputs()),
    'artifact-name': ARTIFACT,
    ...spec.inputs,
  }
  // The runner only passes inputs action.yml declares: a test setting another would test nothing.
  for (const name of Object.keys(inputs)) if (!(name in DECLARED.inputs)) throw new Error(`input ${name} is not declared in action.yml`)
  const tmp = path.join(dir, 'tmp')
  await mkdir(tmp, { recursive: true })
  const env: Record<string, string> = {
    ...fake.envFor(spec.runId),
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    GITHUB_EVENT_NAME: spec.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKFLOW_REF: `${repoName}/${WORKFLOW}@refs/heads/${headBranch}`,
    GITHUB_SHA: spec.sha,
    GITHUB_REF: spec.pr === undefined ? `refs/heads/${headBranch}` : `refs/pull/${spec.pr.number}/merge`,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: dir,
    TMPDIR: tmp,
    ...spec.env,
  }
  return { env, files: { outputFile, summaryFile } }
}

/** Marks the run completed in the fake, as GitHub does when the job ends. */
export function completeRun(fake: FakeGitHub, runId: number, succeeded: boolean): void {
  const run = fake.runs.find((r) => r.id === runId)
  if (run === undefined) return
  run.status = 'completed'
  run.conclusion = succeeded ? 'success' : 'failure'
}

/** The outputs a run set, each checked to be declared in action.yml (the runner drops others). */
export async function readOutputs(outputFile: string): Promise<Record<string, string>> {
  const outputs = parseOutputs(await readFile(outputFile, 'utf8').catch(() => ''))
  for (const name of Object.keys(outputs)) if (!(name in DECLARED.outputs)) throw new Error(`output ${name} is not declared in action.yml`)
  return outputs
}

/** Plants a successful push run on main, `runId`, whose artifact holds `files`. */
export async function plantPushRun(fake: FakeGitHub, runId: number, files: Record<string, string | Buffer>, sha = MAIN_SHA): Promise<void> {
  fake.addRun({
    id: runId,
    workflowPath: WORKFLOW,
    headBranch: 'main',
    headSha: sha,
    event: 'push',
    status: 'completed',
    conclusion: 'success',
  })
  await fake.addArtifactZip(runId, ARTIFACT, files)
}

/** This run's finalized artifact of the main name. */
export function artifactOf(fake: FakeGitHub, runId: number): FakeGitHub['artifacts'][number] | undefined {
  return fake.artifacts.find((a) => a.runId === runId && a.name === ARTIFACT && a.finalized)
}

/** The value a step must have left behind; a missing one fails the test here with a clear message. */
export function present<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected the run to have left this behind')
  return value
}
