// Another commit of the repository, checked out beside the working tree in a git worktree, built,
// and given a port of its own: the base of a same-job comparison in the action, and the `--against`
// side of `cannonade run` on a laptop. Both measure it beside the head, rounds interleaved.
//
// Whatever happens, the worktree goes again: `remove()` on the normal way out, and a last-resort
// clean-up (interrupt.ts `onForcedExit`) should the process have to quit at once.
import { execFile, execFileSync, spawn } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import type { AppPlan, Plan } from '../config/plan.js'
import { formatDurationMs } from '../config/units.js'
import { errorMessage } from '../errors.js'
import { interruptSignal, onForcedExit, throwIfInterrupted } from '../interrupt.js'
import { describeInferredBuild, inferBuild } from './build-detect.js'
import { groupRunning } from './monitor.js'
import { freePort } from './ports.js'
import { signalGroup } from './process.js'

const run = promisify(execFile)

/** How long a build may run when nothing says otherwise. */
export const DEFAULT_BUILD_TIMEOUT_MS = 10 * 60_000

/** Runs git in `cwd` and returns its trimmed output; throws with git's message when it fails. */
export async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run('git', [...args], { cwd, maxBuffer: 16 * 1024 * 1024 })
  return stdout.trim()
}

/** How a build ended. */
export type BuildEnd = { readonly kind: 'exited'; readonly code: number } | { readonly kind: 'timed-out' | 'interrupted' }

// Time a build gets between SIGTERM and SIGKILL once it has to stop.
const BUILD_STOP_GRACE_MS = 5000

// Signals are delivered asynchronously: a killed process may take a moment to be gone.
async function waitForGroupToEnd(pgid: number, limitMs = 2000): Promise<void> {
  const deadline = performance.now() + limitMs
  while (groupRunning(pgid) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
}

/**
 * Runs a build command with a shell in a process group of its own, its output on ours (stdout for
 * both, as the action's log reads it; `output: 'stderr'` keeps a CLI's stdout for the report). The
 * group is stopped (SIGTERM, then SIGKILL) when the timeout passes or the run is interrupted, and
 * killed on the way out should Cannonade quit at once; so no build is left running on its own.
 */
export function runBuild(command: string, cwd: string, timeoutMs: number, output: 'stdout' | 'stderr' = 'stdout'): Promise<BuildEnd> {
  return new Promise((resolve) => {
    const sink = output === 'stdout' ? 'inherit' : process.stderr
    const child = spawn(command, { shell: true, cwd, detached: true, stdio: ['ignore', sink, 'inherit'] })
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
 * The other checkout's plan: the head's scenarios and app, with the app's directory moved into the
 * worktree and its port changed wherever the base URL's port appears (the base URL, the ready URL,
 * environment values equal to it, such as PORT, and what `{port}` and PORT stand for).
 */
export function basePlanOf(
  head: Plan,
  app: AppPlan,
  repoRoot: string,
  worktree: string,
  port: number,
  extraEnv: Readonly<Record<string, string>> = {},
): Plan {
  const headPort = new URL(head.baseUrl).port
  const swap = (url: string): string => {
    const parsed = new URL(url)
    if (parsed.port === headPort) parsed.port = String(port)
    return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '')
  }
  const env = { ...Object.fromEntries(Object.entries(app.env).map(([k, v]) => [k, v === headPort ? String(port) : v])), ...extraEnv }
  return {
    ...head,
    baseUrl: swap(head.baseUrl),
    app: {
      ...app,
      cwd: path.join(worktree, path.relative(repoRoot, app.cwd)),
      env,
      // `{port}` and PORT of the base are its own port.
      port,
      ...(app.readyUrl === undefined ? {} : { readyUrl: swap(app.readyUrl) }),
    },
  }
}

/** What to check out and how to build it. */
export interface CheckoutRequest {
  /** A commit, branch or tag. */
  readonly ref: string
  /** A directory inside the repository (the working directory); build directories are relative to the repository. */
  readonly from: string
  /** The head's plan, whose scenarios the other checkout is measured with. */
  readonly head: Plan
  /** Where the worktree goes (a directory of its own is made inside). */
  readonly tempDir: string
  /** Fetch the ref from `origin` when it is not there: CI checkouts are shallow. */
  readonly fetchMissing: boolean
  readonly build?: {
    /**
     * The shell command; or `infer` it from the other checkout's files (build-detect.ts), and when
     * none is found build nothing and go on (`or-skip`) or give the checkout up (`or-give-up`).
     */
    readonly how: { readonly command: string } | { readonly infer: 'or-skip' | 'or-give-up' }
    /**
     * Where it runs, as a directory of the current checkout; the same place inside the other is used.
     * An inferred build starts looking there and runs where it found its files.
     */
    readonly dir: string
    readonly timeoutMs: number
    /** What sets the timeout, named when it passes, e.g. `input 'baseline-build-timeout'`. */
    readonly timeoutSource: string
    readonly output?: 'stdout' | 'stderr'
  }
  /**
   * Called before the build starts, with the commit it builds and the command; an inferred one comes
   * with what it was inferred from (describeInferredBuild).
   */
  readonly onBuild?: (sha: string, command: string) => void
  /** Called when an inferred build found nothing and `or-skip` goes on without one, with why. */
  readonly onNoBuild?: (sha: string, why: string) => void
}

/** The other commit ready to start and measure. */
export interface Checkout {
  readonly sha: string
  /** Its plan: the head's scenarios, its app in the worktree on a free port. */
  readonly plan: Plan
  /** How it was built when the build was inferred, in one line: describeInferredBuild, or `nothing, <why>`. */
  readonly inferred?: string
  /** Removes the worktree (and forgets the last-resort clean-up); never throws. */
  remove(): Promise<void>
}

/** Why the other commit cannot be measured: a sentence, and whether it is the ref that is wrong. */
export interface CheckoutProblem {
  readonly missing: string
  /** The ref names no commit (bad input), rather than a commit that failed to build. */
  readonly badRef?: boolean
  /** An inferred build found nothing to build from (`or-give-up`). */
  readonly nothingToBuild?: boolean
}

/**
 * Checks out and builds another commit in a git worktree; never throws for its failures, which
 * come back as a problem with the worktree already removed. Throws InterruptedError when the run is
 * interrupted meanwhile, the worktree removed.
 */
export async function prepareCheckout(request: CheckoutRequest): Promise<Checkout | CheckoutProblem> {
  const { ref, head } = request
  const app = head.app
  if (app === undefined) return { missing: 'the config has no app to start' }
  let repoRoot: string
  try {
    repoRoot = await git(request.from, ['rev-parse', '--show-toplevel'])
  } catch (error) {
    return { missing: `${request.from} is not in a git checkout: ${firstLine(error)}` }
  }
  const worktree = path.join(request.tempDir, `cannonade-base-${process.pid}`)
  // Worktrees of earlier runs that were killed outright are gone from disk but still registered.
  await git(repoRoot, ['worktree', 'prune']).catch(() => undefined)
  if (!request.fetchMissing) {
    const known = await git(repoRoot, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '')
    if (known === '') return { missing: `"${ref}" names no commit in ${repoRoot}`, badRef: true }
  }
  try {
    try {
      await git(repoRoot, ['worktree', 'add', '--detach', worktree, `${ref}^{commit}`])
    } catch (error) {
      if (!request.fetchMissing) throw error
      // A shallow checkout lacks the base commit: fetch just that one.
      await git(repoRoot, ['fetch', '--no-tags', '--depth=1', 'origin', ref])
      await git(repoRoot, ['worktree', 'add', '--detach', worktree, 'FETCH_HEAD'])
    }
  } catch (error) {
    return { missing: `the base commit ${ref.slice(0, 12)} could not be checked out: ${firstLine(error)}` }
  }
  // Removed on every way out: normally by remove(), and by this on an exit that cannot wait.
  const forget = onForcedExit(() => execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: repoRoot, stdio: 'ignore' }))
  const remove = async (): Promise<void> => {
    await git(repoRoot, ['worktree', 'remove', '--force', worktree]).catch(() => undefined)
    forget()
  }
  try {
    const sha = await git(worktree, ['rev-parse', 'HEAD'])
    const build = request.build
    let env: Readonly<Record<string, string>> = {}
    let inferred: string | undefined
    let inferredFrom: string | undefined
    if (build !== undefined) {
      let dir = path.join(worktree, path.relative(repoRoot, path.resolve(build.dir)))
      let command: string | undefined
      if ('command' in build.how) {
        command = build.how.command
        request.onBuild?.(sha, command)
      } else {
        // Inferred from the other checkout's own files: its lock file is the one that installs it.
        const found = await inferBuild(dir, worktree)
        if ('nothing' in found) {
          if (build.how.infer === 'or-give-up') {
            await remove()
            return { missing: `nothing to build the base commit ${sha.slice(0, 7)} with was found: ${found.nothing}`, nothingToBuild: true }
          }
          inferred = `nothing, ${found.nothing}`
          request.onNoBuild?.(sha, found.nothing)
        } else {
          inferred = describeInferredBuild(found)
          inferredFrom = found.from
          dir = found.dir
          // The app's own PATH (its env, else ours) with the build's directory first.
          const appPath = app.env['PATH'] ?? process.env['PATH'] ?? ''
          env = found.pathFirst === undefined ? found.env : { ...found.env, PATH: `${found.pathFirst}${path.delimiter}${appPath}` }
          if (found.command !== '') command = found.command
          request.onBuild?.(sha, inferred)
        }
      }
      if (command !== undefined) {
        const end = await runBuild(command, dir, build.timeoutMs, build.output)
        throwIfInterrupted()
        if (end.kind !== 'exited' || end.code !== 0) {
          await remove()
          const how =
            end.kind === 'exited'
              ? `exited with ${end.code}`
              : `was still running after ${formatDurationMs(build.timeoutMs)} (${build.timeoutSource}) and was stopped`
          const what = inferredFrom === undefined ? '' : `; inferred from ${inferredFrom}: set app.build to a command, or to none`
          return { missing: `the base commit ${sha.slice(0, 7)} did not build (\`${command}\` ${how}${what})` }
        }
      }
    }
    const plan = basePlanOf(head, app, repoRoot, worktree, await freePort(), env)
    return { sha, plan, ...(inferred === undefined ? {} : { inferred }), remove }
  } catch (error) {
    await remove()
    throw error
  }
}

function firstLine(error: unknown): string {
  return errorMessage(error).split('\n')[0] ?? ''
}
