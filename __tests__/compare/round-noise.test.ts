import { describe, expect, it } from 'vitest'
import { pairedValues } from '../../src/compare/compare.js'
import { pairNoise } from '../../src/compare/round-noise.js'
import type { RoundResult, RoundSeries } from '../../src/results/document.js'
import { syntheticEntry } from '../../__fixtures__/results/build.js'

/** Round `n` of `rps`, valid, whose seconds are `series` (none where undefined). */
function round(n: number, rps: number, series: Partial<RoundSeries> | undefined): RoundResult {
  const r = syntheticEntry({ scenario: 'search', rps: [rps], p50Us: [1000] }).rounds[0]
  if (r === undefined) throw new Error('no round')
  const seconds = series === undefined ? undefined : { rps: [], errors: [], p50Us: [], p99Us: [], ...series }
  return { ...r, round: n, ...(seconds === undefined ? {} : { series: seconds }) }
}

/** Sample variance of the logs over their number: what one round's seconds give. */
function logVarianceOfMean(xs: readonly number[]): number {
  const logs = xs.map(Math.log)
  const mean = logs.reduce((s, x) => s + x, 0) / logs.length
  return logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (logs.length - 1) / logs.length
}

describe('pairNoise (a pair’s noise from its rounds’ seconds)', () => {
  const baseSeconds = [1000, 1100, 900, 1050, 950]
  const headSeconds = [800, 1200, 1000, 1000, 1000]

  it('adds the two rounds’ variances of the mean of their seconds, on the log scale', () => {
    const noise = pairNoise(round(1, 1000, { rps: baseSeconds }), round(1, 1000, { rps: headSeconds }), 'rps')
    expect(noise).toBeCloseTo(Math.sqrt(logVarianceOfMean(baseSeconds) + logVarianceOfMean(headSeconds)), 12)
    // Latency percentiles from their own seconds; CPU per request from the app's CPU over the responses.
    const p50 = pairNoise(round(1, 1000, { p50Us: baseSeconds }), round(1, 1000, { p50Us: headSeconds }), 'p50')
    expect(p50).toBeCloseTo(noise ?? NaN, 12)
    const cpu = pairNoise(
      round(1, 1000, { rps: baseSeconds, cpuPercent: [50, 50, 50, 50, 50] }),
      round(1, 1000, { rps: headSeconds, cpuPercent: [50, 50, 50, 50, 50] }),
      'cpu',
    )
    expect(cpu).toBeCloseTo(noise ?? NaN, 12)
  })

  it('takes a round of two whole seconds, the default 2.5 s round’s', () => {
    const full = round(1, 1000, { rps: baseSeconds })
    const two = [1000, 1100]
    expect(pairNoise(round(1, 1000, { rps: two }), full, 'rps')).toBeCloseTo(
      Math.sqrt(logVarianceOfMean(two) + logVarianceOfMean(baseSeconds)),
      12,
    )
  })

  it('says nothing where the seconds cannot say it', () => {
    const full = round(1, 1000, { rps: baseSeconds, cpuPercent: [50, 50, 50, 50, 50] })
    // No seconds recorded (files written before them); too few to give a variance; a second without responses.
    expect(pairNoise(round(1, 1000, undefined), full, 'rps')).toBeUndefined()
    expect(pairNoise(round(1, 1000, { rps: [1100] }), full, 'rps')).toBeUndefined()
    expect(pairNoise(round(1, 1000, { rps: [1000, 0, 900] }), full, 'rps')).toBeUndefined()
    // The app mostly idle: whole per cent of a core is too coarse for CPU per request.
    expect(pairNoise(round(1, 1000, { rps: baseSeconds, cpuPercent: [50, 50, 9, 50, 50] }), full, 'cpu')).toBeUndefined()
    // A spike's seconds vary by design (the burst), not by noise.
    const spike = { beforeP99Us: 1000, burstP99Us: 9000, burstErrorRate: 0, recoveryMs: 500, recovered: true }
    expect(pairNoise({ ...full, spike }, full, 'rps')).toBeUndefined()
    // Metrics without seconds of their own.
    expect(pairNoise(full, full, 'p90')).toBeUndefined()
    expect(pairNoise(full, full, 'errorRate')).toBeUndefined()
  })

  it('goes with the paired values only where every pair has one', () => {
    const base = [0, 1, 2].map((i) => round(i + 1, 1000, { rps: baseSeconds }))
    const head = [0, 1, 2].map((i) => round(i + 1, 1000, { rps: headSeconds }))
    expect(pairedValues(base, head, 'rps')?.noise).toHaveLength(3)
    const oneWithout = [...head.slice(0, 2), round(3, 1000, undefined)]
    expect(pairedValues(base, oneWithout, 'rps')).not.toHaveProperty('noise')
  })
})
