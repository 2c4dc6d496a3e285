// The profile diff, in process: folding V8 profiles, perf script text and collapsed stacks, and the
// per-request comparison of two folded profiles, with a seeded simulation of its sampling-noise flag.
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../src/stats/stats.js'
import { foldCpuProfile } from '../../src/profile/cpuprofile.js'
import { diffProfiles } from '../../src/profile/diff.js'
import { collapsedText, Folder, parseCollapsed, parseFrameLabel, type FoldedProfile } from '../../src/profile/folded.js'
import { foldPerfScript, perfFrame } from '../../src/profile/perf-script.js'
import { entriesToProfile, slower } from '../../src/profile/select.js'
import type { Comparison, MetricComparison } from '../../src/compare/types.js'

/** A V8 profile: root → main → (work, helper), samples 1 ms apart. */
function v8Profile(root: string, samples: readonly number[], startTime = 1_000_000): object {
  const frame = (id: number, functionName: string, url: string, lineNumber: number, children: number[] = []): object => ({
    id,
    callFrame: { functionName, scriptId: '1', url, lineNumber, columnNumber: 0 },
    hitCount: 0,
    children,
  })
  return {
    nodes: [
      frame(1, '(root)', '', -1, [2, 5]),
      frame(2, 'main', `file://${root}/server.mjs`, 9, [3, 4]),
      frame(3, 'work', `file://${root}/server.mjs`, 19),
      frame(4, 'helper', `${root}/lib/helper.js`, 4),
      frame(5, '(idle)', '', -1),
    ],
    startTime,
    endTime: startTime + samples.length * 1000,
    samples,
    timeDeltas: samples.map(() => 1000),
  }
}

describe('folding', () => {
  it('folds a V8 profile to stacks with files relative to the app, lines 1-based, idle time left out', () => {
    const folded = foldCpuProfile(v8Profile('/tmp/base-checkout/app', [3, 3, 3, 4, 5, 5, 2]), { root: '/tmp/base-checkout/app' })
    expect(folded.sampleUs).toBe(1000)
    expect(folded.totalUs).toBe(5000)
    expect(collapsedText(folded).split('\n').sort()).toEqual(
      [
        '',
        'main (server.mjs:10) 1000',
        'main (server.mjs:10);helper (lib/helper.js:5) 1000',
        'main (server.mjs:10);work (server.mjs:20) 3000',
      ].sort(),
    )
  })

  it('keeps only the samples inside the window', () => {
    // Sample i is taken at startTime + (i + 1) ms.
    const folded = foldCpuProfile(v8Profile('/app', [3, 3, 4, 4]), { window: { fromUs: 1_002_500, toUs: 1_004_000 } })
    expect(folded.totalUs).toBe(2000)
    expect([...folded.stacks.keys()].every((k) => k.endsWith('helper /app/lib/helper.js'))).toBe(true)
  })

  it('rejects a document that is no CPU profile', () => {
    expect(() => foldCpuProfile({ nodes: [] })).toThrow(/not a V8 CPU profile/)
    expect(() => foldCpuProfile('text')).toThrow(/not a V8 CPU profile/)
  })

  it('folds perf script output: leaf last, JIT frames from the perf map named with file and line, periods as weights', () => {
    const text = [
      'node 4520 30388.390007:    2004008 cpu-clock: ',
      '\t    7fb96000618b JS:*priceBasket file:///srv/app/server.mjs:58:14 (/tmp/perf-4520.map)',
      '\t    7fb960001111 JS:~ /srv/app/server.mjs:80:3 (/tmp/perf-4520.map)',
      '\t         14ce0dc Builtins_JSEntryTrampoline (/usr/bin/node)',
      '',
      'python3 77 30388.392007:    2004008 cpu-clock: ',
      '\t    7f0000000001 sha256_block_data_order_avx2 (/usr/lib/x86_64-linux-gnu/libcrypto.so.3)',
      '\t    7f0000000002 py::digest_order:/srv/app/main.py (/tmp/perf-77.map)',
      '\t    7f0000000003 [unknown] ([unknown])',
      '',
      'node 4520 30390.000000:    2004008 cpu-clock: ',
      '\t    7fb96000618b JS:*priceBasket file:///srv/app/server.mjs:58:14 (/tmp/perf-4520.map)',
      '',
    ].join('\n')
    const folded = foldPerfScript(text, { root: '/srv/app', defaultSampleUs: 2004, window: { fromUs: 30388.3e6, toUs: 30389e6 } })
    expect(folded.totalUs).toBeCloseTo(2 * 2004.008, 3)
    const lines = collapsedText(folded).trim().split('\n').sort()
    expect(lines).toEqual([
      'Builtins_JSEntryTrampoline (node);(anonymous) (server.mjs:80);priceBasket (server.mjs:58) 2004',
      '[unknown];digest_order (main.py);sha256_block_data_order_avx2 (libcrypto.so.3) 2004',
    ])
  })

  it('reads a perf frame of each kind', () => {
    expect(perfFrame('LazyCompile:*burn /a/b.js:3:1', '/tmp/perf-1.map', '/a')).toEqual({ name: 'burn', file: 'b.js', line: 3 })
    expect(perfFrame('JS:^GET /checkout file:///a/server.mjs:82:20', '/tmp/perf-1.map', '/a')).toEqual({
      name: 'GET /checkout',
      file: 'server.mjs',
      line: 82,
    })
    expect(perfFrame('do_lookup_x+0x360', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2')).toEqual({
      name: 'do_lookup_x',
      file: 'ld-linux-x86-64.so.2',
    })
  })

  it('reads collapsed stacks as a user command writes them, each count a sample of the interval', () => {
    const folded = parseCollapsed('# header\nmain (app.py:3);price_basket (app.py:10) 7\nmain (app.py:3) 3\n\n', 10_000)
    expect(folded.totalUs).toBe(100_000)
    expect(folded.sampleUs).toBe(10_000)
    expect(parseFrameLabel('price_basket (app.py:10)')).toEqual({ name: 'price_basket', file: 'app.py', line: 10 })
    expect(parseFrameLabel('<module> [x.py:1]')).toEqual({ name: '<module>', file: 'x.py', line: 1 })
    expect(parseFrameLabel('plain')).toEqual({ name: 'plain' })
  })
})

/** A profile of `requests` requests with these self times per request (µs), one stack per function under main. */
function profile(selfUsPerRequest: Record<string, number>, requests: number, sampleUs = 1000, line = 1): FoldedProfile {
  const folder = new Folder().period(sampleUs)
  for (const [name, us] of Object.entries(selfUsPerRequest)) {
    folder.add(
      [
        { name: 'main', file: 'app.js', line },
        { name, file: 'app.js', line: line + 10 },
      ],
      us * requests,
    )
  }
  return folder.result()
}

describe('diffProfiles', () => {
  it('normalises per request, ranks what grew, gives each its share of the growth, and names what is new', () => {
    // The head served half the requests in its round: raw time alone would hide the growth.
    const base = profile({ priceBasket: 300, send: 100, parse: 50 }, 2000)
    const head = profile({ priceBasket: 900, send: 100, parse: 40, audit: 60 }, 1000)
    const diff = diffProfiles({ profile: base, requests: 2000 }, { profile: head, requests: 1000 })
    expect(diff.base.cpuUs).toBeCloseTo(450)
    expect(diff.head.cpuUs).toBeCloseTo(1100)
    expect(diff.changeUs).toBeCloseTo(650)
    expect(diff.grew.map((c) => c.frame.name)).toEqual(['priceBasket', 'audit'])
    const [top, second] = diff.grew
    expect(top?.changeUs).toBeCloseTo(600)
    expect(top?.share).toBeCloseTo(600 / 650)
    expect(top?.withinNoise).toBe(false)
    expect(second?.isNew).toBe(true)
    expect(diff.appeared.map((c) => c.frame.name)).toEqual(['audit'])
    expect(diff.flame.headUs).toBeCloseTo(1100)
    expect(diff.flame.children[0]?.name).toBe('main (app.js:1)')
  })

  it('matches a function that moved to another line as the same function', () => {
    const diff = diffProfiles(
      { profile: profile({ work: 100 }, 100, 1000, 1), requests: 100 },
      { profile: profile({ work: 300 }, 100, 1000, 5), requests: 100 },
    )
    expect(diff.grew.map((c) => [c.label, c.isNew])).toEqual([['work (app.js:15)', false]])
    expect(diff.appeared).toEqual([])
  })

  it('gives no shares when CPU per request did not grow (the slowdown is not the app’s CPU)', () => {
    const diff = diffProfiles(
      { profile: profile({ a: 100, b: 100 }, 1000), requests: 1000 },
      { profile: profile({ a: 150, b: 40 }, 1000), requests: 1000 },
    )
    expect(diff.changeUs).toBeLessThan(0)
    expect(diff.grew[0]?.frame.name).toBe('a')
    expect(diff.grew[0]?.share).toBeUndefined()
  })

  it('scales both sides to one machine speed when the speed probe read both rounds', () => {
    // The same code; the head's round ran while the machine was 30 % slower on the apps' CPUs, so every
    // function took 30 % more CPU per request, and the probe's unit 30 % longer.
    const base = profile({ priceBasket: 300, send: 100 }, 1000)
    const head = profile({ priceBasket: 390, send: 130 }, 1000)
    const unadjusted = diffProfiles({ profile: base, requests: 1000 }, { profile: head, requests: 1000 })
    expect(unadjusted.changeUs).toBeCloseTo(120)
    expect(unadjusted.grew[0]?.withinNoise).toBe(false)
    expect(unadjusted.speed).toBeUndefined()
    const diff = diffProfiles({ profile: base, requests: 1000, speedUs: 500 }, { profile: head, requests: 1000, speedUs: 650 })
    expect(diff.speed).toEqual({ baseUs: 500, headUs: 650, slope: 1 })
    // Both at the geometric mean of the readings: nothing grew, and the requests are those served.
    const scale = Math.sqrt(500 * 650)
    expect(diff.base.cpuUs).toBeCloseTo((400 * scale) / 500)
    expect(diff.head.cpuUs).toBeCloseTo((520 * scale) / 650)
    expect(diff.changeUs).toBeCloseTo(0)
    expect(diff.grew.every((c) => c.withinNoise)).toBe(true)
    expect([diff.base.requests, diff.head.requests]).toEqual([1000, 1000])
    expect(diff.flame.headUs).toBeCloseTo(diff.head.cpuUs)
    // A real growth survives the scaling; its sampling error is scaled with it.
    const grown = diffProfiles(
      { profile: base, requests: 1000, speedUs: 500 },
      { profile: profile({ priceBasket: 780, send: 130 }, 1000), requests: 1000, speedUs: 650 },
    )
    expect(grown.grew[0]?.frame.name).toBe('priceBasket')
    expect(grown.grew[0]?.changeUs).toBeCloseTo(((780 - 390) * scale) / 650)
    expect(grown.grew[0]?.noiseUs).toBeCloseTo(
      2 * Math.sqrt((300 * 1000 * (scale / 500) ** 2) / 1000 + (780 * 1000 * (scale / 650) ** 2) / 1000),
    )
    // At the slope the run's pairs fitted: an app that slowed 1.5 times as much as the probe (a 30 %
    // swing of the probe, 48 % of the app) comes out unchanged at 1.5, not at 1.
    const steeper = profile({ priceBasket: 300 * 1.3 ** 1.5, send: 100 * 1.3 ** 1.5 }, 1000)
    const sides = [
      { profile: base, requests: 1000, speedUs: 500 },
      { profile: steeper, requests: 1000, speedUs: 650 },
    ] as const
    expect(diffProfiles(...sides).changeUs).toBeGreaterThan(40)
    const fitted = diffProfiles(...sides, { speedSlope: 1.5 })
    expect(fitted.changeUs).toBeCloseTo(0)
    expect(fitted.speed).toEqual({ baseUs: 500, headUs: 650, slope: 1.5 })
    // One reading missing: as measured.
    expect(diffProfiles({ profile: base, requests: 1000, speedUs: 500 }, { profile: head, requests: 1000 }).changeUs).toBeCloseTo(120)
  })

  // The sampling-noise flag: with nothing changed, a function's change should be beyond twice its
  // sampling error in about 5 % of profiles (normal approximation to Poisson counts).
  it('flags an unchanged function as beyond its sampling noise in about 5 % of simulated profiles', () => {
    const uniform = seededRandom('profile-noise')
    // Knuth's Poisson draw: fine for the means used here.
    const poisson = (mean: number): number => {
      const limit = Math.exp(-mean)
      let k = 0
      let p = uniform()
      while (p > limit) {
        k++
        p *= uniform()
      }
      return k
    }
    const trials = 4000
    let alarms = 0
    for (let t = 0; t < trials; t++) {
      const side = (requests: number): FoldedProfile => {
        const folder = new Folder().period(1000)
        // 40 µs per request of `work` at 1 ms a sample: 0.04 samples a request.
        folder.add([{ name: 'work' }], poisson(0.04 * requests) * 1000)
        folder.add([{ name: 'rest' }], poisson(0.1 * requests) * 1000)
        return folder.result()
      }
      const diff = diffProfiles({ profile: side(1500), requests: 1500 }, { profile: side(1000), requests: 1000 })
      const work = diff.grew.find((c) => c.frame.name === 'work')
      if (work !== undefined && !work.withinNoise) alarms++
    }
    // One-sided (only growth is ranked): about 2.5 % expected; the band allows the normal approximation's error.
    expect(alarms / trials).toBeGreaterThan(0.01)
    expect(alarms / trials).toBeLessThan(0.045)
  })
})

describe('which entries are profiled', () => {
  const metric = (over: Partial<MetricComparison>): MetricComparison => ({
    metric: 'p50',
    direction: 'lower-is-better',
    base: 1,
    head: 1,
    change: 0,
    low: 0,
    high: 0,
    relative: true,
    pValue: 1,
    cvBase: 0,
    cvHead: 0,
    detectable: 0.1,
    tolerance: 0.1,
    severity: 'fail',
    gated: true,
    verdict: 'unchanged',
    baseRounds: 5,
    headRounds: 5,
    outliers: { base: [], head: [] },
    ...over,
  })
  it('regressions, and undecided metrics far beyond their tolerance on the bad side, but not memory or errors', () => {
    expect(slower(metric({ verdict: 'regression' }))).toBe(true)
    expect(slower(metric({ verdict: 'inconclusive', change: 0.25 }))).toBe(true)
    expect(slower(metric({ verdict: 'inconclusive', change: 0.15 }))).toBe(false)
    expect(slower(metric({ verdict: 'inconclusive', change: -0.5 }))).toBe(false)
    expect(slower(metric({ metric: 'rps', direction: 'higher-is-better', verdict: 'inconclusive', change: -0.5 }))).toBe(true)
    expect(slower(metric({ metric: 'rss', verdict: 'regression' }))).toBe(false)
    expect(slower(metric({ metric: 'errorRate', verdict: 'regression', relative: false }))).toBe(false)
    const entry = (key: string, metrics: MetricComparison[]): Comparison['entries'][number] => ({
      key,
      scenario: key,
      load: '1 conn',
      status: 'compared',
      metrics,
      violations: [],
    })
    const comparison = { entries: [entry('a', [metric({})]), entry('b', [metric({ verdict: 'regression' })])] }
    expect(entriesToProfile(comparison)).toEqual(['b'])
  })
})
