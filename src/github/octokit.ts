// The one place an Octokit client is built: retries for transient failures, nothing else global.
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'

/** The REST client every module in src/github takes as a parameter. */
export type Octokit = ReturnType<typeof getOctokit>

/**
 * A client for `token` against `baseUrl` (GITHUB_API_URL). Server errors are retried twice (after
 * about 1 and 4 s); client errors such as 403 and 404 are final at once.
 */
export function createOctokit(token: string, baseUrl: string): Octokit {
  return getOctokit(token, { baseUrl, retry: { retries: 2 } }, retry)
}
