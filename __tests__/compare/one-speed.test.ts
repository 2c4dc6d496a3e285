// Separate runs at one machine speed (compare.ts atOneSpeed, confirmedAtOneSpeed): a verdict of two
// runs measured apart must also hold with each round taken to one speed of the machine, as the speed
// probe read it. The recorded runs are an Express app's (`cannonade init`, one scenario, 10
// connections, 5 rounds of 3 s, the app pinned beside the probe; bench/separate-real.ts, 2026-12-05):
// the base at probe 458–470 µs a unit, an unchanged run two minutes earlier while the machine ran
// slower (probe 791–842 µs), and a head doing 3× the work on the route at the base's speed.
import { describe, expect, it } from 'vitest'
import { normalSource } from '../../__fixtures__/random.js'
import { syntheticResults } from '../../__fixtures__/results/build.js'
import { recordedRun } from '../../__fixtures__/separate/recorded.js'
import { atOneSpeed, compare, confirmedAtOneSpeed, SPEED_REFERENCE_US, viewThatDecides } from '../../src/compare/compare.js'
import type { MetricComparison } from '../../src/compare/types.js'
import { extendHistory, runToRunOf } from '../../src/history/build.js'
import type { History } from '../../src/history/document.js'
import type { Results } from '../../src/results/document.js'
import { comparedMetricLabel } from '../../src/report/change.js'
import { reportRows } from '../../src/report/rows.js'
import type { Verdict } from '../../src/stats/stats.js'

/** The same run without its speed probe readings, as a run before the probe (or with `app.cpus: shared`) has. */
function unprobed(results: Results): Results {
  return {
    ...results,
    entries: results.entries.map((e) => ({ ...e, rounds: e.rounds.map(({ speedProbeUs: _dropped, ...round }) => round) })),
  }
}

const metricOf = (results: ReturnType<typeof compare>, metric: string): MetricComparison | undefined =>
  results.entries[0]?.metrics.find((m) => m.metric === metric)

describe('separate runs at one machine speed, on recorded runs', () => {
  const base = recordedRun('express-base')
  const slowMachine = recordedRun('express-unchanged-slow-machine')

  it('does not fail an unchanged run measured while the machine ran 1.7× slower, which it failed without the probe', () => {
    const without = compare(unprobed(base), unprobed(slowMachine))
    expect(without.outcome).toBe('fail')
    const withProbe = compare(base, slowMachine)
    expect(withProbe.outcome).not.toBe('fail')
    const rps = metricOf(withProbe, 'rps')
    expect(rps?.oneSpeed?.machine).toBeGreaterThan(1.6)
    expect(rps?.oneSpeed?.machine).toBeLessThan(1.9)
    // Every latency percentile is taken to one speed, as throughput is (p95 once was not).
    for (const metric of ['p50', 'p90', 'p95', 'p99', 'p999'])
      expect(metricOf(withProbe, metric)?.oneSpeed?.machine, metric).toBeGreaterThan(1.6)
    // Measured, throughput fell by about half; at one speed it did not move beyond its noise.
    expect(rps?.change).toBeLessThan(-0.4)
    expect(Math.abs(rps?.oneSpeed?.change ?? 1)).toBeLessThan(0.2)
    const gated = withProbe.entries.flatMap((e) => e.metrics.filter((m) => m.gated))
    expect(gated.filter((m) => m.verdict === 'regression' || m.verdict === 'improvement')).toEqual([])
    // Nor the other way round: the slow run as the baseline claims no improvement.
    const reversed = compare(slowMachine, base).entries.flatMap((e) => e.metrics.filter((m) => m.gated))
    expect(reversed.filter((m) => m.verdict === 'improvement' || m.verdict === 'regression')).toEqual([])
  })

  it('says in the row that the change was not confirmed at one speed, and why', () => {
    const rows = reportRows(compare(unprobed(base), slowMachine))
    // One side without readings: nothing to take to one speed, the rule as before.
    expect(rows.notable.map((r) => r.detail).join('\n')).not.toContain('one machine speed')
    const probed = reportRows(compare(base, slowMachine))
    const p50 = [...probed.notable, ...probed.unchanged].find((r) => r.metric === 'latency p50')
    expect(p50?.detail).toMatch(
      /at one machine speed [+-]\d+\.\d % \([^)]*\): the speed probe found the machine 7\d % slower for this run, so the regression measured is not confirmed/,
    )
  })

  it('still fails a head doing 3× the work on the route', () => {
    const c = compare(base, recordedRun('express-3x'))
    expect(c.outcome).toBe('fail')
    const rps = metricOf(c, 'rps')
    expect(rps?.verdict).toBe('regression')
    expect(rps?.oneSpeed?.verdict).toBe('regression')
  })
})

describe('separate runs at one machine speed, by construction', () => {
  // Five rounds a side, 1 % round noise, a fixed pattern; the probe's reading per round.
  const wobble = [1, 1.01, 0.99, 1.005, 0.995]
  const run = (rps: number, p50Us: number, probeUs: number, moves: boolean): Results => {
    const results = syntheticResults([
      {
        scenario: 'search',
        rps: wobble.map((w) => rps * w),
        p50Us: wobble.map((w) => Math.round(p50Us / w)),
        cpuUsPerRequest: wobble.map((w) => (moves ? 2000 : 200) / w),
      },
    ])
    const entry = results.entries[0]
    if (entry === undefined) throw new Error('no entry')
    return { ...results, entries: [{ ...entry, rounds: entry.rounds.map((r) => ({ ...r, speedProbeUs: probeUs })) }] }
  }

  it('fails a 3× slower head whose run found the machine 1.3× faster', () => {
    const c = compare(run(500, 20_000, 470, true), run(500 / 3, 60_000, 470 / 1.3, true))
    expect(metricOf(c, 'rps')?.verdict).toBe('regression')
    expect(metricOf(c, 'rps')?.oneSpeed?.machine).toBeCloseTo(1 / 1.3, 5)
    expect(c.outcome).toBe('fail')
  })

  it('claims nothing for a route that waits, whose numbers the machine’s speed does not move', () => {
    // The same numbers on both sides while the probe says the head's machine ran 1.7× slower: at one
    // speed the head would look 1.7× faster, which the measured numbers do not confirm.
    const c = compare(run(400, 25_000, 470, false), run(400, 25_000, 800, false))
    const rps = metricOf(c, 'rps')
    expect(rps?.oneSpeed?.verdict).toBe('improvement')
    expect(rps?.verdict).not.toBe('improvement')
    expect(c.outcome).toBe('pass')
  })

  it('leaves runs alone where a round has no reading', () => {
    const probed = run(500, 20_000, 470, true)
    const entry = probed.entries[0]
    if (entry === undefined) throw new Error('no entry')
    const partly: Results = {
      ...probed,
      entries: [
        { ...entry, rounds: entry.rounds.map(({ speedProbeUs, ...r }, i) => (i === 2 ? r : { ...r, speedProbeUs: speedProbeUs ?? 0 })) },
      ],
    }
    expect(atOneSpeed(partly.entries[0]?.rounds ?? [], entry.rounds, 'rps')).toBeUndefined()
    expect(atOneSpeed(entry.rounds, entry.rounds, 'rss')).toBeUndefined()
    expect(atOneSpeed(entry.rounds, entry.rounds, 'rps')?.machine).toBe(1)
  })
})

describe('confirmedAtOneSpeed', () => {
  const metric = (verdict: Verdict, probable = false): MetricComparison => ({
    metric: 'rps',
    direction: 'higher-is-better',
    base: 500,
    head: 400,
    change: -0.2,
    low: -0.3,
    high: -0.1,
    relative: true,
    pValue: 0.01,
    cvBase: 0.01,
    cvHead: 0.01,
    detectable: 0.05,
    tolerance: 0.05,
    severity: 'fail',
    gated: true,
    verdict,
    baseRounds: 5,
    headRounds: 5,
    outliers: { base: [], head: [] },
    ...(probable ? { probable: true } : {}),
  })
  const cases: [Verdict, boolean, Verdict, boolean, Verdict, boolean][] = [
    ['regression', false, 'regression', false, 'regression', false],
    ['regression', false, 'inconclusive', false, 'inconclusive', false],
    ['regression', false, 'inconclusive', true, 'inconclusive', true],
    ['inconclusive', true, 'regression', false, 'inconclusive', true],
    ['inconclusive', true, 'inconclusive', false, 'inconclusive', false],
    ['inconclusive', true, 'inconclusive', true, 'inconclusive', true],
    ['regression', false, 'unchanged', false, 'inconclusive', false],
    ['unchanged', false, 'improvement', false, 'unchanged', false],
    ['improvement', false, 'unchanged', false, 'unchanged', false],
    ['improvement', false, 'inconclusive', false, 'inconclusive', false],
    ['unchanged', false, 'unchanged', false, 'unchanged', false],
  ]
  it.each(cases)('measured %s (probable %s), at one speed %s (probable %s): %s (probable %s)', (mv, mp, ov, op, verdict, probable) => {
    const confirmed = confirmedAtOneSpeed(metric(mv, mp), metric(ov, op), 1.5)
    expect(confirmed.verdict).toBe(verdict)
    expect(confirmed.probable === true).toBe(probable)
    const overruled = mv !== verdict ? { overruled: mv } : mp && !probable ? { overruled: 'probable' } : {}
    expect(confirmed.oneSpeed).toEqual({ change: -0.2, low: -0.3, high: -0.1, verdict: ov, machine: 1.5, ...overruled })
  })
})

describe('separate runs against ten runs of history at one machine speed (seeded)', () => {
  // A route whose numbers follow the machine's speed with slope `follows` (1: it computes, 0: it
  // waits), doing `work` times the base's work, in a run whose machine is `slow` times slower than at
  // the probe's reference. Each of its five rounds gets the machine 5 % off the run's, 2 % noise of
  // its own, and a probe reading 2 % off the machine's.
  // Built once (a synthetic run encodes histograms, which is slow), its rounds rescaled for each run.
  const template = syntheticResults([
    {
      scenario: 'search',
      rps: [500, 500, 500, 500, 500],
      p50Us: [20_000, 20_000, 20_000, 20_000, 20_000],
      cpuUsPerRequest: [2000, 2000, 2000, 2000, 2000],
    },
  ])
  const routeRun = (normal: () => number, slow: number, work: number, follows: number): Results => {
    const entry = template.entries[0]
    if (entry === undefined) throw new Error('no entry')
    const rounds = entry.rounds.map((r) => {
      const machine = slow * Math.exp(0.05 * normal())
      const cost = work * machine ** follows * Math.exp(0.02 * normal())
      const latencyUs = Object.fromEntries(Object.entries(r.latencyUs).map(([k, v]) => [k, v * cost]))
      return {
        ...r,
        rps: r.rps / cost,
        latencyUs: { ...r.latencyUs, ...latencyUs },
        ...(r.server === undefined ? {} : { server: { ...r.server, cpuUsPerRequest: r.server.cpuUsPerRequest * cost } }),
        speedProbeUs: SPEED_REFERENCE_US * machine * Math.exp(0.02 * normal()),
      }
    })
    return { ...template, entries: [{ ...entry, rounds }] }
  }
  /** Ten base runs on a machine whose speed moves by a log SD of 0.2 from run to run, then a head run. */
  const trial = (seed: string, work: number, follows: number): ReturnType<typeof compare> => {
    const normal = normalSource(seed)
    const machine = (): number => Math.exp(0.2 * normal())
    const bases = Array.from({ length: 10 }, () => routeRun(normal, machine(), 1, follows))
    let history: History | undefined
    for (const [i, b] of bases.entries()) history = extendHistory(history, b, i + 1)
    if (history === undefined) throw new Error('no history')
    return compare(bases.at(-1), routeRun(normal, machine(), work, follows), { runToRun: runToRunOf(history) })
  }
  const TRIALS = 100
  const tally = (work: number, follows: number): { failed: number; improved: number; decidedAtSpeed: number } => {
    let failed = 0
    let improved = 0
    let decidedAtSpeed = 0
    for (let t = 0; t < TRIALS; t++) {
      const c = trial(`one-speed-history:${work}:${follows}:${t}`, work, follows)
      const gated = c.entries.flatMap((e) => e.metrics.filter((m) => m.gated))
      if (c.outcome === 'fail') failed++
      if (gated.some((m) => m.verdict === 'improvement')) improved++
      if (gated.some((m) => m.oneSpeed?.measured !== undefined)) decidedAtSpeed++
    }
    return { failed, improved, decidedAtSpeed }
  }

  it('catches a route doing 1.25× the work in at least 80 % of runs where the machine drifts ±20 % between runs', () => {
    const slower = tally(1.25, 1)
    expect(slower.decidedAtSpeed).toBe(TRIALS)
    expect(slower.failed).toBeGreaterThanOrEqual(0.8 * TRIALS)
    // The row says which view decided, and what the values as measured said.
    const rows = reportRows(trial('one-speed-history:1.25:1:0', 1.25, 1))
    const rps = [...rows.notable, ...rows.unchanged].find((r) => r.metric === comparedMetricLabel('rps'))
    expect(rps?.detail).toMatch(
      /decided at one machine speed, where the base branch's runs vary less \(±[\d.]+ % as measured\): the speed probe found the machine [\d.]+ % (slower|faster) for this run; as measured [+-][\d.]+ % \([^)]*\), (regression|inconclusive|unchanged|improvement)/,
    )
  })

  it.each([
    [1, 'computes'],
    [0.5, 'half computes, half waits'],
    [0, 'waits'],
  ])('fails no unchanged head, and claims no improvement, of a route that %s (slope %s)', (follows) => {
    const unchanged = tally(1, follows)
    expect(unchanged.failed).toBeLessThanOrEqual(0.01 * TRIALS)
    expect(unchanged.improved).toBeLessThanOrEqual(0.01 * TRIALS)
    // Only a route that follows the probe is decided at one speed alone; the others need both views.
    if (follows < 1) expect(unchanged.decidedAtSpeed).toBe(0)
  })
})

describe('viewThatDecides', () => {
  const labels = ['run 1', 'run 2', 'run 3', 'run 4', 'run 5', 'run 6']
  const steady = { values: [500, 505, 495, 502, 498, 501], labels }
  const drifting = { values: [500, 350, 620, 410, 560, 300], labels }
  it('lets the view at one speed decide alone only where its history varies at most half as much', () => {
    expect(viewThatDecides(drifting, steady)).toBe('one speed')
    expect(viewThatDecides(steady, drifting)).toBe('both')
    expect(viewThatDecides(steady, steady)).toBe('both')
    // Too little history in either view: both must agree.
    const four = (s: typeof steady): typeof steady => ({ values: s.values.slice(0, 4), labels: s.labels.slice(0, 4) })
    expect(viewThatDecides(four(drifting), four(steady))).toBe('both')
    // The same runs in both views, matched by run: runs the view at one speed lacks are not compared.
    expect(viewThatDecides(drifting, { values: steady.values.slice(0, 5), labels: ['a', 'b', 'c', 'd', 'e'] })).toBe('both')
  })

  it('compares the views without the runs that are outliers at one speed, and without trimming the measured one', () => {
    // Run 4 starved (10× slower in both views): kept, it would make the view at one speed as wide as measured.
    const starved = { values: [500, 505, 50, 502, 498, 501, 499], labels: [...labels, 'run 7'] }
    const drift = { values: [500, 350, 62, 410, 560, 300, 480], labels: [...labels, 'run 7'] }
    expect(viewThatDecides(drift, starved)).toBe('both')
    expect(viewThatDecides(drift, starved, ['run 3'])).toBe('one speed')
  })
})
