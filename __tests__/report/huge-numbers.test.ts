// A value of 1e300 (a hostile results file, a limit meant as "none") printed 300 digits into the
// table, the comment and the log. Whole numbers too large to read are shown in exponent form.
import { describe, expect, it } from 'vitest'
import { formatFraction, formatMetric, grouped } from '../../src/report/numbers.js'

describe('numbers too large to read', () => {
  it('are shown in exponent form in every unit', () => {
    for (const metric of ['rps', 'capacity', 'p99', 'errorRate', 'cpu', 'rss', 'leak', 'drift'] as const) {
      const shown = formatMetric(metric, 1e300)
      expect(shown.length, `${metric}: ${shown}`).toBeLessThan(30)
    }
    expect(formatMetric('rps', 1e300)).toBe('1.00e+300 req/s')
    expect(formatFraction(1e300)).toBe('1.00e+302 %')
  })

  it('keep their digits while they can be read', () => {
    expect(grouped(12_345.4)).toBe('12,345')
    expect(formatMetric('rps', 999_999_999_999)).toBe('999,999,999,999 req/s')
  })
})
