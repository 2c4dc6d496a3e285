import { describe, expect, it } from 'vitest'
import { normalSource } from '../../__fixtures__/random.js'
import { errorBudget, gatedCount } from '../../src/compare/family.js'
import { cannotRegress, seededRandom } from '../../src/stats/stats.js'
import {
  FINAL_LOOK_SHARE,
  FLOOR_SHARE,
  meanSequence,
  pairedFixedInterval,
  pairedSequence,
  resolvableChange,
  sequentialVerdict,
} from '../../src/compare/sequential.js'

const gaussians = normalSource

// Student's t quantile by Hill's (1970) expansion around the normal one; within 1 % for ν ≥ 4,
// which is all the naive rule below needs.
function tQuantile(z: number, nu: number): number {
  const z3 = z ** 3
  const z5 = z ** 5
  return z + (z3 + z) / (4 * nu) + (5 * z5 + 16 * z3 + 3 * z) / (96 * nu ** 2)
}
const Z_975 = 1.959963984540054

/** The naive rule: a fixed-sample 95 % t-interval for the mean, re-computed after every pair. */
function naiveInterval(ys: readonly number[]): { low: number; high: number } {
  const n = ys.length
  const mean = ys.reduce((s, y) => s + y, 0) / n
  const sd = Math.sqrt(ys.reduce((s, y) => s + (y - mean) ** 2, 0) / (n - 1))
  const half = (tQuantile(Z_975, n - 1) * sd) / Math.sqrt(n)
  return { low: mean - half, high: mean + half }
}

describe('meanSequence (anytime-valid t confidence sequence)', () => {
  it('covers the true mean at every look at once, where a fixed-sample interval re-applied does not', () => {
    const next = gaussians('coverage')
    const trials = 2000
    const sigma = 0.07 // the log-ratio of a pair of rounds at 5 % round CV
    let sequenceMissed = 0
    let naiveMissed = 0
    for (let t = 0; t < trials; t++) {
      const ys: number[] = []
      let seqMiss = false
      let naiveMiss = false
      for (let n = 1; n <= 50; n++) {
        ys.push(sigma * next())
        const cs = meanSequence(ys, 0.05)
        if (cs.low > 0 || cs.high < 0) seqMiss = true
        if (n >= 5) {
          const naive = naiveInterval(ys)
          if (naive.low > 0 || naive.high < 0) naiveMiss = true
        }
      }
      if (seqMiss) sequenceMissed++
      if (naiveMiss) naiveMissed++
    }
    // The bound is 5 % over all 50 looks; the naive rule spends 5 % at each look.
    expect(sequenceMissed / trials).toBeLessThanOrEqual(0.05)
    expect(naiveMissed / trials).toBeGreaterThan(0.15)
  })

  it('is the whole line until the pairs can bound an unknown variance, then narrows like 1/√n', () => {
    expect(meanSequence([0.01], 0.05)).toMatchObject({ low: -Infinity, high: Infinity })
    expect(meanSequence([0.01, 0.02], 0.001)).toMatchObject({ low: -Infinity, high: Infinity })
    const next = gaussians('narrow')
    const ys = Array.from({ length: 400 }, () => 0.05 + 0.05 * next())
    const at = (n: number): number => {
      const cs = meanSequence(ys.slice(0, n), 0.05)
      return cs.high - cs.low
    }
    expect(at(100) / at(400)).toBeGreaterThan(1.6)
    expect(at(100) / at(400)).toBeLessThan(2.4)
  })

  it('is the point of equal observations once enough are in, and rejects a bad level', () => {
    expect(meanSequence([0, 0, 0, 0, 0, 0], 0.05)).toEqual({ estimate: 0, low: 0, high: 0 })
    expect(() => meanSequence([1, 2], 0)).toThrow(RangeError)
    expect(() => meanSequence([1, 2], 1)).toThrow(RangeError)
  })
})

describe('pairedSequence and sequentialVerdict', () => {
  it('reads pairs as log-ratios and answers in ratios; a zero round cannot say anything', () => {
    const base = [100, 100, 100, 100, 100, 100, 100, 100]
    const head = [110, 111, 109, 110, 110, 111, 109, 110]
    const cs = pairedSequence(base, head, { alpha: 0.05, relative: true })
    expect(cs.estimate).toBeCloseTo(1.1, 2)
    expect(cs.low).toBeGreaterThan(1.08)
    expect(cs.high).toBeLessThan(1.12)
    expect(resolvableChange(cs, true)).toBeLessThan(0.02)
    const broken = pairedSequence([100, 0, 100], [100, 100, 100], { alpha: 0.05, relative: true })
    expect(broken.high).toBe(Infinity)
    expect(resolvableChange(broken, true)).toBe(Infinity)
    expect(() => pairedSequence([1], [1, 2], { alpha: 0.05, relative: true })).toThrow(RangeError)
  })

  it('the stopping rule keeps false regressions within alpha while looking after every pair; the naive rule does not', () => {
    // Worst case for false alarms: tolerance 0, so any interval above no change is a regression.
    const next = gaussians('stopping')
    const trials = 2000
    let sequential = 0
    let naive = 0
    for (let t = 0; t < trials; t++) {
      const base: number[] = []
      const head: number[] = []
      let seqAlarm = false
      let naiveAlarm = false
      for (let n = 1; n <= 50 && !(seqAlarm && naiveAlarm); n++) {
        base.push(1000 * Math.exp(0.05 * next()))
        head.push(1000 * Math.exp(0.05 * next()))
        const rule = { relative: true, direction: 'lower-is-better', tolerance: 0, alarmAlpha: 0.05, missAlpha: 0.05 } as const
        if (sequentialVerdict(base, head, rule).verdict === 'regression') seqAlarm = true
        if (n >= 5) {
          const ys = head.map((h, i) => Math.log(h / (base[i] ?? NaN)))
          const interval = naiveInterval(ys)
          if (interval.low > 0) naiveAlarm = true
        }
      }
      if (seqAlarm) sequential++
      if (naiveAlarm) naive++
    }
    expect(sequential / trials).toBeLessThanOrEqual(0.05)
    // One-sided 2.5 % per look, 46 looks: far beyond the 5 % it claims.
    expect(naive / trials).toBeGreaterThan(0.08)
  })

  it('catches a +10 % slowdown at 5 % round CV in most trials within 30 pairs, at a one-entry suite budget', () => {
    const next = gaussians('power')
    const trials = 400
    const alarmAlpha = errorBudget(3).perTest
    let caught = 0
    for (let t = 0; t < trials; t++) {
      const base: number[] = []
      const head: number[] = []
      for (let n = 1; n <= 30; n++) {
        base.push(1000 * Math.exp(0.05 * next()))
        head.push(1100 * Math.exp(0.05 * next()))
        if (n < 5) continue
        const { verdict } = sequentialVerdict(base, head, { relative: true, direction: 'lower-is-better', tolerance: 0.05, alarmAlpha })
        if (verdict !== 'inconclusive') {
          if (verdict === 'regression') caught++
          break
        }
      }
    }
    expect(caught / trials).toBeGreaterThan(0.9)
  })

  it('calls an unchanged metric unchanged once the worst end is within the tolerance', () => {
    const next = gaussians('unchanged')
    const base = Array.from({ length: 40 }, () => 1000 * Math.exp(0.02 * next()))
    const head = Array.from({ length: 40 }, () => 1000 * Math.exp(0.02 * next()))
    const rule = { relative: true, direction: 'higher-is-better', tolerance: 0.05, alarmAlpha: 0.001 } as const
    expect(sequentialVerdict(base.slice(0, 3), head.slice(0, 3), rule).verdict).toBe('inconclusive')
    expect(sequentialVerdict(base, head, rule).verdict).toBe('unchanged')
  })
})

describe('the final look (sequentialVerdict with final)', () => {
  it('keeps the false-alarm bound with the sequence looked at after every pair and one t-interval at the end', () => {
    // Worst case again: tolerance 0. A run that ends at its budget after 15 pairs.
    const next = gaussians('final-look')
    const trials = 4000
    const rule = { relative: true, direction: 'lower-is-better', tolerance: 0, alarmAlpha: 0.05, missAlpha: 0.05 } as const
    let alarms = 0
    let finalAlarms = 0
    for (let t = 0; t < trials; t++) {
      const base: number[] = []
      const head: number[] = []
      let alarm = false
      for (let n = 1; n <= 15 && !alarm; n++) {
        base.push(1000 * Math.exp(0.05 * next()))
        head.push(1000 * Math.exp(0.05 * next()))
        const verdict = sequentialVerdict(base, head, { ...rule, final: n === 15 })
        if (verdict.verdict === 'regression') {
          alarm = true
          if (verdict.finalLook) finalAlarms++
        }
      }
      if (alarm) alarms++
    }
    expect(alarms / trials).toBeLessThanOrEqual(0.05)
    // The final look spends its share: about 1.25 % one-sided at 0.25 of 5 %.
    expect(finalAlarms / trials).toBeGreaterThan(0.003)
    expect(finalAlarms / trials).toBeLessThanOrEqual(0.05 * FINAL_LOOK_SHARE + 0.005)
  })

  it('clears an unchanged head after 15 pairs at a pair SD of 0.06, where the sequence alone cannot', () => {
    const next = gaussians('final-clears')
    const trials = 1000
    const rule = { relative: true, direction: 'higher-is-better', tolerance: 0.05, alarmAlpha: 0.008 } as const
    let bySequence = 0
    let byFinal = 0
    for (let t = 0; t < trials; t++) {
      // Each side's round noise sd/√2, so a pair's log-ratio has SD 0.06.
      const base = Array.from({ length: 15 }, () => 1000 * Math.exp((0.06 / Math.SQRT2) * next()))
      const head = Array.from({ length: 15 }, () => 1000 * Math.exp((0.06 / Math.SQRT2) * next()))
      if (sequentialVerdict(base, head, rule).verdict === 'unchanged') bySequence++
      const last = sequentialVerdict(base, head, { ...rule, final: true })
      if (last.verdict === 'unchanged') byFinal++
    }
    expect(bySequence / trials).toBeLessThan(0.15)
    expect(byFinal / trials).toBeGreaterThan(0.6)
  })

  it('claims an improvement only at the alarm level, like a regression: unchanged noisy heads are not called faster', () => {
    // A busy machine's pair SD (0.25) over a 3-minute budget's 15 pairs: at the 95 % level alone,
    // about 1.6 % of unchanged heads would read "improvement" at the final look.
    const next = gaussians('final-improvement')
    const trials = 4000
    const rule = { relative: true, direction: 'higher-is-better', tolerance: 0.05, alarmAlpha: 0.0067, final: true } as const
    let improved = 0
    for (let t = 0; t < trials; t++) {
      const base = Array.from({ length: 15 }, () => 1000 * Math.exp((0.25 / Math.SQRT2) * next()))
      const head = Array.from({ length: 15 }, () => 1000 * Math.exp((0.25 / Math.SQRT2) * next()))
      if (sequentialVerdict(base, head, rule).verdict === 'improvement') improved++
    }
    expect(improved / trials).toBeLessThanOrEqual(0.005)
  })

  it('asks the one-sided question at the final look: a head worse by its tolerance is cleared in about 5 %, not 2.5 %', () => {
    // The true change sits at the tolerance's edge (req/s −5 %): clearing it is a miss.
    const next = gaussians('final-one-sided')
    const trials = 4000
    const rule = { relative: true, direction: 'higher-is-better', tolerance: 0.05, alarmAlpha: 0.0057, final: true } as const
    let cleared = 0
    let clearedTwoSided = 0
    for (let t = 0; t < trials; t++) {
      const base = Array.from({ length: 15 }, () => 1000 * Math.exp((0.06 / Math.SQRT2) * next()))
      const head = base.map((b) => b * 0.95 * Math.exp((0.06 / Math.SQRT2) * next()) * Math.exp((0.06 / Math.SQRT2) * -next()))
      const verdict = sequentialVerdict(base, head, rule)
      if (!verdict.finalLook || verdict.clearing === undefined) continue
      expect(verdict.clearing).toEqual(pairedFixedInterval(base, head, { alpha: 0.1, relative: true }))
      if (cannotRegress(verdict.clearing, 'higher-is-better', 0.05)) cleared++
      if (cannotRegress(verdict.interval, 'higher-is-better', 0.05)) clearedTwoSided++
    }
    expect(cleared / trials).toBeLessThanOrEqual(0.06)
    expect(cleared / trials).toBeGreaterThan(0.035)
    expect(clearedTwoSided / trials).toBeLessThan(0.035)
  })

  it('lets a decided sequence stand and says which interval decided', () => {
    const next = gaussians('final-stands')
    const base = Array.from({ length: 40 }, () => 1000 * Math.exp(0.02 * next()))
    const head = Array.from({ length: 40 }, () => 1000 * Math.exp(0.02 * next()))
    const rule = { relative: true, direction: 'higher-is-better', tolerance: 0.05, alarmAlpha: 0.001 } as const
    const decided = sequentialVerdict(base, head, { ...rule, final: true })
    expect(decided).toMatchObject({ verdict: 'unchanged', finalLook: false })
    const fixed = pairedFixedInterval(base.slice(0, 4), head.slice(0, 4), { alpha: 0.05, relative: true })
    const early = sequentialVerdict(base.slice(0, 4), head.slice(0, 4), { ...rule, final: true })
    expect(early.finalLook).toBe(true)
    expect(early.interval).toEqual(fixed)
  })
})

describe('suite-level error control', () => {
  it('splits the suite bound over every gated compared metric of every entry', () => {
    const tolerance = (metric: 'rps' | 'p50' | 'mean'): { metric: 'rps' | 'p50' | 'mean'; tolerance: number; severity: 'fail' } => ({
      metric,
      tolerance: 0.05,
      severity: 'fail',
    })
    // `mean` is not compared with a baseline, so it spends nothing.
    const count = gatedCount([{ regression: [tolerance('rps'), tolerance('p50')] }, { regression: [tolerance('rps'), tolerance('mean')] }])
    expect(count).toBe(3)
    expect(errorBudget(count, 0.01).perTest).toBeCloseTo(0.01 / 3, 12)
    expect(errorBudget(0).perTest).toBe(errorBudget(0).suiteAlpha)
    expect(() => errorBudget(3, 0)).toThrow(RangeError)
  })
})

describe('outlier pairs (sequentialVerdict)', () => {
  // Throughput of `cpu work` in a CI run of e2e/action-measured.test.ts (load group, 14 pairs of
  // 300 ms rounds): the head 2.5× as expensive, and in pair 2 a stall held the base to 11 req/s.
  const base = [940, 11.4, 1341, 921, 1119, 1283, 1403, 1542, 1634, 1590, 1786, 1259, 1802, 1595]
  const head = [686, 151, 510, 764, 556, 589, 632, 664, 664, 660, 662, 584, 737, 490]
  const rule = { relative: true, direction: 'higher-is-better', tolerance: 0.25, alarmAlpha: 0.0025 } as const

  it('decides a 2.5× slowdown that one stalled round left undecided, naming the pairs it left out', () => {
    // Over every pair the stall sets the width alone: the sequence spans no change.
    const all = pairedSequence(base, head, { alpha: 0.05, relative: true })
    expect(all.low).toBeLessThan(1)
    expect(all.high).toBeGreaterThan(1)
    const verdict = sequentialVerdict(base, head, rule)
    expect(verdict.verdict).toBe('regression')
    // The stall alone: pair 1 (a base round not yet warm) is far from the others, but not that far.
    expect(verdict.leftOut).toEqual([1])
    expect(verdict.interval.pairs).toBe(13)
    expect(verdict.interval.high).toBeLessThan(0.65)
    // Fewer than six pairs: nothing is left out.
    expect(sequentialVerdict(base.slice(0, 5), head.slice(0, 5), rule).leftOut).toEqual([])
    // An absolute metric (the error rate) never has a pair set aside.
    expect(sequentialVerdict(base, head, { ...rule, relative: false }).leftOut).toEqual([])
  })

  it('leaves none out when more than a fifth of the pairs stand apart: that is how the metric varies', () => {
    const spread = [1, 1.02, 0.99, 1.01, 0.98, 1, 1.03, 0.97, 1.01, 1]
    const b = spread.map(() => 1000)
    const h = spread.map((r, i) => (i % 3 === 0 ? 1000 * r * 3 : 1000 * r))
    expect(sequentialVerdict(b, h, rule).leftOut).toEqual([])
  })

  // Rounds that stall now and then on either side: 2 % of rounds lose 90–99 % of their throughput.
  function stalled(next: () => number, uniform: () => number, level: number): number {
    const value = level * Math.exp(0.05 * next())
    return uniform() < 0.02 ? value * (0.01 + 0.09 * uniform()) : value
  }

  it('keeps false regressions and false improvements within alpha when rounds stall, looking after every pair', () => {
    const next = gaussians('stalls-unchanged')
    const uniform = seededRandom('stalls-unchanged')
    const trials = 2000
    // Worst case: tolerance 0, any interval off no change is a claim.
    const worst = { relative: true, direction: 'higher-is-better', tolerance: 0, alarmAlpha: 0.05, missAlpha: 0.05 } as const
    let regressions = 0
    let improvements = 0
    for (let t = 0; t < trials; t++) {
      const b: number[] = []
      const h: number[] = []
      let claim: string | undefined
      for (let n = 1; n <= 30 && claim === undefined; n++) {
        b.push(stalled(next, uniform, 1000))
        h.push(stalled(next, uniform, 1000))
        const { verdict } = sequentialVerdict(b, h, { ...worst, final: n === 30 })
        if (verdict === 'regression' || verdict === 'improvement') claim = verdict
      }
      if (claim === 'regression') regressions++
      if (claim === 'improvement') improvements++
    }
    expect(regressions / trials).toBeLessThanOrEqual(0.05)
    expect(improvements / trials).toBeLessThanOrEqual(0.05)
  })

  it('catches a +25 % slowdown within 30 pairs when rounds stall, where the stalls used to hold the decision off', () => {
    const next = gaussians('stalls-slower')
    const uniform = seededRandom('stalls-slower')
    const trials = 500
    const slower = { ...rule, tolerance: 0.1 }
    // The sequence's own alarm level, as sequentialVerdict spends it before the final look.
    const alpha = slower.alarmAlpha * (1 - FINAL_LOOK_SHARE)
    let caught = 0
    let caughtWithAll = 0
    for (let t = 0; t < trials; t++) {
      const b: number[] = []
      const h: number[] = []
      for (let n = 0; n < 30; n++) {
        b.push(stalled(next, uniform, 1000))
        h.push(stalled(next, uniform, 800))
      }
      const looks = Array.from({ length: 30 }, (_, n) => n + 1)
      if (looks.some((n) => sequentialVerdict(b.slice(0, n), h.slice(0, n), { ...slower, final: n === 30 }).verdict === 'regression'))
        caught++
      // The same looks with every pair in the sequence, as before outlier pairs were left out.
      if (looks.some((n) => pairedSequence(b.slice(0, n), h.slice(0, n), { alpha, relative: true }).high < 1 / 1.1)) caughtWithAll++
    }
    // 99 % and 62 % when written.
    expect(caught / trials).toBeGreaterThan(0.9)
    expect(caughtWithAll / trials).toBeLessThan(0.8)
  })
})

describe('a floor under the spread (sequentialVerdict with the pairs’ noise)', () => {
  // Eight pairs 8 % slower, agreeing to ±1 %: what a stretch of a machine held in one state can give.
  const next = gaussians('floor-streak')
  const base = Array.from({ length: 8 }, () => 1000)
  const head = base.map((b) => b * Math.exp(-0.08 + 0.01 * next()))
  const rule = { relative: true, direction: 'higher-is-better', tolerance: 0.05, alarmAlpha: 0.0057 } as const

  it('does not take pairs that agree far better than their rounds’ seconds allow for precision', () => {
    expect(sequentialVerdict(base, head, rule).verdict).toBe('regression')
    // Each round's seconds vary so that a pair's log-ratio could move by 0.1: the floor (0.05 a
    // pair) is five times the pairs' own spread, and eight such pairs cannot decide 8 %.
    const floored = sequentialVerdict(base, head, { ...rule, noise: base.map(() => 0.1) })
    expect(floored.verdict).toBe('inconclusive')
    const width = (v: { interval: { low: number; high: number } }): number => v.interval.high - v.interval.low
    expect(width(floored)).toBeGreaterThan(3 * width(sequentialVerdict(base, head, rule)))
    // At the end too: the final look's t-interval stands on the same floor.
    const last = { ...rule, final: true }
    const finalFloored = sequentialVerdict(base, head, { ...last, noise: base.map(() => 0.1) })
    expect(finalFloored.finalLook).toBe(true)
    // S at least (1 − 1/n)·Σ (FLOOR_SHARE·f_i)², here 7 · (0.35 · 0.1)².
    const leastSpread = 7 * (FLOOR_SHARE * 0.1) ** 2
    expect(finalFloored.interval).toEqual(pairedFixedInterval(base, head, { alpha: 0.05, relative: true, leastSpread }))
    expect(width(finalFloored)).toBeGreaterThan(3 * width({ interval: pairedFixedInterval(base, head, { alpha: 0.05, relative: true }) }))
  })

  it('changes nothing where the pairs vary more than the floor', () => {
    const noisy = base.map((b) => b * Math.exp(-0.08 + 0.05 * next()))
    const without = sequentialVerdict(base, noisy, { ...rule, final: true })
    const withNoise = sequentialVerdict(base, noisy, { ...rule, final: true, noise: base.map(() => 0.05) })
    expect(withNoise).toEqual(without)
  })

  it('leaves the floor out where the noise is not one a pair', () => {
    expect(sequentialVerdict(base, head, { ...rule, noise: [0.1, 0.1] })).toEqual(sequentialVerdict(base, head, rule))
  })

  it('keeps false regressions within alpha, looking after every pair, where each pair’s noise is known', () => {
    const noise = gaussians('floor-alarms')
    const trials = 2000
    let alarms = 0
    for (let t = 0; t < trials; t++) {
      // Round noise of SD 0.1/√2 a side: a pair's log-ratio varies by 0.1, its seconds say 0.1.
      const b: number[] = []
      const h: number[] = []
      for (let n = 1; n <= 30; n++) {
        b.push(1000 * Math.exp((0.1 / Math.SQRT2) * noise()))
        h.push(1000 * Math.exp((0.1 / Math.SQRT2) * noise()))
        if (n < 5) continue
        if (sequentialVerdict(b, h, { ...rule, alarmAlpha: 0.05, noise: b.map(() => 0.1) }).verdict === 'regression') {
          alarms++
          break
        }
      }
    }
    expect(alarms / trials).toBeLessThanOrEqual(0.05)
  })
})
