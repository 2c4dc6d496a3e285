// report.html's latency-by-percentile chart reads its ~100 points from a plain copy of the decoded
// histogram instead of the packed decode (one pass instead of one slow walk per point): the curve must
// be the one the packed histogram gives, and a curve no recorder of ours could have written is left out.
import * as hdr from 'hdr-histogram-js'
import { describe, expect, it } from 'vitest'
import { recordedResults } from '../../__fixtures__/recorded/recorded.js'
import { percentileChart } from '../../src/report/html/charts.js'
import { MAX_LATENCY_US } from '../../src/results/histogram.js'

/** The curve as read point by point from the packed decode, as the chart read it before. */
function packedCurve(encoded: string, x: readonly number[]): Array<number | null> {
  const packed = hdr.decodeFromCompressedBase64(encoded, 'packed', false)
  try {
    return x.map((v) => (v > packed.totalCount * 1.0001 ? null : packed.getValueAtPercentile(100 * (1 - 1 / v)) / 1000))
  } finally {
    packed.destroy()
  }
}

describe('the latency-by-percentile chart of report.html', () => {
  it('draws the curve the packed histogram gives, point for point, for each side', () => {
    const head = recordedResults('slowCpu').entries
    const base = recordedResults('push').entries
    expect(head.length).toBeGreaterThan(0)
    for (const [i, entry] of head.entries()) {
      const baseHistogram = base[i]?.histogram ?? ''
      const chart = percentileChart(`c${i}`, [
        { label: 'base', role: 'base', histogram: baseHistogram },
        { label: 'head', role: 'head', histogram: entry.histogram },
      ])
      const x = chart?.x.values ?? []
      expect(x.length).toBeGreaterThan(10)
      expect(chart?.series.map((s) => s.values)).toEqual([packedCurve(baseHistogram, x), packedCurve(entry.histogram, x)])
      expect(chart?.caption).not.toContain('could not be read')
    }
  })

  it('still draws a curve recorded with a wider range than ours, and leaves out, naming it, one that cannot be decoded', () => {
    const wide = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 100 * MAX_LATENCY_US, numberOfSignificantValueDigits: 3 })
    wide.recordValue(2 * MAX_LATENCY_US)
    const encoded = hdr.encodeIntoCompressedBase64(wide)
    wide.destroy()
    const chart = percentileChart('w', [
      { label: 'base', role: 'base', histogram: 'not a histogram' },
      { label: 'head', role: 'head', histogram: encoded },
    ])
    expect(chart?.series.map((s) => s.label)).toEqual(['head'])
    // Two minutes, within the histogram's 0.1 % precision.
    expect(chart?.series[0]?.values[0]).toBeCloseTo((2 * MAX_LATENCY_US) / 1000, -3)
    expect(chart?.caption).toContain('The base histogram in its results file could not be read')
  })
})
