// The one place an Octokit client is built: retries for transient failures, a deadline on every call,
// nothing else global.
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { EnvironmentError } from '../errors.js'

/** The REST client every module in src/github takes as a parameter. */
export type Octokit = ReturnType<typeof getOctokit>

/**
 * How long one API call may take, its retries included. GitHub answers in well under a second; a
 * call still open after a minute is a connection that will never answer (a stalled proxy), and
 * without a deadline the step would wait until the job's own timeout, six hours by default.
 */
export const API_TIMEOUT_MS = 60_000

/** GitHub did not answer a call within its deadline. */
export class GitHubTimeoutError extends EnvironmentError {
  /**
   * The request's options. The retry plugin reads them from any error it sees, and waits forever on
   * one without them (its limiter's handler throws); with them and no retry count, it gives up at once.
   */
  readonly request: unknown
  constructor(message: string, request: unknown) {
    super(message)
    this.name = 'GitHubTimeoutError'
    this.request = request
  }
}

// A deadline on each attempt. A plugin listed before the retry plugin wraps the request inside it;
// a call that timed out is not retried: a server silent for a minute will not answer the next one.
function deadline(timeoutMs: number) {
  return (octokit: { hook: Octokit['hook'] }): void => {
    octokit.hook.wrap('request', async (request, options) => {
      const signal = AbortSignal.timeout(timeoutMs)
      // Set on the call's own options (made afresh for each call): the hooks inside this one (the
      // token's) read those, not options passed along.
      options.request = { ...options.request, signal }
      try {
        return await request(options)
      } catch (error) {
        if (!signal.aborted) throw error
        const where = typeof options.url === 'string' ? options.url.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '') : 'a request'
        throw new GitHubTimeoutError(`GitHub did not answer ${options.method} ${where} within ${Math.round(timeoutMs / 1000)} s`, options)
      }
    })
  }
}

/**
 * A client for `token` against `baseUrl` (GITHUB_API_URL). Server errors are retried twice (after
 * about 1 and 4 s); client errors such as 403 and 404 are final at once. Each attempt is abandoned
 * after `timeoutMs` with a {@link GitHubTimeoutError}, which is not retried.
 */
export function createOctokit(token: string, baseUrl: string, timeoutMs = API_TIMEOUT_MS): Octokit {
  return getOctokit(token, { baseUrl, retry: { retries: 2 } }, deadline(timeoutMs), retry)
}
