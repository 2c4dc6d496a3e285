// Same-job pairs adjusted by the speed probe (src/compare/speed-adjust.ts): the machine's share taken
// out of the pairs, the sequence still valid at every look, and compare() using it only where every
// pair measured the machine's speed.
import { describe, expect, it } from 'vitest'
import { normalSource } from '../../__fixtures__/random.js'
import { syntheticResults, type SyntheticEntry } from '../../__fixtures__/results/build.js'
import { compare } from '../../src/compare/compare.js'
import { meanSequence } from '../../src/compare/sequential.js'
import { covariateAdjusted, MAX_SLOPE, speedAdjusted } from '../../src/compare/speed-adjust.js'
import { meanSpeedUs } from '../../src/app/speed-probe.js'
import type { Results } from '../../src/results/document.js'
import { footerFacts } from '../../src/report/rows.js'
import { median, stddev } from '../../src/stats/stats.js'

/**
 * `n` pairs of one metric: each pair's machine slows the head's round by x (log, SD `machine`), the
 * metric follows it by `beta`, and has noise of its own (SD `own`) and a true change `mu`. Returns
 * the values and probe readings, pair by pair.
 */
function pairs(
  next: () => number,
  n: number,
  p: { beta: number; machine: number; own: number; mu: number },
): { base: number[]; head: number[]; probeBase: number[]; probeHead: number[] } {
  const out = { base: [] as number[], head: [] as number[], probeBase: [] as number[], probeHead: [] as number[] }
  for (let i = 0; i < n; i++) {
    // Each round has its own machine speed; the base's round and the head's differ by x.
    const speedBase = p.machine * next()
    const speedHead = p.machine * next()
    out.probeBase.push(500 * Math.exp(speedBase))
    out.probeHead.push(500 * Math.exp(speedHead))
    out.base.push(1000 * Math.exp(p.beta * speedBase + p.own * next()))
    out.head.push(1000 * Math.exp(p.mu + p.beta * speedHead + p.own * next()))
  }
  return out
}

const logRatios = (base: readonly number[], head: readonly number[]): number[] => head.map((h, i) => Math.log(h / (base[i] ?? NaN)))

describe('meanSpeedUs', () => {
  it("reads a round that straddles a slow stretch as the round's CPU per request does, where a median reads the longer stretch", () => {
    // 3 s fast (a unit 470 µs, a request 220 µs) then 2 s slow (a unit 800 µs, a request dearer by the
    // same ratio), at one CPU share: the round's CPU per request is its CPU over its answers.
    const units = [...Array.from({ length: 30 }, () => 470), ...Array.from({ length: 20 }, () => 800)]
    const share = 0.55
    const answers = (3 * share) / 220e-6 + (2 * share) / ((220e-6 * 800) / 470)
    const cpuPerRequest = (5 * share) / answers / 1e-6
    expect(meanSpeedUs(units) / 470).toBeCloseTo(cpuPerRequest / 220, 6)
    expect(median(units)).toBe(470)
  })

  it('weighs a unit slowed by the probe’s own collector little', () => {
    const steady = Array.from({ length: 50 }, () => 500)
    expect(meanSpeedUs([...steady.slice(1), 5000]) / 500 - 1).toBeLessThan(0.02)
  })
})

describe('speedAdjusted', () => {
  it('starts from the prior slope, learns the real one, and the ratio carries the whole adjustment', () => {
    const next = normalSource('first pairs')
    const p = pairs(next, 12, { beta: 0.5, machine: 0.2, own: 0.02, mu: 0 })
    const first = speedAdjusted(p.base.slice(0, 1), p.head.slice(0, 1), p.probeBase.slice(0, 1), p.probeHead.slice(0, 1), 1)
    expect(first.slope).toBe(1)
    const adjusted = speedAdjusted(p.base, p.head, p.probeBase, p.probeHead, 1)
    // Split between the sides: the geometric mean of each pair is the measured one.
    adjusted.base.forEach((b, i) =>
      expect(Math.sqrt(b * (adjusted.head[i] ?? NaN))).toBeCloseTo(Math.sqrt((p.base[i] ?? 0) * (p.head[i] ?? 0)), 6),
    )
    expect(adjusted.slope).toBeGreaterThan(0.35)
    expect(adjusted.slope).toBeLessThan(0.65)
  })

  it('fits the same slope over all the pairs as the last pair would have had after them (fitted)', () => {
    const next = normalSource('whole fit')
    const p = pairs(next, 13, { beta: 1.3, machine: 0.2, own: 0.02, mu: 0.05 })
    const first12 = (xs: number[]): number[] => xs.slice(0, 12)
    const whole = speedAdjusted(first12(p.base), first12(p.head), first12(p.probeBase), first12(p.probeHead), 1).fitted
    // speedAdjusted's slope for pair 13 is fitted on pairs 1–12.
    expect(whole).toBeCloseTo(speedAdjusted(p.base, p.head, p.probeBase, p.probeHead, 1).slope, 12)
    expect(whole).toBeGreaterThan(1.1)
    expect(whole).toBeLessThan(1.5)
    // No pairs: the prior.
    expect(speedAdjusted([], [], [], [], -1).fitted).toBe(-1)
  })

  it('takes the machine out of the pairs: a third of the spread left where the probe explains most of it', () => {
    const next = normalSource('spread')
    const p = pairs(next, 30, { beta: 1.1, machine: 0.15, own: 0.03, mu: 0.1 })
    const raw = logRatios(p.base, p.head)
    const adjusted = speedAdjusted(p.base, p.head, p.probeBase, p.probeHead, 1)
    const after = logRatios(adjusted.base, adjusted.head)
    expect(stddev(after)).toBeLessThan(stddev(raw) / 2.5)
    // The change itself is kept: +10 % in, about +10 % out.
    const mean = after.reduce((s, y) => s + y, 0) / after.length
    expect(mean).toBeGreaterThan(0.07)
    expect(mean).toBeLessThan(0.13)
  })

  it('does not make a run whose machine stayed steady until late noisier (the first slowdown after quiet pairs)', () => {
    // Four pairs with the probe within ±0.02, then one with a 0.4 slowdown of the head's round that
    // the metric followed: an unshrunk fit on the quiet pairs could take any slope to it.
    const probeBase = [500, 500, 500, 500, 500]
    const probeHead = [505, 495, 510, 492, 500 * Math.exp(0.4)]
    const base = [1000, 1000, 1000, 1000, 1000]
    const head = [1030, 960, 990, 1020, 1000 * Math.exp(0.4)]
    const adjusted = speedAdjusted(base, head, probeBase, probeHead, 1)
    expect(Math.abs(Math.log((adjusted.head[4] ?? 0) / (adjusted.base[4] ?? 1)))).toBeLessThan(0.1)
  })

  it('bounds the slope, so that a few wild pairs cannot multiply the probe into the result', () => {
    // The metric moved five times as far as the machine, pair after pair.
    const probeBase = [500, 500, 500, 500, 500, 500]
    const probeHead = [550, 450, 550, 450, 550, 450]
    const base = [1000, 1000, 1000, 1000, 1000, 1000]
    const head = probeHead.map((p) => 1000 * Math.exp(5 * Math.log(p / 500)))
    expect(Math.abs(speedAdjusted(base, head, probeBase, probeHead, 1).slope)).toBe(MAX_SLOPE)
  })

  it('keeps the confidence sequence valid at every look, whether the probe explains much of the noise or none', () => {
    // The t-CS's promise (sequential.ts): the true change inside the 95 % sequence at all 30 looks at
    // once in at least 95 % of runs. The predictable slope must not break it.
    for (const beta of [1, 0]) {
      const next = normalSource(`coverage ${beta}`)
      const trials = 600
      let missed = 0
      for (let t = 0; t < trials; t++) {
        const p = pairs(next, 30, { beta, machine: 0.15, own: 0.05, mu: 0.05 })
        const adjusted = speedAdjusted(p.base, p.head, p.probeBase, p.probeHead, 1)
        const ys = logRatios(adjusted.base, adjusted.head)
        for (let n = 2; n <= ys.length; n++) {
          const cs = meanSequence(ys.slice(0, n), 0.05)
          if (cs.low > 0.05 || cs.high < 0.05) {
            missed++
            break
          }
        }
      }
      expect(missed / trials, `beta ${beta}`).toBeLessThan(0.05)
    }
  })
})

describe('covariateAdjusted', () => {
  /**
   * `n` pairs as in pairs(), where other work on the app's CPU also takes a share of it that varies
   * round by round (log SD `share`), read by the app's access to its CPU and not by the probe.
   */
  function contended(next: () => number, n: number, p: { machine: number; share: number; own: number; mu: number }) {
    const out = {
      base: [] as number[],
      head: [] as number[],
      probeBase: [] as number[],
      probeHead: [] as number[],
      accessBase: [] as number[],
      accessHead: [] as number[],
    }
    for (let i = 0; i < n; i++) {
      const [speedBase, speedHead] = [p.machine * next(), p.machine * next()]
      // The access is at most 1: a log share below 0, around −0.7 (a busy process beside the app).
      const [shareBase, shareHead] = [-0.7 + p.share * next(), -0.7 + p.share * next()]
      out.probeBase.push(500 * Math.exp(speedBase))
      out.probeHead.push(500 * Math.exp(speedHead))
      out.accessBase.push(Math.exp(shareBase))
      out.accessHead.push(Math.exp(shareHead))
      // Throughput: slower as the machine slows, faster with more of the CPU.
      out.base.push(1000 * Math.exp(-speedBase + shareBase + p.own * next()))
      out.head.push(1000 * Math.exp(-p.mu - speedHead + shareHead + p.own * next()))
    }
    return out
  }

  it('takes out a share of the CPU the probe cannot see, and keeps the change', () => {
    const p = contended(normalSource('share'), 30, { machine: 0.1, share: 0.15, own: 0.03, mu: 0.1 })
    const speed = { base: p.probeBase, head: p.probeHead, prior: -1 }
    const access = { base: p.accessBase, head: p.accessHead, prior: 1 }
    const probeOnly = covariateAdjusted(p.base, p.head, [speed])
    const both = covariateAdjusted(p.base, p.head, [speed, access])
    const sd = (a: { base: number[]; head: number[] }): number => stddev(logRatios(a.base, a.head))
    // The share is most of what the probe leaves: with the access, a fraction of the spread is left.
    expect(sd(both)).toBeLessThan(sd(probeOnly) / 2.5)
    expect(both.fitted[0]).toBeCloseTo(-1, 0)
    expect(both.fitted[1]).toBeCloseTo(1, 0)
    const mean = logRatios(both.base, both.head).reduce((sum, y) => sum + y, 0) / 30
    expect(mean).toBeGreaterThan(-0.13)
    expect(mean).toBeLessThan(-0.07)
  })

  it('keeps the confidence sequence valid at every look with a second covariate, explaining much or none', () => {
    for (const share of [0.15, 0]) {
      const next = normalSource(`coverage, share ${share}`)
      const trials = 500
      let missed = 0
      for (let t = 0; t < trials; t++) {
        const p = contended(next, 30, { machine: 0.1, share, own: 0.05, mu: 0.05 })
        // Where the share does not vary, the access is a reading that explains nothing.
        const accessHead = share === 0 ? p.accessHead.map(() => Math.exp(-0.7 + 0.1 * next())) : p.accessHead
        const adjusted = covariateAdjusted(p.base, p.head, [
          { base: p.probeBase, head: p.probeHead, prior: -1 },
          { base: p.accessBase, head: accessHead, prior: 1 },
        ])
        const ys = logRatios(adjusted.base, adjusted.head)
        for (let n = 2; n <= ys.length; n++) {
          const cs = meanSequence(ys.slice(0, n), 0.05)
          if (cs.low > -0.05 || cs.high < -0.05) {
            missed++
            break
          }
        }
      }
      expect(missed / trials, `share ${share}`).toBeLessThan(0.05)
    }
  })
})

describe('compare() with the speed probe', () => {
  // Ten pairs in which the head's rounds fell on a slower machine by turns: its throughput and CPU
  // per request moved with the probe, and nothing else changed.
  const machine = [0, 0.3, -0.2, 0.25, 0, -0.3, 0.2, 0.1, -0.25, 0.3]
  const noise = [0.01, -0.01, 0.005, -0.005, 0.01, 0, -0.01, 0.005, 0, -0.005]
  const entry: SyntheticEntry = { scenario: 'search', rps: machine.map(() => 2000), p50Us: machine.map(() => 2000) }

  function withProbe(results: Results, factor: (i: number) => number, probe: (i: number) => boolean): Results {
    const [e] = results.entries
    if (e === undefined) throw new Error('no entry')
    const rounds = e.rounds.map((r, i) => ({
      ...r,
      rps: r.rps / factor(i),
      latencyUs: { ...r.latencyUs, p50: r.latencyUs.p50 * factor(i) },
      ...(probe(i) ? { speedProbeUs: 500 * factor(i) } : {}),
    }))
    return { ...results, entries: [{ ...e, rounds }] }
  }

  const detectable = (probe: (i: number) => boolean): number | undefined => {
    const base = withProbe(syntheticResults([entry]), () => 1, probe)
    const head = withProbe(syntheticResults([entry]), (i) => Math.exp((machine[i] ?? 0) + (noise[i] ?? 0)), probe)
    const c = compare(base, head, { paired: true })
    return c.entries[0]?.metrics.find((m) => m.metric === 'rps')?.detectable
  }

  it('adjusts the pairs of runs whose every round measured the machine, and only those', () => {
    const adjusted = detectable(() => true)
    const raw = detectable(() => false)
    expect(raw).toBeDefined()
    expect(adjusted).toBeDefined()
    // The machine's turns are most of the pairs' spread: with the probe, the interval is a fraction as wide.
    expect(adjusted ?? Infinity).toBeLessThan((raw ?? 0) / 3)
    // One round without a reading: the pairs are compared as measured.
    expect(detectable((i) => i !== 4)).toBe(raw)
  })

  it('keeps the slope the pairs fitted on each adjusted metric, for the profiled rounds to use', () => {
    const probed = (i: number): boolean => i >= 0
    const base = withProbe(syntheticResults([entry]), () => 1, probed)
    const head = withProbe(syntheticResults([entry]), (i) => Math.exp((machine[i] ?? 0) + (noise[i] ?? 0)), probed)
    const metrics = compare(base, head, { paired: true }).entries[0]?.metrics ?? []
    // Throughput falls as the probe's unit lengthens (prior −1), latency rises with it (prior +1).
    expect(metrics.find((m) => m.metric === 'rps')?.speedSlope).toBeCloseTo(-1, 1)
    expect(metrics.find((m) => m.metric === 'p50')?.speedSlope).toBeCloseTo(1, 1)
    const unprobed = compare(
      withProbe(
        syntheticResults([entry]),
        () => 1,
        () => false,
      ),
      withProbe(
        syntheticResults([entry]),
        () => 1.1,
        () => false,
      ),
      { paired: true },
    )
    expect(unprobed.entries[0]?.metrics.every((m) => m.speedSlope === undefined)).toBe(true)
  })

  // The same pairs beside other work on the apps' CPU: a share of it taken round by round, which the
  // app's access reads and the probe does not.
  const share = [0, -0.25, 0.2, -0.3, 0.1, 0.3, -0.2, 0, 0.25, -0.1]
  // `own`: the part of the access the app's own threads took, which does not move its throughput.
  function withAccess(results: Results, factor: (i: number) => number, access: (i: number) => number | undefined, own = 1): Results {
    const [e] = results.entries
    if (e === undefined) throw new Error('no entry')
    const rounds = e.rounds.map((r, i) => {
      const a = access(i)
      const f = factor(i) / (a === undefined ? 1 : a / own / 0.5)
      return {
        ...r,
        rps: r.rps / f,
        latencyUs: { ...r.latencyUs, p50: r.latencyUs.p50 * f },
        speedProbeUs: 500 * factor(i),
        ...(r.server === undefined ? {} : { server: { ...r.server, ...(a === undefined ? {} : { cpuAccess: a }) } }),
      }
    })
    return { ...results, entries: [{ ...e, rounds }] }
  }
  const contendedPair = (access: (side: 'base' | 'head', i: number) => number | undefined, headCpu = 300, headOwnAccess = 1) =>
    compare(
      withAccess(
        syntheticResults([{ ...entry, cpuUsPerRequest: machine.map(() => 300) }]),
        () => 1,
        (i) => access('base', i),
      ),
      withAccess(
        syntheticResults([
          { ...entry, cpuUsPerRequest: machine.map((_, i) => headCpu * Math.exp((machine[i] ?? 0) + 2 * (noise[i] ?? 0))) },
        ]),
        (i) => Math.exp((machine[i] ?? 0) + (noise[i] ?? 0)),
        (i) => {
          const a = access('head', i)
          return a === undefined ? undefined : a * headOwnAccess
        },
        headOwnAccess,
      ),
      { paired: true },
    )

  it("adjusts throughput and latency for the app's access to its CPUs where every pair read it, and not CPU per request", () => {
    const read = (side: 'base' | 'head', i: number): number => (side === 'base' ? 0.5 : 0.5 * Math.exp(share[i] ?? 0))
    const adjusted = contendedPair(read)
    const metricOf = (c: ReturnType<typeof compare>, name: string) => c.entries[0]?.metrics.find((m) => m.metric === name)
    // The share is nearly all of what the probe leaves: the interval a fraction as wide as without.
    const probeOnly = contendedPair((side, i) => (i === 4 ? undefined : read(side, i)))
    expect(metricOf(adjusted, 'rps')?.accessSlope).toBeCloseTo(1, 0)
    expect(metricOf(adjusted, 'p50')?.accessSlope).toBeCloseTo(-1, 0)
    expect(metricOf(probeOnly, 'rps')?.accessSlope).toBeUndefined()
    expect(metricOf(adjusted, 'rps')?.detectable ?? Infinity).toBeLessThan((metricOf(probeOnly, 'rps')?.detectable ?? 0) / 3)
    // CPU per request is the app's own: the probe adjusts it, the access does not.
    expect(metricOf(adjusted, 'cpu')?.speedSlope).toBeDefined()
    expect(metricOf(adjusted, 'cpu')?.accessSlope).toBeUndefined()
    expect(adjusted.head.cpuAccess).toBe(true)
    expect(probeOnly.head.cpuAccess).toBeUndefined()
    expect(footerFacts(adjusted).join(' · ')).toContain(
      "throughput and latency also for the app's access to those CPUs (the share of its time ready to run that it ran) while CPU per request showed no change, app.cpus",
    )
    expect(footerFacts(probeOnly).join(' · ')).not.toContain('access')
  })

  it("leaves the access out once the head's CPU per request has changed: its own threads move its access", () => {
    // A head that keeps a worker thread busy beside the server: 25 % more CPU per request, its
    // access 7 % lower by its own doing, its throughput beside the other work unchanged.
    const read = (side: 'base' | 'head', i: number): number => (side === 'base' ? 0.5 : 0.5 * Math.exp(share[i] ?? 0))
    const rpsOf = (c: ReturnType<typeof compare>) => c.entries[0]?.metrics.find((m) => m.metric === 'rps')
    const own = Math.exp(-0.07)
    const threaded = rpsOf(contendedPair(read, 375, own))
    // The first three pairs are adjusted before a change can show: about 3/10 of the 7 %.
    expect(Math.abs(threaded?.change ?? Infinity)).toBeLessThan(0.03)
    // The same access moved with CPU per request unchanged: the adjustment would read it as a gain.
    expect(rpsOf(contendedPair(read, 300, own))?.change).toBeGreaterThan(0.05)
  })

  it('says so in the footer', () => {
    const probed = withProbe(
      syntheticResults([entry]),
      () => 1,
      () => true,
    )
    const said = footerFacts(compare(probed, probed, { paired: true })).join(' · ')
    expect(said).toContain(
      "base and head measured in pairs of rounds (the apps on CPUs of their own, the load generator on another, and each pair's throughput, latency and CPU per request adjusted for the machine's speed on the apps' CPUs as a probe measured it beside every round, app.cpus), decided as they went",
    )
    const padded = compare(probed, { ...probed, heapPad: 64 * 1024 * 1024 }, { paired: true })
    expect(footerFacts(padded).join(' · ')).toContain(
      'MALLOC_TOP_PAD_ so that two launches cost alike, app.relaunch; the apps on CPUs of their own',
    )
    // One round without a reading: nothing was adjusted, and nothing is said.
    const partial = withProbe(
      syntheticResults([entry]),
      () => 1,
      (i) => i !== 4,
    )
    expect(footerFacts(compare(partial, partial, { paired: true })).join(' · ')).not.toContain('app.cpus')
    const plain = syntheticResults([entry])
    expect(footerFacts(compare(plain, plain, { paired: true })).join(' · ')).toContain('base and head measured in pairs of rounds, decided')
  })
})
