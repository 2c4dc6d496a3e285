// One wording of a change: the log, the annotations and the gate's failure message say what the
// comment's headline says, word for word.
import { describe, expect, it } from 'vitest'
import { compare } from '../../src/compare/compare.js'
import { changeSentence, formatChange, metricChangeSentence } from '../../src/report/change.js'
import { formatFraction } from '../../src/report/numbers.js'
import { headline } from '../../src/report/rows.js'
import { findingSentence } from '../../src/report/violation.js'
import { syntheticResults, type SyntheticEntry } from '../../__fixtures__/results/build.js'
import { metric } from '../../__fixtures__/comparisons/realistic.js'

const steady: SyntheticEntry = {
  scenario: 'list users',
  rps: [10_000, 10_100, 9_950, 10_050, 9_900],
  p50Us: [200, 202, 199, 201, 198],
}

describe('the wording of a change', () => {
  it('is the same in the log (findings) as in the comment’s headline, with the level of the interval that decided', () => {
    // Separate runs with one run of history: only a change beyond the assumed drift decides.
    const slower = { ...steady, rps: steady.rps.map((v) => v * 0.4) }
    const comparison = compare(syntheticResults([steady]), syntheticResults([slower]))
    const [finding] = comparison.findings
    expect(finding?.kind).toBe('regression')
    if (finding === undefined) return
    const logged = findingSentence(finding)
    expect(logged).toMatch(/^list users @ 10 conn: throughput \(req\/s\) -60\.\d % \(98\.\d+ % CI -\d\d\.\d % to -\d\d\.\d %\)$/)
    expect(headline(comparison).sentence).toContain(logged)
  })

  it('words an undecided gross slowdown as probable, with why it was not decided', () => {
    const slower = { ...steady, rps: steady.rps.map((v) => v * 0.655) }
    const comparison = compare(syntheticResults([steady]), syntheticResults([slower]))
    const [finding] = comparison.findings
    expect(finding?.kind).toBe('probable')
    expect(comparison.outcome).toBe('warn')
    if (finding === undefined) return
    expect(findingSentence(finding)).toMatch(
      /^list users @ 10 conn: throughput \(req\/s\) probably 1\.5× slower \(-34\.\d %\), not decided because its 98\.\d+ % CI -\d\d\.\d % to [-+]\d+\.\d % still includes no change: base and head are separate runs, which drift apart by up to ±39 % \(assumed, 1 run of history\)$/,
    )
    expect(headline(comparison).title).toBe('Cannonade: 1 probable slowdown, not decided')
  })

  it('writes relative changes in percent and the error rate in percentage points, signed, zero unsigned', () => {
    const p99 = metric('p99', 8100, 10_052, [0.18, 0.302], 'regression')
    expect(changeSentence(p99)).toBe('+24.1 % (95 % CI +18.0 % to +30.2 %)')
    expect(formatChange(p99)).toBe('+24.1 % (+18.0 … +30.2)')
    const errors = metric('errorRate', 0.001, 0.013, [0.008, 0.016], 'regression')
    expect(metricChangeSentence('a @ 1 conn', errors)).toBe('a @ 1 conn: error rate +1.20 pp (95 % CI +0.80 pp to +1.60 pp)')
    expect(formatChange(metric('rps', 100, 100.01, [-0.0004, 0.0004], 'unchanged'))).toBe('0.0 % (0.0 … 0.0)')
  })
})

describe('the one percent formatter', () => {
  it('shows shares, tolerances and noise with two significant digits below 10 % and whole percents above', () => {
    expect([0, 0.00033, 0.0025, 0.01, 0.024, 0.047, 0.05, 0.15, 0.387, 1].map(formatFraction)).toEqual([
      '0 %',
      '0.033 %',
      '0.25 %',
      '1 %',
      '2.4 %',
      '4.7 %',
      '5 %',
      '15 %',
      '39 %',
      '100 %',
    ])
    expect(formatFraction(Number.NaN)).toBe('n/a')
  })
})
