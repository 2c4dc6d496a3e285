// Words a new user read wrong (issue 20): a one-round run's noise of "0 %", a spike that took "3.0 s
// until p99 was back" and "never recovered", and a stress curve whose higher load "held 1/1" beside a
// lower one's "1/3".
import { describe, expect, it } from 'vitest'
import { syntheticResults } from '../../__fixtures__/results/build.js'
import { compare } from '../../src/compare/compare.js'
import { profileRows } from '../../src/report/profile.js'
import { curveTable } from '../../src/report/stress.js'
import { renderText } from '../../src/report/text.js'
import type { StressCurvePoint, StressSummary } from '../../src/results/document.js'

describe('the footer of a one-round run', () => {
  it('says the noise cannot be estimated, instead of 0 %', () => {
    const one = (sha: string, rps: number) => syntheticResults([{ scenario: 'home', rps: [rps], p50Us: [1000] }], { sha })
    const text = renderText(compare(one('base111', 1000), one('head222', 990)))
    expect(text).toContain('noise: not estimated (one round per entry; it takes two or more)')
    expect(text).not.toMatch(/CV of req\/s 0/)
    const three = (sha: string) => syntheticResults([{ scenario: 'home', rps: [1000, 1100, 900], p50Us: [1000, 1000, 1000] }], { sha })
    expect(renderText(compare(three('base111'), three('head222')))).toMatch(/noise: median round-to-round CV of req\/s [1-9]/)
  })
})

describe('a spike that never recovered', () => {
  const row = (unrecovered: number): string | undefined =>
    profileRows([
      {
        scenario: 'checkout',
        load: '100 req/s',
        findings: { kind: 'spike', recoveryMs: 3000, burstP99Us: 90_000, burstErrorRate: 0, beforeP99Us: 2100, unrecovered },
        violations: [],
      },
    ]).find((r) => r.finding === 'spike recovery')?.value

  it('reads as a lower bound, not as a time until p99 was back', () => {
    expect(row(1)).toBe('p99 not back near 2.100 ms by the end of the window in 1 round(s): recovery ≥ 3.0 s')
    expect(row(0)).toBe('3.0 s until p99 was back near 2.100 ms')
  })
})

describe('the stress curve', () => {
  const point = (load: number, held: number, rounds: number): StressCurvePoint => ({
    load,
    held,
    rounds,
    rps: load,
    p50Us: 2000,
    p99Us: 9000,
    errorRate: 0,
    ...(held < rounds ? { broke: ['p99' as const] } : {}),
  })
  const summary = (curve: StressCurvePoint[]): StressSummary => ({
    loop: 'rate',
    capacity: 1600,
    low: 1500,
    high: 1903,
    coverage: 0.75,
    rounds: 3,
    reachedMax: 0,
    curve,
  })

  it('says of how many rounds that tried a load it held, and why a higher load has fewer', () => {
    const table = curveTable(summary([point(800, 3, 3), point(1600, 1, 3), point(1903, 1, 1)]))
    expect(table).toMatch(/\| +1,600 req\/s \| +1 of 3 rounds \|/)
    expect(table).toMatch(/\| +1,903 req\/s \| +1 of 1 round \|/)
    expect(table).toContain('"held in" counts only the rounds whose search tried that load')
    // Every load tried by every round: nothing to explain.
    expect(curveTable(summary([point(800, 3, 3), point(1600, 2, 3)]))).not.toContain('counts only')
  })
})
