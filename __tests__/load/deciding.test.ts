// The schedule of deciding as you go, as a pure function: one pair per open entry per pass, in suite
// order, until every entry is decided or a pair as long as the last would end past the budget.
import { describe, expect, it } from 'vitest'
import { afterPair, nextDecidingStep, startDeciding, stillOpen, type DecidingState } from '../../src/load/deciding.js'

/** Runs the schedule to its end: `pairsToDecide` says how many pairs each entry needs, every pair takes `pairMs`. */
function run(
  pairsToDecide: Record<string, number>,
  clock: { elapsedMs: number; pairMs: number; budgetMs: number; expectedPairMs?: number },
): { order: string[]; stop: string } {
  const pairs = new Map<string, number>()
  const open = (e: string): boolean => (pairs.get(e) ?? 0) < (pairsToDecide[e] ?? 0)
  let state: DecidingState<string> = startDeciding(Object.keys(pairsToDecide).filter(open), clock)
  let elapsedMs = clock.elapsedMs
  const order: string[] = []
  for (;;) {
    const step = nextDecidingStep(state, clock.budgetMs)
    if (!('pair' in step)) return { order, stop: step.stop }
    order.push(step.pair)
    pairs.set(step.pair, (pairs.get(step.pair) ?? 0) + 1)
    elapsedMs += clock.pairMs
    state = afterPair(state, { open: open(step.pair), pairMs: clock.pairMs, elapsedMs })
  }
}

describe('the deciding-as-you-go schedule', () => {
  it('gives each open entry one pair per pass, in suite order, until all are decided', () => {
    const { order, stop } = run({ a: 3, b: 0, c: 1, d: 2 }, { elapsedMs: 0, pairMs: 10, budgetMs: 1000 })
    expect(order).toEqual(['a', 'c', 'd', 'a', 'd', 'a'])
    expect(stop).toBe('decided')
  })

  it('starts no pair that one as long as the last would push past the budget', () => {
    // 100 ms used; the first pair is started although its length is unknown, then each 30 ms pair
    // starts only while 30 ms more still fits in 200 ms: at 100, 130, 160; not at 190.
    const { order, stop } = run({ a: 10, b: 10 }, { elapsedMs: 100, pairMs: 30, budgetMs: 200 })
    expect(order).toEqual(['a', 'b', 'a'])
    expect(stop).toBe('budget')
  })

  it('with the pair length known in advance, checks the very first pair against the budget too', () => {
    expect(run({ a: 10 }, { elapsedMs: 190, pairMs: 30, budgetMs: 200, expectedPairMs: 30 }).order).toEqual([])
    expect(run({ a: 10 }, { elapsedMs: 190, pairMs: 30, budgetMs: 200 }).order).toEqual(['a'])
  })

  it('stops at once when nothing is open', () => {
    expect(nextDecidingStep(startDeciding([], { elapsedMs: 0 }), 1000)).toEqual({ stop: 'decided' })
  })

  it('keeps an entry open only under the round cap and while the rule has not decided it', () => {
    expect(stillOpen(4, 50, () => false)).toBe(true)
    expect(stillOpen(4, 50, () => true)).toBe(false)
    expect(stillOpen(50, 50, () => false)).toBe(false)
  })
})
