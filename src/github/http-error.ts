import { errorMessage } from '../errors.js'

/** The HTTP status of a failed Octokit or artifact call, when it has one. */
export function httpStatus(error: unknown): number | undefined {
  if (!(error instanceof Error) || !('status' in error)) return undefined
  return typeof error.status === 'number' ? error.status : undefined
}

/** One line for a log or a report: the first line of the message and the HTTP status. */
export function describeHttpError(error: unknown): string {
  const status = httpStatus(error)
  return `${errorMessage(error).split('\n')[0] ?? 'unknown error'}${status === undefined ? '' : ` (HTTP ${status})`}`
}
