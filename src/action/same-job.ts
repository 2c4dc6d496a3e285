// `baseline: same-job` (and `auto` on a pull request when the config says how to build a checkout):
// the pull request's base commit, checked out beside the head in a git worktree, built, and started
// on a port of its own, so both builds can be measured in one job on one machine with their rounds
// interleaved. Anything that goes wrong here leaves the run without this baseline, never failed: a
// broken base is not the pull request's fault.
import * as core from '@actions/core'
import { mkdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { prepareCheckout } from '../app/checkout.js'
import type { Plan } from '../config/plan.js'
import type { RunContext } from '../github/context.js'
import type { Side } from '../load/schedule.js'
import { INPUT, type Inputs } from './inputs.js'

/** The base build ready to measure, or why there is none. */
export type SameJobBase = { readonly side: Side; readonly sha: string; cleanup(): Promise<void> } | { readonly missing: string }

/**
 * The command that builds the base's checkout, and where it runs: the `baseline-build` input (in
 * working-directory) overrides the config's `app.build` (in the app's cwd). Undefined: neither is set.
 */
export function baseBuildOf(inputs: Inputs, head: Plan): { readonly command: string; readonly dir: string } | undefined {
  if (inputs.baselineBuild !== '') return { command: inputs.baselineBuild, dir: inputs.workingDirectory }
  const app = head.app
  return app?.build === undefined ? undefined : { command: app.build, dir: app.cwd }
}

/**
 * Checks out and builds the base commit; never throws for its failures, which become `missing`.
 * Throws InterruptedError when the run is interrupted meanwhile, the worktree removed.
 */
export async function prepareSameJobBase(inputs: Inputs, ctx: RunContext, head: Plan, outDir: string): Promise<SameJobBase> {
  const ref = ctx.pullRequest?.baseSha ?? (inputs.baselineBranch === '' ? undefined : inputs.baselineBranch)
  if (ref === undefined) return { missing: 'baseline same-job needs a pull request (its base commit) or baseline-branch' }
  if (head.app === undefined) return { missing: 'baseline same-job needs an app to start; the config has none' }
  const build = baseBuildOf(inputs, head)
  const checkout = await prepareCheckout({
    ref,
    from: inputs.workingDirectory,
    head,
    tempDir: process.env['RUNNER_TEMP'] ?? os.tmpdir(),
    fetchMissing: true,
    ...(build === undefined
      ? {}
      : { build: { ...build, timeoutMs: inputs.baselineBuildTimeoutMs, timeoutSource: `input '${INPUT.baselineBuildTimeout}'` } }),
    onBuild: (sha, command) => core.info(`building the base commit ${sha.slice(0, 7)}: ${command}`),
  })
  if ('missing' in checkout) {
    return { missing: checkout.missing.startsWith('the base commit') ? checkout.missing : `baseline same-job: ${checkout.missing}` }
  }
  try {
    const baseOut = path.join(outDir, 'base')
    await mkdir(baseOut, { recursive: true })
    return {
      side: { plan: checkout.plan, outDir: baseOut, label: 'base', optional: true, git: { sha: checkout.sha } },
      sha: checkout.sha,
      cleanup: checkout.remove,
    }
  } catch (error) {
    await checkout.remove()
    throw error
  }
}
