// `baseline: same-job`: the pull request's base commit, checked out beside the head in a git worktree,
// built, and started on a port of its own, so both builds can be measured in one job on one machine
// with their rounds interleaved. Anything that goes wrong here leaves the run without a baseline
// (thresholds only), never failed: a broken base is not the pull request's fault.
import * as core from '@actions/core'
import { execFile, spawn } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '../app/ports.js'
import type { AppPlan, Plan } from '../config/plan.js'
import { errorMessage } from '../errors.js'
import type { RunContext } from '../github/context.js'
import type { Side } from '../load/schedule.js'
import type { Inputs } from './inputs.js'

const run = promisify(execFile)

/** The base build ready to measure, or why there is none. */
export type SameJobBase = { readonly side: Side; readonly sha: string; cleanup(): Promise<void> } | { readonly missing: string }

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 })
  return stdout.trim()
}

/** Runs the build command with a shell in `cwd`, its output in the log; resolves with the exit code. */
function build(command: string, cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, cwd, stdio: ['ignore', 'inherit', 'inherit'] })
    child.once('error', () => resolve(127))
    child.once('exit', (code) => resolve(code ?? 1))
  })
}

/**
 * The base's plan: the head's scenarios and app, with the app's directory moved into the worktree
 * and its port changed wherever the base URL's port appears (the base URL, the ready URL, and
 * environment values equal to it, such as PORT).
 */
export function basePlanOf(head: Plan, app: AppPlan, repoRoot: string, worktree: string, port: number): Plan {
  const headPort = new URL(head.baseUrl).port
  const swap = (url: string): string => {
    const parsed = new URL(url)
    if (parsed.port === headPort) parsed.port = String(port)
    return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '')
  }
  const env = Object.fromEntries(Object.entries(app.env).map(([k, v]) => [k, v === headPort ? String(port) : v]))
  return {
    ...head,
    baseUrl: swap(head.baseUrl),
    app: {
      ...app,
      cwd: path.join(worktree, path.relative(repoRoot, app.cwd)),
      env,
      ...(app.readyUrl === undefined ? {} : { readyUrl: swap(app.readyUrl) }),
    },
  }
}

/** Checks out and builds the base commit; never throws for its failures, which become `missing`. */
export async function prepareSameJobBase(inputs: Inputs, ctx: RunContext, head: Plan, outDir: string): Promise<SameJobBase> {
  const ref = ctx.pullRequest?.baseSha ?? (inputs.baselineBranch === '' ? undefined : inputs.baselineBranch)
  if (ref === undefined) return { missing: 'baseline same-job needs a pull request (its base commit) or baseline-branch' }
  const app = head.app
  if (app === undefined) return { missing: 'baseline same-job needs an app to start; the config has none' }
  let repoRoot: string
  try {
    repoRoot = await git(inputs.workingDirectory, ['rev-parse', '--show-toplevel'])
  } catch (error) {
    return { missing: `baseline same-job needs a git checkout: ${errorMessage(error).split('\n')[0] ?? ''}` }
  }
  const worktree = path.join(process.env['RUNNER_TEMP'] ?? os.tmpdir(), `cannonade-base-${process.pid}`)
  try {
    try {
      await git(repoRoot, ['worktree', 'add', '--detach', worktree, ref])
    } catch {
      // A shallow checkout lacks the base commit: fetch just that one.
      await git(repoRoot, ['fetch', '--no-tags', '--depth=1', 'origin', ref])
      await git(repoRoot, ['worktree', 'add', '--detach', worktree, 'FETCH_HEAD'])
    }
  } catch (error) {
    return { missing: `the base commit ${ref.slice(0, 12)} could not be checked out: ${errorMessage(error).split('\n')[0] ?? ''}` }
  }
  const cleanup = async (): Promise<void> => {
    await git(repoRoot, ['worktree', 'remove', '--force', worktree]).catch(() => undefined)
  }
  const sha = await git(worktree, ['rev-parse', 'HEAD'])
  const workDir = path.join(worktree, path.relative(repoRoot, path.resolve(inputs.workingDirectory)))
  if (inputs.baselineBuild !== '') {
    core.info(`building the base commit ${sha.slice(0, 7)}: ${inputs.baselineBuild}`)
    const code = await build(inputs.baselineBuild, workDir)
    if (code !== 0) {
      await cleanup()
      return { missing: `the base commit ${sha.slice(0, 7)} did not build (\`${inputs.baselineBuild}\` exited with ${code})` }
    }
  }
  const baseOut = path.join(outDir, 'base')
  await mkdir(baseOut, { recursive: true })
  const plan = basePlanOf(head, app, repoRoot, worktree, await freePort())
  return { side: { plan, outDir: baseOut, label: 'base', optional: true, git: { sha } }, sha, cleanup }
}
