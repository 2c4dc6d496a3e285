// `baseline: same-job` (and `auto` on a pull request unless app.build is none): the pull request's
// base commit, checked out beside the head in a git worktree, built, and started on a port of its
// own, so both builds can be measured in one job on one machine with their rounds interleaved.
// Anything that goes wrong here leaves the run without this baseline, never failed: a broken base is
// not the pull request's fault.
import * as core from '@actions/core'
import os from 'node:os'
import path from 'node:path'
import { inferBuild } from '../app/build-detect.js'
import { git, prepareCheckout } from '../app/checkout.js'
import type { Plan } from '../config/plan.js'
import type { RunContext } from '../github/context.js'
import type { PreparedBase } from '../pipeline/side-by-side.js'
import { INPUT, type Inputs } from './inputs.js'

/**
 * The base build ready to measure (`inferred`: how its build was inferred, in one line), or why there
 * is none: `expected` when that is no surprise worth a warning (an inferred build found nothing to
 * build from, or the workspace is no git checkout), `suggestAppBuild` when a build command would
 * have made it.
 */
export type SameJobBase = PreparedBase | { readonly missing: string; readonly expected?: boolean; readonly suggestAppBuild?: boolean }

/** How the base's checkout is built, and where (the directory of the head's checkout it runs in, or starts looking from). */
export interface BaseBuild {
  readonly how: { readonly command: string } | { readonly infer: true }
  readonly dir: string
}

/**
 * How the base's checkout is built: the `baseline-build` input (in working-directory) overrides the
 * config's `app.build` (in the app's cwd); `app.build: auto`, or none written, infers it from the
 * base's files. Undefined: `app.build: none`, or no app.
 */
export function baseBuildOf(inputs: Inputs, head: Plan): BaseBuild | undefined {
  if (inputs.baselineBuild !== '') return { how: { command: inputs.baselineBuild }, dir: inputs.workingDirectory }
  const app = head.app
  if (app === undefined || app.build.kind === 'none') return undefined
  return { how: app.build.kind === 'command' ? { command: app.build.command } : { infer: true }, dir: app.cwd }
}

/**
 * Checks out and builds the base commit; never throws for its failures, which become `missing`.
 * `auto-same-job` (the run may fall back to the stored baseline) gives up when an inferred build
 * finds nothing, looking at the head's files first so that a project with nothing to infer from is
 * not checked out for nothing; `same-job` then measures the base as checked out.
 * Throws InterruptedError when the run is interrupted meanwhile, the worktree removed.
 */
export async function prepareSameJobBase(
  inputs: Inputs,
  ctx: RunContext,
  head: Plan,
  outDir: string,
  way: 'same-job' | 'auto-same-job' = 'same-job',
): Promise<SameJobBase> {
  const ref = ctx.pullRequest?.baseSha ?? (inputs.baselineBranch === '' ? undefined : inputs.baselineBranch)
  if (ref === undefined) return { missing: 'baseline same-job needs a pull request (its base commit) or baseline-branch' }
  if (head.app === undefined) return { missing: 'baseline same-job needs an app to start; the config has none' }
  const build = baseBuildOf(inputs, head)
  const inferring = build !== undefined && 'infer' in build.how
  if (inferring && way === 'auto-same-job') {
    const root = await git(inputs.workingDirectory, ['rev-parse', '--show-toplevel']).catch(() => undefined)
    if (root === undefined) {
      return {
        missing: `the working directory ${inputs.workingDirectory} is not a git checkout, so the base commit cannot be checked out beside it`,
        expected: true,
      }
    }
    const found = await inferBuild(build.dir, root)
    if ('nothing' in found) {
      return { missing: `nothing to build the base commit with was found: ${found.nothing}`, expected: true, suggestAppBuild: true }
    }
  }
  const checkout = await prepareCheckout({
    ref,
    from: inputs.workingDirectory,
    head,
    tempDir: process.env['RUNNER_TEMP'] ?? os.tmpdir(),
    fetchMissing: true,
    ...(build === undefined
      ? {}
      : {
          build: {
            how: 'command' in build.how ? build.how : { infer: way === 'auto-same-job' ? 'or-give-up' : 'or-skip' },
            dir: build.dir,
            timeoutMs: inputs.baselineBuildTimeoutMs,
            timeoutSource: `input '${INPUT.baselineBuildTimeout}'`,
          },
        }),
    onBuild: (sha, command) => core.info(`building the base commit ${sha.slice(0, 7)}: ${command}`),
    onNoBuild: (sha, why) => core.info(`the base commit ${sha.slice(0, 7)} is measured as checked out, not built: ${why}`),
  })
  if ('missing' in checkout) {
    const missing =
      checkout.missing.startsWith('the base commit') || checkout.nothingToBuild === true
        ? checkout.missing
        : `baseline same-job: ${checkout.missing}`
    return { missing, ...(checkout.nothingToBuild === true ? { expected: true, suggestAppBuild: true } : {}) }
  }
  return {
    side: { plan: checkout.plan, outDir: path.join(outDir, 'base'), label: 'base', git: { sha: checkout.sha } },
    sha: checkout.sha,
    ...(checkout.inferred === undefined ? {} : { inferred: checkout.inferred }),
    cleanup: checkout.remove,
  }
}
