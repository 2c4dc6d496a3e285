// One sticky comment per suite: found by a hidden marker among the comments the token's own user
// wrote, updated in place, created only when there is none.
import { SUITE_NAME } from '../results/document.js'
import { httpStatus, isRateLimited } from './http-error.js'
import type { Octokit } from './octokit.js'
import { EnvironmentError } from '../errors.js'

/**
 * The hidden marker that identifies a suite's comment. The suite may come from an artifact written by
 * untrusted code: anything but a plain name could close the HTML comment and post markdown as the
 * bot, so it is refused here even though the results schema already refuses it.
 */
export function commentMarker(suite: string): string {
  if (!SUITE_NAME.test(suite))
    throw new EnvironmentError(`refusing to comment for suite ${JSON.stringify(suite.slice(0, 80))}: not a valid suite name`)
  return `<!-- cannonade:${suite} -->`
}

/** What happened to the comment. */
export interface CommentResult {
  readonly action: 'created' | 'updated'
  readonly id: number
  readonly url: string
}

// The default GITHUB_TOKEN is an installation token: GET /user answers 403 and comments it writes
// are by github-actions[bot].
const ACTIONS_BOT = 'github-actions[bot]'

/** The login comments written with this token appear under. */
export async function tokenLogin(octokit: Octokit): Promise<string> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return data.login
  } catch (error) {
    const status = httpStatus(error)
    // A rate limit says nothing about who the token is: let it fail like any other call.
    if ((status === 403 && !isRateLimited(error)) || status === 401) return ACTIONS_BOT
    throw error
  }
}

/** Finds the suite's comment on the issue: the first by `login` whose body carries the marker. */
export async function findStickyComment(
  octokit: Octokit,
  target: { owner: string; repo: string; issueNumber: number },
  marker: string,
  login: string,
): Promise<{ id: number; url: string } | undefined> {
  const iterator = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  })
  for await (const page of iterator) {
    for (const comment of page.data) {
      if (comment.user?.login === login && comment.body?.includes(marker) === true) return { id: comment.id, url: comment.html_url }
    }
  }
  return undefined
}

/** Creates or updates the suite's comment. The body must start with the marker. */
export async function upsertComment(
  octokit: Octokit,
  target: { owner: string; repo: string; issueNumber: number },
  marker: string,
  body: string,
): Promise<CommentResult> {
  const login = await tokenLogin(octokit)
  const existing = await findStickyComment(octokit, target, marker, login)
  if (existing !== undefined) {
    const { data } = await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: existing.id, body })
    return { action: 'updated', id: data.id, url: data.html_url }
  }
  return createSticky(octokit, target, marker, login, body)
}

/** Attempts at creating the comment, and the pause before each retry (as the retry plugin would). */
const CREATE_RETRY_DELAYS_MS = [1000, 4000]

// A 5xx, a timeout or a broken connection may come after GitHub made the comment: the answer, not
// the request, was lost.
function mayHaveBeenMade(error: unknown): boolean {
  const status = httpStatus(error)
  return status === undefined || status >= 500
}

// A create is not idempotent: retried blindly after an answer that was lost, it posts a second
// comment, which then goes stale forever (only the first carries the updates). So the create is sent
// without the client's own retries, and before trying again the marker is looked for: found, the
// first attempt did make the comment.
async function createSticky(
  octokit: Octokit,
  target: { owner: string; repo: string; issueNumber: number },
  marker: string,
  login: string,
  body: string,
): Promise<CommentResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { data } = await octokit.rest.issues.createComment({
        owner: target.owner,
        repo: target.repo,
        issue_number: target.issueNumber,
        body,
        request: { retries: 0 },
      })
      return { action: 'created', id: data.id, url: data.html_url }
    } catch (error) {
      const delay = CREATE_RETRY_DELAYS_MS[attempt]
      if (delay === undefined || !mayHaveBeenMade(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
    const made = await findStickyComment(octokit, target, marker, login)
    if (made !== undefined) return { action: 'created', ...made }
  }
}
