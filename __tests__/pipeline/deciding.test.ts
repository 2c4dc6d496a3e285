// Deciding as you go uses the same split of the suite's bound as the final comparison: each entry's
// primary metric (closed loop: throughput; open loop: p50) spends 2/3 of the entry's share.
import { describe, expect, it } from 'vitest'
import { parsePlan } from '../../src/config/load.js'
import { decideAsYouGo } from '../../src/pipeline/deciding.js'
import { entriesOf } from '../../src/load/schedule.js'
import type { RoundResult } from '../../src/results/document.js'
import { syntheticResults, type SyntheticEntry } from '../../__fixtures__/results/build.js'

const rounds = (e: SyntheticEntry): RoundResult[] => [...(syntheticResults([e]).entries[0]?.rounds ?? [])]

// 8 pairs, head about 17 % lower in throughput, latency as before: at 2/3 of a one-entry suite's
// 1 % the throughput's confidence sequence excludes no change; at 1/6 it cannot.
const base: SyntheticEntry = {
  scenario: 'a',
  rps: Array.from({ length: 8 }, (_, i) => 10_000 + (i % 3) * 100),
  p50Us: Array.from({ length: 8 }, () => 200),
}
const head: SyntheticEntry = { ...base, rps: [9130, 7629, 8974, 7387, 9137, 8720, 7719, 8299] }

describe('deciding as you go', () => {
  it('stops a closed-loop entry on its throughput, the primary metric', () => {
    const plan = parsePlan('baseUrl: http://127.0.0.1:1\nscenarios: [{ name: a, path: / }]\n', 'c.yml', '/')
    const [entry] = entriesOf(plan)
    if (entry === undefined) throw new Error('no entry')
    expect(decideAsYouGo(plan).decided(entry, [rounds(base), rounds(head)])).toBe(true)
  })

  it('keeps an open-loop entry measuring: its throughput is the offered rate and spends only 1/6', () => {
    const plan = parsePlan('baseUrl: http://127.0.0.1:1\nscenarios: [{ name: a, path: /, rate: 100 }]\n', 'c.yml', '/')
    const [entry] = entriesOf(plan)
    if (entry === undefined) throw new Error('no entry')
    expect(decideAsYouGo(plan).decided(entry, [rounds(base), rounds(head)])).toBe(false)
  })
})
