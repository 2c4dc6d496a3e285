// The clock of a round (src/load/window.ts), shared by the single-thread round and the thread that
// coordinates load threads: warm-up, window, end, abort, or another thread's word. Fake timers: the
// order of the edges is what is tested, not their timing.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RoundWindow, type WindowTiming } from '../../src/load/window.js'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A window whose events are written to `log`. */
function logged(timing: WindowTiming): { window: RoundWindow; log: string[] } {
  const log: string[] = []
  const window = new RoundWindow(timing, {
    open: () => log.push('open'),
    opened: () => log.push('opened'),
    close: () => log.push('close'),
    end: () => log.push('end'),
  })
  return { window, log }
}

describe('the window of a round', () => {
  it('opens after the warm-up, closes after the duration and ends the round once', async () => {
    const { window, log } = logged({ warmupMs: 100, durationMs: 300 })
    window.start()
    await vi.advanceTimersByTimeAsync(99)
    expect(log).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(log).toEqual(['open', 'opened'])
    expect(window.measuring).toBe(true)
    await vi.advanceTimersByTimeAsync(300)
    expect(log).toEqual(['open', 'opened', 'close', 'end'])
    window.end()
    window.settle()
    expect(log).toEqual(['open', 'opened', 'close', 'end'])
    expect(window.durationMs).toBe(300)
  })

  it('opens at once without a warm-up, and stays open without a duration until ended (a request count)', async () => {
    const { window, log } = logged({ warmupMs: 0 })
    window.start()
    expect(log).toEqual(['open', 'opened'])
    await vi.advanceTimersByTimeAsync(10_000)
    expect(window.measuring).toBe(true)
    window.end()
    expect(log).toEqual(['open', 'opened', 'close', 'end'])
    window.settle()
  })

  it('ends the round early when the abort check says so, in the warm-up without opening', async () => {
    let dead = false
    const { window, log } = logged({ warmupMs: 1000, durationMs: 1000, shouldAbort: () => dead })
    window.start()
    await vi.advanceTimersByTimeAsync(250)
    dead = true
    await vi.advanceTimersByTimeAsync(100)
    expect(log).toEqual(['end'])
    await vi.advanceTimersByTimeAsync(5000)
    expect(log).toEqual(['end'])
    expect(window.durationMs).toBe(0)
    window.settle()
  })

  it("opens and closes on another thread's word, with no timers of its own", async () => {
    let begin = (): void => {}
    let finish = (): void => {}
    const control = { begin: new Promise<void>((r) => (begin = r)), finish: new Promise<void>((r) => (finish = r)) }
    const { window, log } = logged({ warmupMs: 50, durationMs: 50, control })
    window.start()
    await vi.advanceTimersByTimeAsync(1000)
    expect(log).toEqual([])
    begin()
    await vi.advanceTimersByTimeAsync(0)
    expect(log).toEqual(['open', 'opened'])
    finish()
    await vi.advanceTimersByTimeAsync(0)
    expect(log).toEqual(['open', 'opened', 'close', 'end'])
    window.settle()
  })

  it('closes the window, without ending the round, when the load stopped by itself; nothing opens after', async () => {
    const { window, log } = logged({ warmupMs: 0, durationMs: 1000 })
    window.start()
    window.settle()
    expect(log).toEqual(['open', 'opened', 'close'])
    expect(window.over).toBe(true)
    await vi.advanceTimersByTimeAsync(5000)
    expect(log).toEqual(['open', 'opened', 'close'])
  })
})
