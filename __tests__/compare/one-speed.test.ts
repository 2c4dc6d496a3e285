// Separate runs at one machine speed (compare.ts atOneSpeed, confirmedAtOneSpeed): a verdict of two
// runs measured apart must also hold with each round taken to one speed of the machine, as the speed
// probe read it. The recorded runs are an Express app's (`cannonade init`, one scenario, 10
// connections, 5 rounds of 3 s, the app pinned beside the probe; bench/separate-real.ts, 2026-12-05):
// the base at probe 458–470 µs a unit, an unchanged run two minutes earlier while the machine ran
// slower (probe 791–842 µs), and a head doing 3× the work on the route at the base's speed.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { syntheticResults } from '../../__fixtures__/results/build.js'
import { atOneSpeed, compare, confirmedAtOneSpeed } from '../../src/compare/compare.js'
import type { MetricComparison } from '../../src/compare/types.js'
import type { Results } from '../../src/results/document.js'
import { parseResults } from '../../src/results/io.js'
import { reportRows } from '../../src/report/rows.js'
import type { Verdict } from '../../src/stats/stats.js'

function recorded(name: string): Results {
  const file = `__fixtures__/separate/${name}.json`
  return parseResults(JSON.parse(readFileSync(file, 'utf8')), file)
}

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
  const base = recorded('express-base')
  const slowMachine = recorded('express-unchanged-slow-machine')

  it('does not fail an unchanged run measured while the machine ran 1.7× slower, which it failed without the probe', () => {
    const without = compare(unprobed(base), unprobed(slowMachine))
    expect(without.outcome).toBe('fail')
    const withProbe = compare(base, slowMachine)
    expect(withProbe.outcome).not.toBe('fail')
    const rps = metricOf(withProbe, 'rps')
    expect(rps?.oneSpeed?.machine).toBeGreaterThan(1.6)
    expect(rps?.oneSpeed?.machine).toBeLessThan(1.9)
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
    const c = compare(base, recorded('express-3x'))
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
