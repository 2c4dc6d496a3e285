// `baseline: same-job`: the pull request's base commit, checked out beside the head in a git worktree,
// built, and started on a port of its own, so both builds can be measured in one job on one machine
// with their rounds interleaved. Anything that goes wrong here leaves the run without a baseline
// (thresholds only), never failed: a broken base is not the pull request's fault.
import * as core from '@actions/core'
import { execFile, execFileSync, spawn } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '../app/ports.js'
import { groupRunning } from '../app/monitor.js'
import { signalGroup } from '../app/process.js'
import type { AppPlan, Plan } from '../config/plan.js'
import { formatDurationMs } from '../config/units.js'
import { errorMessage } from '../errors.js'
import { interruptSignal, onForcedExit, throwIfInterrupted } from '../interrupt.js'
import type { RunContext } from '../github/context.js'
import type { Side } from '../load/schedule.js'
import { INPUT, type Inputs } from './inputs.js'

const run = promisify(execFile)

/** The base build ready to measure, or why there is none. */
export type SameJobBase = { readonly side: Side; readonly sha: string; cleanup(): Promise<void> } | { readonly missing: string }

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 })
  return stdout.trim()
}

/** How a build ended. */
type BuildEnd = { readonly kind: 'exited'; readonly code: number } | { readonly kind: 'timed-out' | 'interrupted' }

// Time a build gets between SIGTERM and SIGKILL once it has to stop.
const BUILD_STOP_GRACE_MS = 5000

// Signals are delivered asynchronously: a killed process may take a moment to be gone.
async function waitForGroupToEnd(pgid: number, limitMs = 2000): Promise<void> {
  const deadline = performance.now() + limitMs
  while (groupRunning(pgid) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
}

/**
 * Runs the build command with a shell in a process group of its own, its output in the log. The
 * group is stopped (SIGTERM, then SIGKILL) when the timeout passes or the run is interrupted, and
 * killed on the way out should Cannonade quit at once; so no build is left running on its own.
 */
function build(command: string, cwd: string, timeoutMs: number): Promise<BuildEnd> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, cwd, detached: true, stdio: ['ignore', 'inherit', 'inherit'] })
    const pgid = child.pid
    if (pgid === undefined) {
      child.once('error', () => resolve({ kind: 'exited', code: 127 }))
      return
    }
    const forget = onForcedExit(() => signalGroup(pgid, 'SIGKILL'))
    let ending: 'timed-out' | 'interrupted' | undefined
    let killTimer: NodeJS.Timeout | undefined
    const stop = (why: 'timed-out' | 'interrupted'): void => {
      if (ending !== undefined) return
      ending = why
      signalGroup(pgid, 'SIGTERM')
      killTimer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), BUILD_STOP_GRACE_MS)
    }
    const timer = setTimeout(() => stop('timed-out'), timeoutMs)
    const onInterrupt = (): void => stop('interrupted')
    interruptSignal.addEventListener('abort', onInterrupt, { once: true })
    if (interruptSignal.aborted) onInterrupt()
    child.once('exit', (code) => {
      clearTimeout(timer)
      clearTimeout(killTimer)
      interruptSignal.removeEventListener('abort', onInterrupt)
      // The build is over: anything it left behind in its group (a daemon, a stuck child) goes too,
      // and is gone before the worktree it may be using is removed.
      signalGroup(pgid, 'SIGKILL')
      void waitForGroupToEnd(pgid).then(() => {
        forget()
        resolve(ending === undefined ? { kind: 'exited', code: code ?? 1 } : { kind: ending })
      })
    })
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

/**
 * Checks out and builds the base commit; never throws for its failures, which become `missing`.
 * Throws InterruptedError when the run is interrupted meanwhile, the worktree removed.
 */
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
  // Worktrees of earlier runs that were killed outright are gone from disk but still registered.
  await git(repoRoot, ['worktree', 'prune']).catch(() => undefined)
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
  // Removed on every way out: normally by cleanup(), and by this on an exit that cannot wait.
  const forget = onForcedExit(() => execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: repoRoot, stdio: 'ignore' }))
  const cleanup = async (): Promise<void> => {
    await git(repoRoot, ['worktree', 'remove', '--force', worktree]).catch(() => undefined)
    forget()
  }
  try {
    const sha = await git(worktree, ['rev-parse', 'HEAD'])
    const workDir = path.join(worktree, path.relative(repoRoot, path.resolve(inputs.workingDirectory)))
    if (inputs.baselineBuild !== '') {
      core.info(`building the base commit ${sha.slice(0, 7)}: ${inputs.baselineBuild}`)
      const end = await build(inputs.baselineBuild, workDir, inputs.baselineBuildTimeoutMs)
      throwIfInterrupted()
      if (end.kind !== 'exited' || end.code !== 0) {
        await cleanup()
        const how = end.kind === 'exited' ? `exited with ${end.code}` : `was still running after ${formatDurationMs(inputs.baselineBuildTimeoutMs)} (input '${INPUT.baselineBuildTimeout}') and was stopped`
        return { missing: `the base commit ${sha.slice(0, 7)} did not build (\`${inputs.baselineBuild}\` ${how})` }
      }
    }
    const baseOut = path.join(outDir, 'base')
    await mkdir(baseOut, { recursive: true })
    const plan = basePlanOf(head, app, repoRoot, worktree, await freePort())
    return { side: { plan, outDir: baseOut, label: 'base', optional: true, git: { sha } }, sha, cleanup }
  } catch (error) {
    await cleanup()
    throw error
  }
}
