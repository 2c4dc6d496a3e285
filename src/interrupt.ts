// SIGINT (Ctrl-C, a cancelled job), SIGTERM and SIGHUP (the terminal closed) during a run. Inside `gracefully`, the first signal
// only asks the run to stop: the round under way is abandoned, the app is stopped with its own
// stopTimeout, and the rounds finished so far are written (and, in the action, uploaded) as an
// incomplete result. A second signal, or one outside a graceful scope, quits at once; the clean-ups
// registered with `onForcedExit` (process groups, a git worktree) still run on the way out.
import { AppError } from './errors.js'

type HandledSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP'

// 128 + the signal's number, as a shell reports a process ended by that signal.
const EXIT_CODE: Readonly<Record<HandledSignal, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }

/** The run was stopped by a signal: what finished before is kept, the rest was never measured. */
export class InterruptedError extends AppError {
  readonly signal: HandledSignal
  /** The exit code a process ended by this signal has (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). */
  readonly exitCode: number

  constructor(signal: HandledSignal) {
    super(`interrupted by ${signal}: the run stopped early; the rounds finished before are kept`)
    this.name = 'InterruptedError'
    this.signal = signal
    this.exitCode = EXIT_CODE[signal]
  }
}

const controller = new AbortController()
let received: InterruptedError | undefined
let scopes = 0
let installed = false
const lastResorts = new Set<() => void>()

/** Aborted when the first signal arrives inside a graceful scope. */
export const interruptSignal: AbortSignal = controller.signal

/** The interruption, once a signal has asked the run to stop. */
export function interruption(): InterruptedError | undefined {
  return received
}

/** Throws the interruption, if there was one: called between steps that take time. */
export function throwIfInterrupted(): void {
  if (received !== undefined) throw received
}

/**
 * Registers a synchronous clean-up for an exit that cannot wait (a second signal, or the process
 * ending with the thing still around). Returns the function that unregisters it once done normally.
 */
export function onForcedExit(cleanup: () => void): () => void {
  installSignalHandlers()
  lastResorts.add(cleanup)
  return () => lastResorts.delete(cleanup)
}

function onSignal(signal: HandledSignal): void {
  if (scopes === 0 || received !== undefined) {
    if (lastResorts.size > 0) process.stderr.write(`\ncannonade: ${signal} again; quitting now\n`)
    process.exit(EXIT_CODE[signal]) // the exit handler runs the last-resort clean-ups
  }
  received = new InterruptedError(signal)
  // The terminal is gone: writing to it fails (EIO, EPIPE), and an unheard write error would end
  // the process before the finished rounds are written.
  if (signal === 'SIGHUP') for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined)
  process.stderr.write(
    `\ncannonade: interrupted (${signal}); stopping the app and keeping the finished rounds (${signal} again quits at once)\n`,
  )
  controller.abort(received)
}

/** Installs the SIGINT/SIGTERM/SIGHUP handlers and the last-resort exit handler, once. */
export function installSignalHandlers(): void {
  if (installed) return
  installed = true
  process.on('exit', () => {
    for (const cleanup of lastResorts) {
      try {
        cleanup()
      } catch {
        // the process is ending; nothing better to do than try the next one
      }
    }
  })
  process.on('SIGINT', () => onSignal('SIGINT'))
  process.on('SIGTERM', () => onSignal('SIGTERM'))
  // Without a handler a closed terminal killed Cannonade at once, leaving the apps it started
  // serving, a worktree registered and no results.
  process.on('SIGHUP', () => onSignal('SIGHUP'))
}

/** Runs `work` with the first SIGINT/SIGTERM/SIGHUP turned into a request to stop (see `interruption`). */
export async function gracefully<T>(work: () => Promise<T>): Promise<T> {
  installSignalHandlers()
  scopes++
  try {
    return await work()
  } finally {
    scopes--
  }
}

/** A promise that resolves after `ms`, or as soon as the run is interrupted. */
export function sleepUnlessInterrupted(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      interruptSignal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    interruptSignal.addEventListener('abort', done, { once: true })
  })
}
