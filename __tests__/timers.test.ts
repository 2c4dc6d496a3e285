// src/timers.ts: a bounded wait that leaves no timer behind, which kept the CLI running for the rest
// of a second after every run that started an app.
import { describe, expect, it } from 'vitest'
import { within } from '../src/timers.js'

const timeouts = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length

describe('within', () => {
  it('gives what the promise resolves to, and clears its timer when the promise wins', async () => {
    const before = timeouts()
    expect(await within(Promise.resolve('ended'), 60_000)).toBe('ended')
    expect(timeouts()).toBe(before)
  })

  it('gives undefined once the time has passed', async () => {
    const never = new Promise<string>(() => undefined)
    expect(await within(never, 5)).toBeUndefined()
  })
})
