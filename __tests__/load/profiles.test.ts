// The maths of the profiles on synthetic series: spike recovery, soak slopes, volume rates, and the
// one row per finding the report makes of them.
import { describe, expect, it } from 'vitest'
import type { SpikePlan } from '../../src/config/plan.js'
import { readFileSync } from 'node:fs'
import { checkEntry, judgeSlopes } from '../../src/compare/thresholds.js'
import { roundSeries } from '../../src/load/assess.js'
import { analyseSpike, rateSchedule } from '../../src/load/profiles/spike.js'
import { fitSoak } from '../../src/results/profile-summary.js'
import { SecondRecorder } from '../../src/load/seconds.js'
import type { EntryResult, HeapPoints, LoadSeries, RoundResult } from '../../src/results/document.js'
import { profileRows } from '../../src/report/profile.js'
import { thresholdVerdictLine } from '../../src/report/verdict.js'
import { violationSentence } from '../../src/report/violation.js'
import { summariseEntry } from '../../src/results/entry-numbers.js'
import { normalSource } from '../../__fixtures__/random.js'

/** Per-second RSS (KiB) of 3-minute soaks of an Express app, recorded (the file says how). */
const EXPRESS_FILE: unknown = JSON.parse(readFileSync('__fixtures__/soak/express.json', 'utf8'))
function recordedRss(name: string): number[] {
  const found: unknown = typeof EXPRESS_FILE === 'object' && EXPRESS_FILE !== null ? Reflect.get(EXPRESS_FILE, name) : undefined
  if (!Array.isArray(found) || !found.every((v) => typeof v === 'number')) throw new Error(`express.json: no series ${name}`)
  return found.map(Number)
}
const EXPRESS = {
  leaking: recordedRss('leaking'),
  leaking2: recordedRss('leaking2'),
  clean: recordedRss('clean'),
  clean2: recordedRss('clean2'),
}
function recordedHeap(name: string): HeapPoints {
  const found: unknown = typeof EXPRESS_FILE === 'object' && EXPRESS_FILE !== null ? Reflect.get(EXPRESS_FILE, name) : undefined
  const list = (key: string): number[] => {
    const values: unknown = typeof found === 'object' && found !== null ? Reflect.get(found, key) : undefined
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'number')) throw new Error(`express.json: no ${name}.${key}`)
    return values.map(Number)
  }
  return { seconds: list('seconds'), usedKiB: list('usedKiB') }
}

const spike: SpikePlan = { rate: 50, multiple: 5, beforeMs: 3000, burstMs: 2000, afterMs: 5000, recoveryTolerance: 0.2 }

function series(p99Us: number[], errors: number[] = p99Us.map(() => 0)): LoadSeries {
  return { rps: p99Us.map(() => 50), errors, p50Us: p99Us.map((v) => Math.round(v / 2)), p99Us }
}

describe('spike', () => {
  it('runs the burst at rate × multiple between before and before + burst, after the warm-up', () => {
    const rate = rateSchedule({ spike, warmupMs: 1000 }, 50)
    if (typeof rate === 'number') throw new Error('expected a schedule')
    expect([0, 3999, 4000, 5999, 6000].map(rate)).toEqual([50, 50, 250, 250, 50])
    expect(rateSchedule({ warmupMs: 1000 }, 50)).toBe(50)
  })

  it('measures recovery from the end of the burst until p99 stays back within tolerance', () => {
    // seconds 0-2 before (p99 4 ms), 3-4 burst, then a queue draining over three seconds
    const found = analyseSpike(
      series([4000, 4100, 3900, 90_000, 150_000, 80_000, 30_000, 4900, 4500, 4200], [0, 0, 0, 5, 15, 0, 0, 0, 0, 0]),
      spike,
    )
    expect(found).toMatchObject({ beforeP99Us: 4000, burstP99Us: 150_000, recovered: true, recoveryMs: 3000 })
    expect(found?.burstErrorRate).toBeCloseTo(20 / 120, 5)
    // a burst that leaves no trace recovers within the first second; one that never recovers says so
    expect(analyseSpike(series([4000, 4000, 4000, 5000, 5000, 4000, 4000, 4000, 4000, 4000]), spike)).toMatchObject({
      recoveryMs: 1000,
      recovered: true,
    })
    expect(analyseSpike(series([4000, 4000, 4000, 9e4, 9e4, 9e4, 9e4, 9e4, 9e4, 9e4]), spike)).toMatchObject({
      recoveryMs: 5000,
      recovered: false,
    })
  })

  it('does not call one quiet second in a draining queue a recovery', () => {
    const found = analyseSpike(series([4000, 4000, 4000, 9e4, 9e4, 4000, 9e4, 9e4, 4000, 4000]), spike)
    expect(found?.recoveryMs).toBe(4000)
  })
})

function soakRound(rssKiB: number[]): Pick<RoundResult, 'series'> {
  return { series: { ...series(rssKiB.map(() => 5000)), cpuPercent: rssKiB.map(() => 3), rssKiB } }
}

describe('soak', () => {
  it('fits RSS growth in bytes per minute, pairs within rounds only', () => {
    // +100 KiB a second = 6000 KiB a minute, in two rounds that start at different levels
    const rising = Array.from({ length: 20 }, (_, i) => 50_000 + 100 * i)
    const fit = fitSoak([soakRound(rising), soakRound(rising.map((v) => v + 30_000))])
    expect(fit?.rss?.perMinute).toBe(6000 * 1024)
    expect(fit?.rss?.low).toBeGreaterThan(0)
    expect(fit?.p99.perMinute).toBe(0)
  })

  it('fails a leak only when the whole interval is above the limit, warns when it is probably far above it, and says which', () => {
    const MB = 1024 ** 2
    const entry = (perMinute: number, low: number, high: number): EntryResult => ({
      ...summariseEntry(
        { key: 'k', scenario: 'k', tags: [], connections: 1, pipelining: 1, definitionHash: '', thresholds: [], regression: [] },
        [],
      ),
      findings: {
        kind: 'soak',
        rss: { perMinute, low, high, points: 90, effectivePoints: 4.2 },
        p99: { perMinute: 0, low: -1, high: 1, points: 60 },
      },
    })
    const limit = [{ metric: 'leak', bound: 'max', limit: MB, severity: 'fail' }] as const
    const states = (e: EntryResult): string[] => judgeSlopes(e, limit).map((j) => j.state)
    // Over: broken at the threshold's severity.
    const over = entry(3 * MB, 2 * MB, 6 * MB)
    expect(states(over)).toEqual(['over'])
    expect(checkEntry(over, limit)).toMatchObject([{ metric: 'leak', severity: 'fail' }])
    expect(checkEntry(over, limit)[0]?.slope?.state).toBe('over')
    // Not decided, but the estimate over twice the limit: a warning, whatever the severity, worded as probable.
    const probable = entry(7.5 * MB, -2600 * MB, 255 * MB)
    expect(states(probable)).toEqual(['probable'])
    const [warning] = checkEntry(probable, limit)
    expect(warning).toMatchObject({ metric: 'leak', severity: 'warn', actual: 7.5 * MB })
    expect(warning === undefined ? '' : violationSentence(warning)).toBe(
      'k: leak probably +7.5 MB/min (over twice the limit 1.0 MB/min), not decided because its 95 % interval −2.5 GB/min … +255.0 MB/min ' +
        'still reaches below the limit: the memory series was worth 4 independent points of its 90 (it stepped or fell back instead of climbing); a longer soak decides',
    )
    // The CLI's last line without a baseline counts it as what it is, not as a broken threshold.
    expect(thresholdVerdictLine(1, warning === undefined ? [] : [warning])).toMatch(
      /^⚠ warn: 1 probable leak, not decided \(k: leak probably/,
    )
    // Not decided, estimate within twice the limit: nothing flagged, and the row does not say "no leak".
    const open = entry(1.5 * MB, -MB, 3 * MB)
    expect(states(open)).toEqual(['open'])
    expect(checkEntry(open, limit)).toEqual([])
    // The whole interval at or below the limit: no leak.
    const under = entry(0.5 * MB, 0.2 * MB, 0.9 * MB)
    expect(states(under)).toEqual(['under'])
    expect(checkEntry(under, limit)).toEqual([])
    const rowName = (e: EntryResult): string | undefined =>
      profileRows([
        {
          scenario: 'k',
          load: '100 req/s',
          ...(e.findings === undefined ? {} : { findings: e.findings }),
          violations: checkEntry(e, limit),
          slopes: judgeSlopes(e, limit),
        },
      ])[0]?.finding
    expect([over, probable, open, under].map(rowName)).toEqual([
      'leak',
      'probable leak, not decided',
      'RSS growth (not decided)',
      'RSS growth (no leak)',
    ])
  })
})

/** A soak entry with `rssKiB` as its one round's series (and `heap`, its heap readings) and the default 1 MB/min leak limit. */
function soakEntry(rssKiB: number[], heap?: HeapPoints): EntryResult {
  const round = heap === undefined ? soakRound(rssKiB) : { ...soakRound(rssKiB), heap }
  const fit = fitSoak([round])
  return {
    ...summariseEntry(
      {
        key: 'soak',
        scenario: 'soak',
        tags: [],
        connections: 1,
        pipelining: 1,
        definitionHash: '',
        thresholds: [{ metric: 'leak', bound: 'max', limit: 1024 ** 2, severity: 'fail' }],
        regression: [],
      },
      [],
    ),
    ...(fit === undefined ? {} : { findings: { kind: 'soak' as const, ...fit } }),
  }
}

/** 180 seconds of RSS (KiB): `shape(t)` plus AR(1) noise of φ = 0.8 and 300 KiB innovations. */
function memory(seed: string, shape: (t: number) => number): number[] {
  const noise = normalSource(seed)
  let e = 0
  return Array.from({ length: 180 }, (_, i) => {
    e = 0.8 * e + 300 * noise()
    return Math.round(shape(i + 1) + e)
  })
}

describe('soak: leak verdicts on real runtimes', () => {
  // The heap growing to its working size: +20 MB, most of it in the first minute, then flat. Over
  // the whole window the old rule fitted several MB/min with an interval above 0 and failed it.
  const sizing = (t: number): number => 60_000 + 20_000 * (1 - Math.exp(-t / 30))
  // A leak of 6 MB a minute (1 KB a request at 100 req/s) from start to end.
  const leaking = (t: number): number => 60_000 + (6 * 1024 * t) / 60

  it('does not flag growth that levels off (heap sizing), judging the later half of the window', () => {
    for (const seed of ['sizing-1', 'sizing-2', 'sizing-3']) {
      const entry = soakEntry(memory(seed, sizing))
      expect(checkEntry(entry, entry.thresholds)).toEqual([])
      expect(entry.findings?.kind === 'soak' ? entry.findings.rss?.fromSecond : undefined).toBe(91)
    }
  })

  it('flags a steady leak of 6 MB/min', () => {
    for (const seed of ['leak-1', 'leak-2', 'leak-3']) {
      const entry = soakEntry(memory(seed, leaking))
      const [violation] = checkEntry(entry, entry.thresholds)
      expect(violation?.metric).toBe('leak')
      expect(violation?.actual).toBeGreaterThan(4 * 1024 ** 2)
    }
  })

  // Recorded from an Express 5 app (__fixtures__/soak/express.json): a route keeping a 1 KB string a
  // request at 100 req/s, whose RSS climbs and then falls by 30–43 MB when V8 gives memory back, and
  // a route keeping nothing, flat. The leak's interval spans gigabytes (worth 4 of 90 points): it read
  // "no leak" before; the estimate (+7.5 and +9.5 MB/min) makes it a probable leak, a warning.
  it('warns of a probable leak on an Express route whose memory climbs and falls back, and flags nothing on a clean one', () => {
    for (const rss of [EXPRESS.leaking, EXPRESS.leaking2]) {
      const entry = soakEntry(rss)
      const [warning, ...more] = checkEntry(entry, entry.thresholds)
      expect(more).toEqual([])
      expect(warning?.severity).toBe('warn')
      expect(warning?.slope?.state).toBe('probable')
      expect(warning?.actual).toBeGreaterThan(5 * 1024 ** 2)
    }
    for (const rss of [EXPRESS.clean, EXPRESS.clean2]) {
      const entry = soakEntry(rss)
      expect(checkEntry(entry, entry.thresholds)).toEqual([])
      expect(judgeSlopes(entry, entry.thresholds).map((j) => j.state)).not.toContain('probable')
    }
  })

  // The same routes with the heap after each full collection recorded (a Node app's soak round does):
  // the leak the RSS could not decide is a straight line in the heap (+2.8 MB/min), and fails.
  it('fails the Express leak on its heap after full collections, and passes the clean route on it', () => {
    const leaking = soakEntry(EXPRESS.leaking, recordedHeap('heapLeaking'))
    const fit = leaking.findings?.kind === 'soak' ? leaking.findings.heap : undefined
    expect(fit?.perMinute).toBeGreaterThan(2.5 * 1024 ** 2)
    expect(fit?.low).toBeGreaterThan(1024 ** 2)
    expect(fit?.fromSecond).toBe(91)
    const violations = checkEntry(leaking, leaking.thresholds)
    expect(violations).toHaveLength(1)
    const [violation] = violations
    expect(violation).toMatchObject({ metric: 'leak', severity: 'fail', slope: { series: 'heap' } })
    expect(violation === undefined ? '' : violationSentence(violation)).toMatch(
      /^soak: leak \(JS heap after full GC\) 2\.\d MB\/min is above the limit 1\.0 MB\/min$/,
    )
    const rows = profileRows([
      {
        scenario: 'soak',
        load: '100 req/s',
        ...(leaking.findings === undefined ? {} : { findings: leaking.findings }),
        violations,
        slopes: judgeSlopes(leaking, leaking.thresholds),
      },
    ])
    expect(rows.map((r) => [r.finding, r.severity])).toEqual([
      ['probable leak, not decided', undefined],
      ['JS heap leak', 'fail'],
      ['p99 drift', undefined],
    ])
    expect(rows[1]?.value).toMatch(/^heap after full GC \+2\.\d MB\/min from second 91 \(95 % CI \+/)

    const clean = soakEntry(EXPRESS.clean, recordedHeap('heapClean'))
    expect(checkEntry(clean, clean.thresholds)).toEqual([])
    expect(judgeSlopes(clean, clean.thresholds).map((j) => [j.series, j.state])).toEqual([
      ['rss', 'under'],
      ['heap', 'under'],
    ])
  })

  it('fits no heap slope from fewer than five full collections in the judged half', () => {
    const heap = recordedHeap('heapLeaking')
    // Four collections from second 91 on (93.5, 108.3, 123.1, 134.6 s): a slope could be fitted, and is not.
    const few = { seconds: heap.seconds.slice(0, 14), usedKiB: heap.usedKiB.slice(0, 14) }
    expect(few.seconds.filter((s) => s >= 90)).toHaveLength(4)
    const entry = soakEntry(EXPRESS.clean, few)
    expect(entry.findings?.kind === 'soak' ? entry.findings.heap : 'not soak').toBeUndefined()
  })

  it('same-job: judges the head against the base measured beside it, failing only the growth it adds', () => {
    const base = soakEntry(memory('base', (t) => 60_000 + (3 * 1024 * t) / 60))
    const sameGrowth = soakEntry(memory('head-same', (t) => 60_000 + (3 * 1024 * t) / 60))
    // The runtime's own 3 MB/min alone is over the 1 MB/min limit; against the base it is nothing.
    expect(checkEntry(sameGrowth, sameGrowth.thresholds)).toHaveLength(1)
    expect(checkEntry(sameGrowth, sameGrowth.thresholds, base)).toEqual([])
    const added = soakEntry(memory('head-leak', (t) => 60_000 + (9 * 1024 * t) / 60))
    const [violation] = checkEntry(added, added.thresholds, base)
    expect(violation?.actual).toBeGreaterThan(4 * 1024 ** 2)
    expect(violation?.baseSlope).toBeGreaterThan(1024 ** 2)
  })

  it('same-job: judges the head’s heap against the base’s too, so a leak both have fails neither', () => {
    const flat = EXPRESS.clean
    const heapLeak = recordedHeap('heapLeaking')
    // Both sides keep what the base already kept: the heap slopes cancel.
    const base = soakEntry(flat, heapLeak)
    const head = soakEntry(flat, heapLeak)
    expect(checkEntry(head, head.thresholds)).toMatchObject([{ slope: { series: 'heap' }, severity: 'fail' }])
    expect(checkEntry(head, head.thresholds, base)).toEqual([])
    // A head that adds the leak to a base whose heap stays flat fails on the heap, naming the base's slope.
    const cleanBase = soakEntry(flat, recordedHeap('heapClean'))
    const [violation] = checkEntry(head, head.thresholds, cleanBase)
    expect(violation).toMatchObject({ slope: { series: 'heap' }, severity: 'fail' })
    expect(Math.abs(violation?.baseSlope ?? Infinity)).toBeLessThan(0.2 * 1024 ** 2)
  })
})

describe('per-second series', () => {
  it('counts responses and failures per whole second of the window and drops the partial last one', async () => {
    const recorder = new SecondRecorder()
    recorder.start(performance.now())
    recorder.ok(2)
    recorder.ok(4)
    recorder.failed()
    await new Promise((resolve) => setTimeout(resolve, 1050))
    recorder.ok(10)
    const out = recorder.finish(2500)
    expect(out.rps).toEqual([2, 1])
    expect(out.errors).toEqual([1, 0])
    expect(out.p99Us[0]).toBeGreaterThanOrEqual(3990)
    expect(out.p50Us[1]).toBeGreaterThanOrEqual(9990)
  })

  it('counts a last second the window missed by a few ms of timer jitter, and not one it missed by more', () => {
    const series = (durationMs: number): number => {
      const recorder = new SecondRecorder()
      recorder.start(performance.now())
      return recorder.finish(durationMs).rps.length
    }
    expect(series(8990)).toBe(9)
    expect(series(9000)).toBe(9)
    expect(series(8900)).toBe(8)
  })

  it('joins the server’s seconds as integers, trimmed to the shorter of the two lists', () => {
    const joined = roundSeries(series([1000, 2000, 3000]), { cpuPercent: [12.4, 50.6], rssBytes: [2048, 4096.4] })
    expect(joined).toEqual({ rps: [50, 50], errors: [0, 0], p50Us: [500, 1000], p99Us: [1000, 2000], cpuPercent: [12, 51], rssKiB: [2, 4] })
  })
})

describe('profile rows', () => {
  it('gives one row per finding, flagged when its threshold broke, with the baseline beside it', () => {
    const rows = profileRows([
      {
        scenario: 'cache',
        load: '50 req/s',
        findings: {
          kind: 'soak',
          rss: { perMinute: 3.1 * 1024 ** 2, low: 2.8 * 1024 ** 2, high: 3.4 * 1024 ** 2, points: 60 },
          p99: { perMinute: 0, low: -10, high: 10, points: 60 },
        },
        violations: [
          {
            entry: 'cache @ 50 req/s',
            metric: 'leak',
            severity: 'fail',
            actual: 1,
            threshold: { metric: 'leak', bound: 'max', limit: 1, severity: 'fail' },
          },
        ],
      },
      {
        scenario: 'queue',
        load: '50 req/s',
        findings: { kind: 'spike', recoveryMs: 3000, burstP99Us: 150_000, burstErrorRate: 0.01, beforeP99Us: 4000, unrecovered: 0 },
        base: { kind: 'spike', recoveryMs: 1000, burstP99Us: 90_000, burstErrorRate: 0, beforeP99Us: 4000, unrecovered: 0 },
        violations: [],
      },
      {
        scenario: 'upload',
        load: '2 conn · 64KB',
        findings: { kind: 'volume', bodyBytes: 65_536, sentBytesPerSec: 12.5 * 1024 ** 2, receivedBytesPerSec: 2048 },
        violations: [],
      },
    ])
    expect(rows.map((r) => [r.finding, r.value, r.baseline, r.severity])).toEqual([
      ['leak', 'RSS +3.1 MB/min (95 % CI +2.8 MB … +3.4 MB)', '', 'fail'],
      ['p99 drift', '+0.000 ms/min (95 % CI −0.010 ms … +0.010 ms)', '', undefined],
      ['spike recovery', '3.0 s until p99 was back near 4.000 ms', '1.0 s (+2.0 s)', undefined],
      ['burst', 'p99 150.0 ms, 1 % errors', 'p99 90.00 ms, 0 % errors', undefined],
      ['volume', '12.5 MB/s sent, 2.0 KB/s received', '', undefined],
    ])
  })
})
