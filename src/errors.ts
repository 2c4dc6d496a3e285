// The errors that carry an exit code. Everything else that escapes is an internal failure: exit 4 in
// the CLI, a failed step in the action, both saying it is Cannonade's fault and not the app's.

/** Exit codes of the CLI, also used to classify action failures. */
export const EXIT = {
  ok: 0,
  /** A `fail` threshold was violated or a regression found. */
  gateFailed: 1,
  /** The user's input (config file, flags, results file) is wrong. */
  badInput: 2,
  /** The app under test could not be started or measured. */
  appFailed: 3,
  /** A bug in Cannonade: neither the input nor the app is to blame. Kept apart from 1 so a CI gate never mistakes it for a regression. */
  internal: 4,
} as const

/** Bad user input: the message names the file, the field and what was expected. Exit code 2. */
export class InputError extends Error {
  /** One line per problem, already formatted. */
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(problems.join('\n'))
    this.name = 'InputError'
    this.problems = problems
  }
}

/** The app under test exited, never got ready, or its port was taken. Exit code 3. */
export class AppError extends Error {
  /** The last lines of the app's log, quoted in the message. */
  readonly logTail: string

  constructor(message: string, logTail = '') {
    super(logTail === '' ? message : `${message}\nLast lines of the app's log:\n${indent(logTail)}`)
    this.name = 'AppError'
    this.logTail = logTail
  }
}

/**
 * Something the run depends on besides its input and the app refused: the runner's files (a missing
 * GITHUB_OUTPUT), the event, GitHub's answer, an artifact that is unusable or untrusted. The message
 * explains itself; it is not a bug. Exit code 3, like the app failing: the run could not be done.
 */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EnvironmentError'
  }
}

// What the system says when a file cannot be written for reasons of the machine, not of Cannonade:
// a full or read-only disk, a quota, a failing device, no permission.
const STORAGE_FAULTS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EFBIG: 'the file is larger than the file system allows',
  EIO: 'the device reported an input/output error',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
}

/**
 * A file-system error the machine is to blame for, in words with the file it concerns (e.g. `cannot
 * write out/results.json: no space left on the device (ENOSPC)`); undefined for any other error.
 */
export function storageFault(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return undefined
  const words = STORAGE_FAULTS[error.code]
  if (words === undefined) return undefined
  const file = 'path' in error && typeof error.path === 'string' ? ` ${error.path}` : ''
  const verb =
    'syscall' in error && typeof error.syscall === 'string' && /^(open|read|stat|access|scandir)/.test(error.syscall) ? 'open' : 'write'
  return `cannot ${verb}${file}: ${words} (${error.code})`
}

// Octokit's RequestError and @actions/artifact's HTTP errors carry the status: GitHub said no.
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined
  return typeof error.status === 'number' ? error.status : undefined
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  | ${line}`)
    .join('\n')
}

/** Turns anything thrown into a message, so a non-Error throw still explains itself. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error)
  } catch {
    return String(error)
  }
}

/** The exit code that fits an error thrown by the pipeline. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof InputError) return EXIT.badInput
  if (error instanceof AppError || error instanceof EnvironmentError || httpStatusOf(error) !== undefined) return EXIT.appFailed
  if (storageFault(error) !== undefined) return EXIT.appFailed
  return EXIT.internal
}

/**
 * The message for an error that stops a run: input and app errors explain themselves; anything else
 * is a bug, said as one, with where it happened so it can be reported.
 */
export function failureText(error: unknown): string {
  if (error instanceof InputError || error instanceof AppError || error instanceof EnvironmentError) return errorMessage(error)
  const status = httpStatusOf(error)
  if (status !== undefined) return `GitHub answered HTTP ${status}: ${errorMessage(error)}`
  const storage = storageFault(error)
  if (storage !== undefined) return `${storage}; free space or choose another output folder, then run again`
  const where = error instanceof Error && error.stack !== undefined ? `\n${error.stack.split('\n').slice(1, 6).join('\n')}` : ''
  return `internal error (a bug in Cannonade, not in your config or app; please report it): ${errorMessage(error)}${where}`
}
