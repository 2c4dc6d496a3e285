import { errorMessage } from '../errors.js'

/** The HTTP status of a failed Octokit or artifact call, when it has one. */
export function httpStatus(error: unknown): number | undefined {
  if (!(error instanceof Error) || !('status' in error)) return undefined
  return typeof error.status === 'number' ? error.status : undefined
}

// Octokit's RequestError carries the response headers; other errors have none.
function responseHeader(error: unknown, name: string): string | undefined {
  if (!(error instanceof Error) || !('response' in error)) return undefined
  const response: unknown = error.response
  if (typeof response !== 'object' || response === null || !('headers' in response)) return undefined
  const headers: unknown = response.headers
  if (typeof headers !== 'object' || headers === null || !(name in headers)) return undefined
  const value: unknown = Object.entries(headers).find(([key]) => key === name)?.[1]
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
}

/**
 * Whether GitHub refused the call for its rate limit rather than for missing permissions: both come
 * as 403 (or 429), told apart by `x-ratelimit-remaining: 0` or the message.
 */
export function isRateLimited(error: unknown): boolean {
  const status = httpStatus(error)
  if (status !== 403 && status !== 429) return false
  return responseHeader(error, 'x-ratelimit-remaining') === '0' || /rate limit/i.test(errorMessage(error))
}

/** When a rate limit resets, from `x-ratelimit-reset` (epoch seconds), as an ISO time; undefined when not said. */
function rateLimitReset(error: unknown): string | undefined {
  const reset = Number(responseHeader(error, 'x-ratelimit-reset'))
  return Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : undefined
}

/** One line for a log or a report: the first line of the message and the HTTP status. */
export function describeHttpError(error: unknown): string {
  const status = httpStatus(error)
  const first = errorMessage(error).split('\n')[0] ?? 'unknown error'
  if (isRateLimited(error)) {
    const reset = rateLimitReset(error)
    return `${first} (HTTP ${String(status)}: GitHub's API rate limit was reached${reset === undefined ? '' : `; it resets at ${reset}`})`
  }
  return `${first}${status === undefined ? '' : ` (HTTP ${status})`}`
}

/**
 * What to tell the user about a refused call: a 403 for a rate limit is said as one (wait, or run
 * less often); another 403 means the token lacks `permission`.
 */
export function refusalHint(error: unknown, permission: string): string {
  if (isRateLimited(error)) return " It is GitHub's rate limit, not a permission: it passes by itself; the next run comments again."
  return httpStatus(error) === 403 ? ` The token may lack \`${permission}\`.` : ''
}

/**
 * The same hint as a clause for the middle of a sentence, ` (the token may lack `permission`)`, or
 * '' when the refusal was not for a permission (a rate limit says so in {@link describeHttpError}).
 */
export function permissionClause(error: unknown, permission: string): string {
  return httpStatus(error) === 403 && !isRateLimited(error) ? ` (the token may lack \`${permission}\`)` : ''
}
