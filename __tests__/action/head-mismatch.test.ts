import { describe, expect, it } from 'vitest'
import { headMismatch } from '../../src/action/comment-mode.js'

const measured = 'abcdef0123456789abcdef0123456789abcdef01'
const source = { repo: 'someone/app', branch: 'feature-12' }
const at = { runId: 501, pullRequest: 12, prHead: measured, handoffHead: measured, measured, prSource: source, runSource: source }

describe('the head check of mode: comment', () => {
  it('accepts the measured commit however its hex is spelt', () => {
    expect(headMismatch({ ...at, handoffHead: measured.toUpperCase() })).toBeUndefined()
    expect(headMismatch({ ...at, prHead: measured.toUpperCase() })).toBeUndefined()
  })

  it('names the commit that differs and the one measured, never the same one twice', () => {
    const other = '0'.repeat(40)
    expect(headMismatch({ ...at, prHead: other })).toBe(
      'the artifact of run 501 names pull request #12, whose head 000000000000 is not the commit that run measured (abcdef012345); not commenting',
    )
    expect(headMismatch({ ...at, handoffHead: other })).toBe(
      'the artifact of run 501 says it measured 000000000000 for pull request #12, which is not the commit that run measured (abcdef012345); not commenting',
    )
  })

  it('refuses another pull request with the same head commit, from another branch or repository', () => {
    expect(headMismatch({ ...at, prSource: { repo: 'mallory/app', branch: 'feature-12' } })).toBe(
      'the artifact of run 501 names pull request #12, whose head is mallory/app:feature-12, but that run measured someone/app:feature-12; not commenting',
    )
    expect(headMismatch({ ...at, prSource: { repo: 'someone/app', branch: 'copy' } })).toMatch(/whose head is someone\/app:copy/)
    expect(headMismatch({ ...at, prSource: { repo: undefined, branch: 'feature-12' } })).toMatch(/\(a deleted repository\)/)
    expect(headMismatch({ ...at, prSource: { repo: 'SomeOne/App', branch: 'feature-12' } })).toBeUndefined()
  })

  it('refuses when the event does not say what the run measured', () => {
    expect(headMismatch({ ...at, runSource: { repo: undefined, branch: 'feature-12' } })).toMatch(/cannot be checked; not commenting$/)
  })
})
