// test-kind: process — a loopback server's 403 read as Octokit reads it; nothing is measured.
//
// A refused call is told apart from a missing permission with the real Octokit error, from a loopback server.
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOctokit } from '../../src/github/octokit.js'
import { describeHttpError, isRateLimited, refusalHint } from '../../src/github/http-error.js'

let server: http.Server
let baseUrl = ''

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const limited = req.url?.includes('limited') === true
    res.writeHead(403, {
      'content-type': 'application/json',
      'x-ratelimit-remaining': limited ? '0' : '4999',
      'x-ratelimit-reset': '1767225600',
    })
    res.end(
      JSON.stringify({ message: limited ? 'API rate limit exceeded for installation ID 1.' : 'Resource not accessible by integration' }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('the server has no port')
  baseUrl = `http://127.0.0.1:${address.port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

async function refusal(path: string): Promise<unknown> {
  try {
    await createOctokit('token', baseUrl).request(`GET ${path}`)
  } catch (error) {
    return error
  }
  throw new Error('expected the call to be refused')
}

describe('a 403 from GitHub', () => {
  it('is said as the rate limit when x-ratelimit-remaining is 0, not as a missing permission', async () => {
    const error = await refusal('/limited')
    expect(isRateLimited(error)).toBe(true)
    expect(describeHttpError(error)).toBe(
      "API rate limit exceeded for installation ID 1. (HTTP 403: GitHub's API rate limit was reached; it resets at 2026-01-01T00:00:00.000Z)",
    )
    expect(refusalHint(error, 'pull-requests: write')).not.toContain('pull-requests: write')
    expect(refusalHint(error, 'pull-requests: write')).toContain('rate limit')
  })

  it('still points at the permission when it is one', async () => {
    const error = await refusal('/forbidden')
    expect(isRateLimited(error)).toBe(false)
    expect(describeHttpError(error)).toMatch(/^Resource not accessible by integration.* \(HTTP 403\)$/)
    expect(refusalHint(error, 'pull-requests: write')).toBe(' The token may lack `pull-requests: write`.')
  })
})
