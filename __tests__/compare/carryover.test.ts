// The same-job pair model under carryover: rounds simulated slot by slot in the order the schedule
// really measures them (src/load/schedule.ts sideOrder), with an app's second round in a row slower
// (the carryover measured by bench/carryover.ts) and a linear drift of the machine along the run,
// then decided after every pair by the sequential rule (src/compare/sequential.ts). Seeded.
import { describe, expect, it } from 'vitest'
import { normalSource } from '../../__fixtures__/random.js'
import { sequentialVerdict } from '../../src/compare/sequential.js'
import { sideOrder } from '../../src/load/schedule.js'
import { cannotRegress, seededRandom } from '../../src/stats/stats.js'

const SIGMA = 0.05 // a round's log-noise: 5 % round CV
const CARRYOVER = 0.3 // an app's second round in a row: ~26 % fewer req/s
const DRIFT = 0.3 // up to ± 30 % over the whole run
const MAX_PAIRS = 50
const TOLERANCE = 0.05
const ALARM_ALPHA = 0.01

type Order = 'alternating' | 'abba'

/** One entry's req/s rounds, [base, head] per pair, simulated in the schedule's order. */
function simulate(order: Order, slowdown: number, next: () => number, uniform: () => number): { base: number[]; head: number[] } {
  const trend = DRIFT * (2 * uniform() - 1)
  const base: number[] = []
  const head: number[] = []
  let previous: number | undefined
  let slot = 0
  for (let pair = 1; pair <= MAX_PAIRS; pair++) {
    // The old schedule reversed every other pair (A B, B A, …); the new one starts after the last side.
    const sides = order === 'alternating' ? sideOrder([0, 1], previous) : pair % 2 === 1 ? [0, 1] : [1, 0]
    for (const side of sides) {
      const carry = side === previous ? CARRYOVER : 0
      const log = Math.log(1000) - (side === 1 ? Math.log(1 + slowdown) : 0) - carry - (trend * slot) / (2 * MAX_PAIRS) + SIGMA * next()
      ;(side === 0 ? base : head).push(Math.exp(log))
      previous = side
      slot++
    }
  }
  return { base, head }
}

/** Decides after every pair from the fifth, as deciding as you go does; returns the verdict and pairs used. */
function decide(rounds: { base: number[]; head: number[] }): { regression: boolean; cleared: boolean; pairs: number } {
  for (let n = 5; n <= MAX_PAIRS; n++) {
    const rule = { relative: true, direction: 'higher-is-better', tolerance: TOLERANCE, alarmAlpha: ALARM_ALPHA } as const
    const { verdict, interval } = sequentialVerdict(rounds.base.slice(0, n), rounds.head.slice(0, n), rule)
    if (verdict === 'regression') return { regression: true, cleared: false, pairs: n }
    if (cannotRegress(interval, rule.direction, TOLERANCE)) return { regression: false, cleared: true, pairs: n }
  }
  return { regression: false, cleared: false, pairs: MAX_PAIRS }
}

function trials(order: Order, slowdown: number, seed: string, count: number): { alarms: number; cleared: number; medianPairs: number } {
  const next = normalSource(seed)
  const uniform = seededRandom(`${seed}:drift`)
  let alarms = 0
  let cleared = 0
  const pairs: number[] = []
  for (let t = 0; t < count; t++) {
    const outcome = decide(simulate(order, slowdown, next, uniform))
    if (outcome.regression) alarms++
    if (outcome.cleared) cleared++
    pairs.push(outcome.pairs)
  }
  pairs.sort((a, b) => a - b)
  return { alarms: alarms / count, cleared: cleared / count, medianPairs: pairs[Math.floor(count / 2)] ?? NaN }
}

describe('same-job pairs with an app slower on its second round in a row', () => {
  it('keeps false alarms of an unchanged head within the alarm level, with drift along the run', () => {
    const { alarms, cleared } = trials('alternating', 0, 'carryover:unchanged', 2000)
    expect(alarms).toBeLessThanOrEqual(ALARM_ALPHA)
    // The carryover never enters a pair, so 5 % round noise clears a 5 % tolerance nearly always.
    expect(cleared).toBeGreaterThan(0.9)
  })

  it('clears an unchanged head in far fewer pairs than A B B A, whose pairs swing by ± the carryover', () => {
    const alternating = trials('alternating', 0, 'carryover:speed', 400)
    const abba = trials('abba', 0, 'carryover:speed', 400)
    expect(abba.alarms).toBeLessThanOrEqual(ALARM_ALPHA)
    expect(alternating.medianPairs * 2).toBeLessThan(abba.medianPairs)
  })

  it('still catches a 20 % slowdown', () => {
    const { alarms } = trials('alternating', 0.2, 'carryover:slow', 400)
    expect(alarms).toBeGreaterThan(0.9)
  })
})
