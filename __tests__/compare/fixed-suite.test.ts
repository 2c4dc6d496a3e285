// The fixed schedule (5 rounds a side, not paired, no history): the chance that an unchanged
// 10-entry suite fails must stay within the suite's 1 % bound at the noise of a busy runner.
import { describe, expect, it } from 'vitest'
import { normalSource } from '../../__fixtures__/random.js'
import { fixedVerdict } from '../../src/compare/compare.js'
import { errorBudget } from '../../src/compare/family.js'
import { bootstrapRatio, classify, type Direction } from '../../src/stats/stats.js'

const METRICS: readonly { name: string; direction: Direction; tolerance: number; sign: 1 | -1; own: number }[] = [
  { name: 'rps', direction: 'higher-is-better', tolerance: 0.05, sign: -1, own: 0.3 },
  { name: 'p50', direction: 'lower-is-better', tolerance: 0.1, sign: 1, own: 0.3 },
  { name: 'p99', direction: 'lower-is-better', tolerance: 0.15, sign: 1, own: 1 },
]

/**
 * Unchanged 10-entry suites, 5 rounds a side at `cv` round CV: a machine factor shared by the
 * metrics of a round plus noise of each metric's own. Counts suites in which any gated metric was a
 * regression under the product's rule and under the bootstrap-only rule it replaced.
 */
function unchangedSuites(seed: string, suites: number, cv: number): { product: number; bootstrapOnly: number } {
  const next = normalSource(seed)
  const alpha = errorBudget(10 * METRICS.length).perTest
  const round = (): number[] => {
    const shared = cv * next()
    return METRICS.map((m) => 1000 * Math.exp(m.sign * shared + m.own * cv * next()))
  }
  let product = 0
  let bootstrapOnly = 0
  for (let s = 0; s < suites; s++) {
    let failed = false
    let failedBefore = false
    for (let e = 0; e < 10; e++) {
      const base = Array.from({ length: 5 }, round)
      const head = Array.from({ length: 5 }, round)
      METRICS.forEach((m, i) => {
        const b = base.map((r) => r[i] ?? NaN)
        const h = head.map((r) => r[i] ?? NaN)
        const seed = `${s}:${e}:${m.name}`
        const rule = { seed, direction: m.direction, tolerance: m.tolerance, alarmAlpha: alpha, relative: true, resamples: 200 }
        if (fixedVerdict(b, h, rule).verdict === 'regression') failed = true
        const strict = bootstrapRatio(b, h, { seed, resamples: 200, confidence: 1 - 2 * alpha })
        if (classify(strict, m.direction, m.tolerance) === 'regression') failedBefore = true
      })
    }
    if (failed) product++
    if (failedBefore) bootstrapOnly++
  }
  return { product, bootstrapOnly }
}

describe('fixed 5-round comparisons without history (seeded simulation)', () => {
  it.each([0.05, 0.15])('keeps unchanged 10-entry suites within the 1 percent bound at %s round CV', (cv) => {
    const { product, bootstrapOnly } = unchangedSuites(`fixed-${cv}`, 200, cv)
    // The rule it replaced, a bootstrap interval at the suite-split level, fails several times as many.
    expect(bootstrapOnly).toBeGreaterThan(4)
    expect(product).toBeLessThanOrEqual(2)
  })
})
