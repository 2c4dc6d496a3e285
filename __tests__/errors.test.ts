import { describe, expect, it } from 'vitest'
import { AppError, EnvironmentError, EXIT, exitCodeOf, failureText, InputError } from '../src/errors.js'

describe('exit codes', () => {
  it('keeps 1 for a failed gate only: input 2, app 3, anything else is an internal error, 4', () => {
    expect(exitCodeOf(new InputError(['c.yml:1:1: x: bad']))).toBe(EXIT.badInput)
    expect(exitCodeOf(new AppError('the app exited'))).toBe(EXIT.appFailed)
    expect(exitCodeOf(new TypeError('instance.stop is not a function'))).toBe(4)
    expect(exitCodeOf('thrown string')).toBe(4)
    expect(new Set(Object.values(EXIT)).size).toBe(Object.values(EXIT).length)
  })

  it('says an internal error is a bug, with where it happened; input and app errors speak for themselves', () => {
    const text = failureText(new TypeError('instance.stop is not a function'))
    expect(text).toMatch(
      /^internal error \(a bug in Cannonade, not in your config or app; please report it\): instance\.stop is not a function\n\s+at /,
    )
    expect(failureText(new InputError(['c.yml:1:1: x: bad']))).toBe('c.yml:1:1: x: bad')
    expect(failureText(new AppError('the app exited'))).toBe('the app exited')
  })
})

describe('errors of the surroundings', () => {
  it('are not called bugs: a refused runner file, an untrusted artifact, an HTTP error from GitHub', () => {
    const missing = new EnvironmentError('Cannonade could not write its step outputs to GITHUB_OUTPUT (/x/output)')
    expect(failureText(missing)).toBe('Cannonade could not write its step outputs to GITHUB_OUTPUT (/x/output)')
    expect(exitCodeOf(missing)).toBe(EXIT.appFailed)
    const http = Object.assign(new Error('Not Found'), { status: 404 })
    expect(failureText(http)).toBe('GitHub answered HTTP 404: Not Found')
    expect(exitCodeOf(http)).toBe(EXIT.appFailed)
  })
})
