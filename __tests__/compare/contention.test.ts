// Other work on the app's CPUs (app.cpus: separate; each round's server.othersCpuPercent): two
// measurements whose apps met very different amounts of it compare the machine, not the code. Separate
// runs so measured warn instead of failing and say why; a same-job pair so measured is left out. The
// recorded runs are an Express app's (`cannonade init`, one scenario, 10 connections, 5 rounds of 3 s,
// pinned beside the probe; bench/separate-real.ts SEPARATE_CONTEND=5, 2026-12-05): an unchanged run
// while a process computing half the time ran on the app's CPU, and the quiet run two runs before it.
import { describe, expect, it } from 'vitest'
import { syntheticResults } from '../../__fixtures__/results/build.js'
import { recordedRun } from '../../__fixtures__/separate/recorded.js'
import { compare } from '../../src/compare/compare.js'
import type { MetricComparison } from '../../src/compare/types.js'
import type { Results } from '../../src/results/document.js'
import { comparedMetricLabel } from '../../src/report/change.js'
import { notices, reportRows } from '../../src/report/rows.js'

const wobble = [1, 1.01, 0.99, 1.005, 0.995]

/** Five rounds of one entry at `rps`, other work having taken `others` % of the app's CPUs in each (or not measured). */
function run(rps: number, others: readonly (number | undefined)[]): Results {
  const results = syntheticResults([
    { scenario: 'search', rps: wobble.map((w) => rps * w), p50Us: wobble.map((w) => Math.round(20_000 / w)) },
  ])
  const entry = results.entries[0]
  if (entry === undefined) throw new Error('no entry')
  const rounds = entry.rounds.map((r, i) => {
    const share = others[i]
    return r.server === undefined || share === undefined ? r : { ...r, server: { ...r.server, othersCpuPercent: share } }
  })
  return { ...results, entries: [{ ...entry, rounds }] }
}

const five = (share: number | undefined): (number | undefined)[] => wobble.map(() => share)
const rpsOf = (c: ReturnType<typeof compare>): MetricComparison | undefined => c.entries[0]?.metrics.find((m) => m.metric === 'rps')
/** The report row's detail of one metric (rps unless named), wherever the row is listed. */
const detailOf = (c: ReturnType<typeof compare>, metric: MetricComparison['metric'] = 'rps'): string | undefined =>
  [...reportRows(c).notable, ...reportRows(c).unchanged].find((r) => r.metric === comparedMetricLabel(metric))?.detail

describe('separate runs whose apps met different amounts of other work', () => {
  it('warns instead of failing a head measured while other work took 45 % of the app’s CPUs, and says so in the row', () => {
    const unmeasured = compare(run(500, five(undefined)), run(250, five(undefined)))
    expect(unmeasured.outcome).toBe('fail')
    const c = compare(run(500, five(3)), run(250, five(45)))
    expect(c.entries[0]?.contention).toEqual({ base: 3, head: 45 })
    expect(rpsOf(c)?.verdict).toBe('regression')
    expect(rpsOf(c)?.severity).toBe('warn')
    expect(c.outcome).toBe('warn')
    expect(detailOf(c)).toContain("other work used 45 % of the app's CPUs in this run, 3 % in the baseline's: warns only")
    expect(notices(c).map((n) => n.text)).toContainEqual(
      expect.stringMatching(
        /^Other processes used 45 % of the app's CPUs in this run \(3 % in the other\): .* A regression of throughput or latency there therefore only warns/,
      ),
    )
    // Every latency percentile compared is held back alike, and says so.
    for (const metric of ['p50', 'p90', 'p95', 'p99'] as const) {
      expect(detailOf(c, metric), metric).toContain("other work used 45 % of the app's CPUs")
    }
    // Its CPU per request is the app's own, which other work does not slow: judged as before.
    expect(c.entries[0]?.metrics.find((m) => m.metric === 'cpu')?.severity).toBe('fail')
  })

  it('claims no improvement, nor unchanged, against a baseline whose app met other work', () => {
    // The baseline slowed by other work: a head twice as fast, and one of the same speed (which may
    // be a slower code on a quiet machine), are both undecided.
    const faster = compare(run(250, five(45)), run(500, five(3)))
    expect(faster.entries[0]?.contention).toEqual({ base: 45, head: 3 })
    expect(rpsOf(faster)?.verdict).toBe('inconclusive')
    expect(detailOf(faster)).toContain("other work used 3 % of the app's CPUs in this run, 45 % in the baseline's: not decided")
    expect(compare(run(250, five(undefined)), run(500, five(undefined))).entries[0]?.metrics.find((m) => m.metric === 'rps')?.verdict).toBe(
      'improvement',
    )
    const same = compare(run(500, five(45)), run(500, five(3)))
    expect(rpsOf(same)?.verdict).toBe('inconclusive')
    expect(compare(run(500, five(2)), run(500, five(3))).entries[0]?.contention).toBeUndefined()
  })

  it('fails a regression found although the baseline’s app met more of it, as where a costlier head leaves full CPUs less to others', () => {
    // Beside eight busy loops a head needing 2.5 times the CPU per request took more of its CPUs and
    // left other work 12–17 % where the baseline's left it 38–43 % (the demo's /cpu, 2026-12-05):
    // other work can only have slowed the baseline, so the head's regression is its own.
    const c = compare(run(500, five(41)), run(250, five(14)))
    expect(c.entries[0]?.contention).toEqual({ base: 41, head: 14 })
    expect(rpsOf(c)?.verdict).toBe('regression')
    expect(rpsOf(c)?.severity).toBe('fail')
    expect(c.outcome).toBe('fail')
    expect(detailOf(c)).toContain(
      "other work used 14 % of the app's CPUs in this run, 41 % in the baseline's: judged as measured, as it can only have slowed the baseline's",
    )
    expect(notices(c).map((n) => n.text)).toContainEqual(
      expect.stringMatching(/a regression found although the baseline's app met more stands/),
    )
    // A head twice as fast although it met more: its improvement is judged as measured, where before
    // it was held undecided for the other work.
    const faster = compare(run(250, five(3)), run(500, five(45)))
    expect(rpsOf(faster)?.verdict).toBe('improvement')
    expect(detailOf(faster)).toContain('judged as measured, as it can only have slowed this run')
  })

  it('fails as before where both runs met about as much of it (a database beside the app, say)', () => {
    const c = compare(run(500, five(30)), run(250, five(38)))
    expect(c.entries[0]?.contention).toBeUndefined()
    expect(c.outcome).toBe('fail')
  })

  it('judges an app that mostly waits as before: woken ahead of other work, it serves as fast', () => {
    const waiting = (results: Results): Results => ({
      ...results,
      entries: results.entries.map((e) => ({
        ...e,
        rounds: e.rounds.map((r) => (r.server === undefined ? r : { ...r, server: { ...r.server, cpuPercent: 4 } })),
      })),
    })
    const c = compare(waiting(run(500, five(3))), waiting(run(250, five(60))))
    expect(c.entries[0]?.contention).toBeUndefined()
    expect(c.outcome).toBe('fail')
    const paired = compare(waiting(run(500, [2, 2, 2, 40, 2])), waiting(run(500, [3, 50, 2, 45, 30])), { paired: true })
    expect(paired.entries[0]?.metrics.find((m) => m.metric === 'rps')?.headRounds).toBe(5)
  })

  it('compares the medians of the runs’ rounds: one busy round does not make a run contended', () => {
    const c = compare(run(500, five(2)), run(250, [2, 3, 60, 2, 4]))
    expect(c.entries[0]?.contention).toBeUndefined()
    expect(c.outcome).toBe('fail')
    // The busy round stays in, flagged, and the note says what the comparison stands on.
    expect(notices(c).map((n) => n.text)).toContainEqual(
      expect.stringMatching(
        /^Other processes used up to 60 % of the app's CPUs in 1 round: .* The two runs' median rounds met about as much of it/,
      ),
    )
  })

  it('leaves runs alone where one did not measure it (a baseline from before it was recorded)', () => {
    expect(compare(run(500, five(undefined)), run(250, five(45))).outcome).toBe('fail')
  })
})

/** The same run without its readings of other work, as a run before them has. */
function unmeasured(results: Results): Results {
  return {
    ...results,
    entries: results.entries.map((e) => ({
      ...e,
      rounds: e.rounds.map((r) => {
        if (r.server === undefined) return r
        const { othersCpuPercent: _dropped, ...server } = r.server
        return { ...r, server }
      }),
    })),
  }
}

describe('separate runs whose apps met different amounts of other work, recorded', () => {
  const quiet = recordedRun('express-quiet')
  const contended = recordedRun('express-unchanged-contended')

  it('does not fail an unchanged run whose app shared its CPU with other work, which it failed without the readings', () => {
    const shares = (r: Results): number[] => r.entries[0]?.rounds.map((x) => x.server?.othersCpuPercent ?? NaN) ?? []
    expect(Math.max(...shares(quiet))).toBeLessThan(2)
    expect(Math.min(...shares(contended))).toBeGreaterThan(20)
    // The probe, which times its own CPU time, read the machine no slower: the app was starved, not slow.
    const probe = (r: Results): number => Math.max(...(r.entries[0]?.rounds.map((x) => x.speedProbeUs ?? NaN) ?? []))
    expect(probe(contended)).toBeLessThan(probe(quiet) * 1.2)
    expect(compare(unmeasured(quiet), unmeasured(contended)).outcome).toBe('fail')
    const c = compare(quiet, contended)
    expect(c.outcome).toBe('warn')
    expect(c.entries[0]?.contention?.head).toBeGreaterThan(20)
    const failing = c.findings.filter((f) => f.severity === 'fail')
    expect(failing).toEqual([])
  })
})

describe('same-job pairs whose rounds met different amounts of other work', () => {
  it('leaves such a pair out, and keeps pairs that met about as much', () => {
    const base = run(500, [2, 2, 2, 40, 2])
    const head = run(500, [3, 50, 2, 45, 30])
    const rps = rpsOf(compare(base, head, { paired: true }))
    // Round 2 (2 against 50) and round 5 (2 against 30) are left out; round 4 (40 against 45) is kept.
    expect(rps?.baseRounds).toBe(3)
    expect(rps?.headRounds).toBe(3)
    expect(rpsOf(compare(run(500, five(2)), run(500, five(3)), { paired: true }))?.headRounds).toBe(5)
    // The reader is told: 4 rounds of both sides above 20 %, the largest 50 %.
    const c = compare(base, head, { paired: true })
    expect(c.entries[0]?.sharedCpu).toEqual({ rounds: 4, most: 50 })
    expect(c.entries[0]?.unevenPairs).toBe(2)
    expect(notices(c).map((n) => n.text)).toContainEqual(
      "Other processes used up to 50 % of the app's CPUs in 4 rounds: the app served slower there than the machine allows. 2 pairs whose two rounds' shares differed by more than 15 points from the pairs' usual difference were left out.",
    )
    // Busy rounds on both sides alike (a process beside both apps all along): nothing left out, and the note says so.
    const alike = compare(run(500, [44, 46, 45, 43, 44]), run(500, [45, 44, 47, 44, 43]), { paired: true })
    expect(alike.entries[0]?.unevenPairs).toBeUndefined()
    expect(notices(alike).map((n) => n.text)).toContainEqual(
      "Other processes used up to 47 % of the app's CPUs in 10 rounds: the app served slower there than the machine allows. Every pair's two rounds met about as much of it as the pairs usually did (within 15 points), so every pair was compared.",
    )
  })

  it('keeps the pairs of a head that leaves other work less of full CPUs in every pair, and still leaves out the pair that met a burst', () => {
    // Four busy loops beside both apps, a head that needs 2.5 times the CPU per request: in every pair
    // the head's app took some 20 points more of the CPUs and other work that much less (the
    // same-job e2e's rounds, 2026-12-05). Measured against no difference, all five pairs were left out.
    const base = run(500, [62, 60, 61, 63, 60])
    const slower = run(250, [41, 39, 42, 40, 38])
    const rps = rpsOf(compare(base, slower, { paired: true }))
    expect(rps?.headRounds).toBe(5)
    expect(rps?.verdict).toBe('regression')
    // The same head whose third round met a burst of other work besides: that pair alone is out.
    const burst = compare(base, run(250, [41, 39, 80, 40, 38]), { paired: true })
    expect(rpsOf(burst)?.headRounds).toBe(4)
    expect(burst.entries[0]?.unevenPairs).toBe(1)
    // Below three pairs there is no usual difference to speak of: measured against none.
    const two = (r: Results): Results => ({ ...r, entries: r.entries.map((e) => ({ ...e, rounds: e.rounds.slice(0, 2) })) })
    expect(compare(two(base), two(slower), { paired: true }).entries[0]?.unevenPairs).toBe(2)
  })

  it('tells a run without a baseline that its rounds met other work, which would hold back a comparison with it', () => {
    const c = compare(undefined, run(500, [30, 2, 2, 2, 2]))
    expect(notices(c).map((n) => n.text)).toContainEqual(
      expect.stringMatching(/^Other processes used up to 30 % of the app's CPUs in 1 round: .* not decided\.$/),
    )
    expect(
      notices(compare(undefined, run(500, five(3))))
        .map((n) => n.text)
        .join('\n'),
    ).not.toContain('Other processes')
  })
})
