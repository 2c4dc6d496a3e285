// The rule for separately measured runs against a history of many runs, by seeded simulation: the
// second half of run-to-run.test.ts's "separate runs" cases (same describe), in a file of its own so
// that the two halves of the simulation run on two workers.
import { describe, expect, it } from 'vitest'
import { rate, simulateSeparateRuns } from '../../__fixtures__/separate-runs.js'

describe('separate runs: false alarms and the targets (seeded simulation, one machine factor per run)', () => {
  const unchanged = { entries: 10, drift: 0.15, roundCv: 0.05, rounds: 5, slowdown: 1 }

  it('a history of 30 steady runs and one 50× outlier run still fails a 20× regression, and passes an unchanged head', () => {
    const poisoned = { ...unchanged, entries: 1, historyRuns: 30, drift: 0.05, outlierFactor: 50 }
    expect(rate(simulateSeparateRuns({ ...poisoned, seed: 'poisoned-20x', slowdown: 20 }, 200), (o) => o.failed)).toBe(1)
    expect(rate(simulateSeparateRuns({ ...poisoned, seed: 'poisoned-1x', slowdown: 1 }, 300), (o) => o.failed)).toBeLessThanOrEqual(0.01)
  })

  // "A spread of ±10 %": two runs differ by up to ±10 % at two standard deviations.
  const tenPercent = Math.log(1.1) / 2 / Math.SQRT2
  const ten = { ...unchanged, entries: 1, historyRuns: 9, drift: tenPercent }

  it('ten runs of history drifting ±10 %: a +25 % slowdown fails in at least 80 % (the head against the pooled level)', () => {
    // Against the last run, with the combined interval, 50.5 % of 1,000 (bench/separate-runs.ts).
    expect(rate(simulateSeparateRuns({ ...ten, seed: 'ten-25', slowdown: 1.25 }, 300), (o) => o.failed)).toBeGreaterThanOrEqual(0.8)
    const suites = simulateSeparateRuns({ ...ten, seed: 'ten-1x', entries: 10, slowdown: 1 }, 300)
    expect(rate(suites, (o) => o.failed)).toBeLessThanOrEqual(0.02)
    expect(rate(suites, (o) => o.improved)).toBeLessThanOrEqual(0.02)
  })

  it.each([
    ['a level that wanders as much as it drifts (random walk)', { wander: tenPercent }],
    ['a level that wanders four times as much', { wander: 4 * tenPercent }],
    ['a merged +15 % three runs back', { step: 1.15, stepRuns: 3 }],
    ['a merged −15 % two runs back', { step: 1 / 1.15, stepRuns: 2 }],
    ['a merged +25 % at the baseline run', { step: 1.25, stepRuns: 0 }],
  ])(
    'ten runs of history with %s: an unchanged 10-entry suite fails or claims an improvement in at most 1 % (+ sampling)',
    (name, history) => {
      const suites = simulateSeparateRuns({ ...ten, ...history, seed: `ten-${name}`, entries: 10, slowdown: 1 }, 300)
      expect(rate(suites, (o) => o.failed)).toBeLessThanOrEqual(0.02)
      expect(rate(suites, (o) => o.improved)).toBeLessThanOrEqual(0.02)
    },
  )

  it('ten runs of history with a merged +10 % exactly at the baseline run, in every entry at once: the one case the pooled level lets above 1 % (README), held within 4 %', () => {
    // Neither von Neumann's test nor the newest run's departure sees a step of about two σ at the
    // last run reliably; the pooled level then lags it by 90 %. 1.9 % of 1,000 (bench/separate-runs.ts; 2.4 % before the last-run check).
    const suites = simulateSeparateRuns({ ...ten, step: 1.1, stepRuns: 0, seed: 'ten-step-at-baseline', entries: 10, slowdown: 1 }, 300)
    expect(rate(suites, (o) => o.failed)).toBeLessThanOrEqual(0.04)
  })

  it('a history alternating ±10× (hostile) still fails a 20× regression', () => {
    const hostile = { ...unchanged, entries: 1, historyRuns: 30, drift: 0.05, alternate: 10, slowdown: 20 }
    expect(rate(simulateSeparateRuns({ ...hostile, seed: 'alternating' }, 200), (o) => o.failed)).toBe(1)
  })
})
