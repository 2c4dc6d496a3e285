// What the in-process action tests share: setting the runner's environment variables for a while
// and putting them back, capturing what @actions/core writes, and the inputs and context of a run.
import { vi } from 'vitest'
import type { Inputs } from '../../src/action/inputs.js'
import type { RunContext } from '../../src/github/context.js'

/** Sets environment variables, remembering each one's value before the first change, until `restore()`. */
export class EnvChanges {
  private readonly saved = new Map<string, string | undefined>()

  /** Sets (or, for undefined, deletes) each variable. */
  set(vars: Record<string, string | undefined>): void {
    for (const [key, value] of Object.entries(vars)) {
      if (!this.saved.has(key)) this.saved.set(key, process.env[key])
      if (value === undefined) Reflect.deleteProperty(process.env, key)
      else process.env[key] = value
    }
  }

  /** Puts every changed variable back as it was. */
  restore(): void {
    for (const [key, value] of this.saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, key)
      else process.env[key] = value
    }
    this.saved.clear()
  }
}

/** Everything @actions/core writes to stdout while `work` runs (log lines and workflow commands), as one string. */
export async function stdoutOf(work: () => Promise<unknown>): Promise<string> {
  const written: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  })
  try {
    await work()
  } finally {
    spy.mockRestore()
  }
  return written.join('')
}

/** The inputs of a run with the action's defaults and an artifact baseline; `over` changes some. */
export function testInputs(artifactName: string, token: string, over: Partial<Inputs> = {}): Inputs {
  return {
    config: 'cannonade.yml',
    workingDirectory: '.',
    token,
    baseline: { kind: 'artifact' },
    baselineBranch: '',
    baselineBuild: '',
    baselineBuildTimeoutMs: 60_000,
    artifactName,
    comment: 'auto',
    failOn: 'fail',
    mode: 'run',
    historyRuns: 30,
    ...over,
  }
}

/** A push run 9999 on main of perf.yml in `fake`'s repository. */
export function pushContext(fake: { owner: string; repo: string; url: string }, over: Partial<RunContext> = {}): RunContext {
  return {
    eventName: 'push',
    owner: fake.owner,
    repo: fake.repo,
    runId: 9999,
    branch: 'main',
    workflowFile: 'perf.yml',
    apiUrl: fake.url,
    serverUrl: 'https://github.com',
    ...over,
  }
}
