// REST: the token's user, a pull request, and the sticky comment's list, create and update.
import type { FakeCore } from './core.js'
import { group, type Ctx, type Route } from './http.js'
import type { FakeComment } from './types.js'

/** `GET /user`, outside any repository. */
export function userRoutes(core: FakeCore): Route[] {
  return [{ method: 'GET', pattern: /^\/user$/, fault: 'user', handler: (ctx) => getUser(core, ctx) }]
}

/** The routes under /repos/{owner}/{repo}. */
export function commentRoutes(core: FakeCore): Route[] {
  return [
    { method: 'GET', pattern: /^\/pulls\/(\d+)$/, fault: 'comments', handler: (ctx, m) => getPull(core, ctx, Number(group(m, 1))) },
    {
      method: 'GET',
      pattern: /^\/issues\/(\d+)\/comments$/,
      fault: 'comments',
      handler: (ctx, m) => listComments(core, ctx, Number(group(m, 1))),
    },
    {
      method: 'POST',
      pattern: /^\/issues\/(\d+)\/comments$/,
      fault: 'comments',
      handler: (ctx, m) => createComment(core, ctx, Number(group(m, 1))),
    },
    {
      method: 'PATCH',
      pattern: /^\/issues\/comments\/(\d+)$/,
      fault: 'comments',
      handler: (ctx, m) => updateComment(core, ctx, Number(group(m, 1))),
    },
  ]
}

function getUser(core: FakeCore, ctx: Ctx): void {
  // Installation tokens (what GITHUB_TOKEN is) cannot read /user on github.com.
  if (core.tokenLogin === 'github-actions[bot]') {
    core.json(ctx, 403, {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
      status: '403',
    })
    return
  }
  core.json(ctx, 200, core.userJson(core.tokenLogin))
}

function getPull(core: FakeCore, ctx: Ctx, number: number): void {
  const pull = core.pulls.find((p) => p.number === number)
  if (!pull) {
    core.notFound(ctx)
    return
  }
  const full = `${core.owner}/${core.repo}`
  core.json(ctx, 200, {
    number: pull.number,
    state: 'open',
    head: { sha: pull.headSha, ref: pull.headRef, repo: { full_name: pull.headRepo } },
    base: { sha: '0'.repeat(40), ref: pull.baseRef, repo: { full_name: full } },
  })
}

function listComments(core: FakeCore, ctx: Ctx, issueNumber: number): void {
  const since = ctx.url.searchParams.get('since')
  const sinceMs = since === null ? Number.NEGATIVE_INFINITY : Date.parse(since)
  const selected = core.comments
    .filter((c) => c.issueNumber === issueNumber)
    .filter((c) => Date.parse(c.updatedAt) >= sinceMs)
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id)
  const { items, headers } = core.page(ctx, selected)
  core.json(
    ctx,
    200,
    items.map((c) => core.commentJson(c)),
    headers,
  )
}

function commentBodyOr422(core: FakeCore, ctx: Ctx): string | undefined {
  const body = core.parseJsonBody(ctx)
  if (body === undefined) {
    core.json(ctx, 400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest', status: '400' })
    return undefined
  }
  const text = body['body']
  if (typeof text !== 'string') {
    core.json(ctx, 422, {
      message: 'Invalid request.\n\n"body" wasn\'t supplied.',
      documentation_url: 'https://docs.github.com/rest/issues/comments',
      status: '422',
    })
    return undefined
  }
  return text
}

function createComment(core: FakeCore, ctx: Ctx, issueNumber: number): void {
  const refused = core.faults.commentCreate
  if (refused !== undefined) {
    core.json(ctx, refused, { message: 'injected fault: the comment was not created', status: String(refused) })
    return
  }
  const text = commentBodyOr422(core, ctx)
  if (text === undefined) return
  const now = new Date().toISOString()
  const comment: FakeComment = { id: core.nextId(), issueNumber, body: text, userLogin: core.tokenLogin, createdAt: now, updatedAt: now }
  core.comments.push(comment)
  const lost = core.faults.commentCreateLost
  if (lost !== undefined) {
    core.json(ctx, lost, { message: `injected fault: the comment was created but the answer was lost`, status: String(lost) })
    return
  }
  core.json(ctx, 201, core.commentJson(comment), {
    location: `${core.url}/repos/${core.owner}/${core.repo}/issues/comments/${comment.id}`,
  })
}

function updateComment(core: FakeCore, ctx: Ctx, id: number): void {
  const comment = core.comments.find((c) => c.id === id)
  if (!comment) {
    core.notFound(ctx)
    return
  }
  const text = commentBodyOr422(core, ctx)
  if (text === undefined) return
  comment.body = text
  comment.updatedAt = new Date().toISOString()
  core.json(ctx, 200, core.commentJson(comment))
}
