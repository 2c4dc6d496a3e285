import { describe, expect, it } from 'vitest'
import { compare, entryDecided, type CompareOptions, type RunToRunHistory } from '../../src/compare/compare.js'
import type { RegressionTolerance } from '../../src/config/plan.js'
import { suiteBudget } from '../../src/compare/family.js'
import { sequentialVerdict } from '../../src/compare/sequential.js'
import { COMPARED_METRICS, type Comparison } from '../../src/compare/types.js'
import type { Results, RoundResult } from '../../src/results/document.js'
import { footerFacts, notices } from '../../src/report/rows.js'
import { bootstrapRatio, classify } from '../../src/stats/stats.js'
import { parseResults } from '../../src/results/io.js'
import { renderText } from '../../src/report/text.js'
import { ENVIRONMENT, syntheticResults, type SyntheticEntry } from '../../__fixtures__/results/build.js'
import { normalSource } from '../../__fixtures__/random.js'

// Five rounds with about 1 % noise around 10,000 req/s and 200 µs.
const steady: SyntheticEntry = {
  scenario: 'list users',
  rps: [10_000, 10_100, 9_950, 10_050, 9_900],
  p50Us: [200, 202, 199, 201, 198],
}

function scaled(entry: SyntheticEntry, rpsFactor: number, latencyFactor: number): SyntheticEntry {
  return { ...entry, rps: entry.rps.map((v) => v * rpsFactor), p50Us: entry.p50Us.map((v) => Math.round(v * latencyFactor)) }
}

/**
 * A base branch whose runs agreed within ±0.2 % on every entry and metric of `base`: separate runs
 * then decide on their rounds alone, which the tests of other rules than drift need.
 */
function steadyHistory(base: Results): RunToRunHistory {
  const wobble = Array.from({ length: 12 }, (_, i) => 1 + (i % 2 === 0 ? 0.002 : -0.002))
  const series = new Map(base.entries.map((e) => [e.key, Object.fromEntries(COMPARED_METRICS.map((m) => [m, wobble]))]))
  return { runs: wobble.length, series }
}

/** compare() of separate runs against a steady history (see steadyHistory). */
function compareSteady(base: Results, head: Results, options: CompareOptions = {}): Comparison {
  return compare(base, head, { runToRun: steadyHistory(base), ...options })
}

describe('compare', () => {
  it('builds results that validate against the results schema', () => {
    expect(() => parseResults(JSON.parse(JSON.stringify(syntheticResults([steady]))), 'x.json')).not.toThrow()
  })

  it('passes an unchanged run, with every gated metric unchanged', () => {
    const result = compareSteady(syntheticResults([steady], { sha: 'base' }), syntheticResults([scaled(steady, 1.002, 1)], { sha: 'head' }))
    expect(result.outcome).toBe('pass')
    expect(result.findings).toEqual([])
    const rps = result.entries[0]?.metrics.find((m) => m.metric === 'rps')
    expect(rps?.verdict).toBe('unchanged')
    expect(rps?.gated).toBe(true)
    expect(rps?.low).toBeLessThan(0.02)
  })

  it('fails a 20 % throughput drop and names the entry, metric and change', () => {
    const result = compareSteady(syntheticResults([steady]), syntheticResults([scaled(steady, 0.8, 1)]))
    expect(result.outcome).toBe('fail')
    const rps = result.entries[0]?.metrics.find((m) => m.metric === 'rps')
    expect(rps?.direction).toBe('higher-is-better')
    expect(rps?.verdict).toBe('regression')
    expect(rps?.change).toBeCloseTo(-0.2, 2)
    expect(rps?.pValue).toBeCloseTo(2 / 252, 4)
    expect(result.findings).toEqual([
      expect.objectContaining({ severity: 'fail', kind: 'regression', entry: 'list users @ 10 conn', metric: 'rps' }),
    ])
    const [finding] = result.findings
    expect(finding?.kind === 'regression' ? finding.change : undefined).toBe(rps)
  })

  it('calls a 20 % latency drop an improvement, which never fails', () => {
    const result = compareSteady(syntheticResults([steady]), syntheticResults([scaled(steady, 1, 0.8)]))
    expect(result.entries[0]?.metrics.find((m) => m.metric === 'p50')?.verdict).toBe('improvement')
    expect(result.outcome).toBe('pass')
    expect(result.counts.improvements).toBeGreaterThan(0)
  })

  it('compares a spike’s recovery time with the baseline’s, round by round, and gates it when a tolerance says so', () => {
    const spike: SyntheticEntry = { ...steady, scenario: 'queue', recoveryMs: [2000, 2000, 3000, 2000, 2000] }
    const slower: SyntheticEntry = {
      ...spike,
      recoveryMs: [5000, 6000, 5000, 5000, 6000],
      regression: [{ metric: 'recovery', tolerance: 0.5, severity: 'fail' }],
    }
    const result = compareSteady(syntheticResults([spike]), syntheticResults([slower]))
    const recovery = result.entries[0]?.metrics.find((m) => m.metric === 'recovery')
    expect(recovery).toMatchObject({ gated: true, verdict: 'regression', direction: 'lower-is-better' })
    // The columns are the rounds' geometric means, the statistic whose ratio the change is.
    const geometric = (xs: number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length)
    expect(recovery?.base).toBeCloseTo(geometric([2000, 2000, 3000, 2000, 2000]), 6)
    expect(recovery?.head).toBeCloseTo(geometric([5000, 6000, 5000, 5000, 6000]), 6)
    expect(1 + (recovery?.change ?? 0)).toBeCloseTo((recovery?.head ?? 0) / (recovery?.base ?? 1), 9)
    expect(result.outcome).toBe('fail')
    expect(renderText(result)).toMatch(/spike recovery +\| +2\.2 s → 5\.4 s/)
    expect(renderText(result)).toMatch(/spike recovery +\| 5\.0 s until p99 .* \| 2\.0 s \(\+3\.0 s\)/)
    // Entries without a spike have no recovery to compare.
    const plain = compareSteady(syntheticResults([steady]), syntheticResults([steady]))
    expect(plain.entries[0]?.metrics.some((m) => m.metric === 'recovery')).toBe(false)
  })

  it('labels but does not gate a metric without a tolerance', () => {
    const head = { ...scaled(steady, 1, 1), cpuUsPerRequest: [150, 151, 149, 150, 152] }
    const result = compareSteady(syntheticResults([steady]), syntheticResults([head]))
    const cpu = result.entries[0]?.metrics.find((m) => m.metric === 'cpu')
    expect(cpu?.verdict).toBe('regression')
    expect(cpu?.gated).toBe(false)
    expect(result.outcome).toBe('pass')
  })

  it('uses the severity of the tolerance: a warn-level regression warns', () => {
    const head = { ...scaled(steady, 0.8, 1), regression: [{ metric: 'rps' as const, tolerance: 0.05, severity: 'warn' as const }] }
    const result = compareSteady(syntheticResults([steady]), syntheticResults([head]))
    expect(result.outcome).toBe('warn')
  })

  it('stays inconclusive, never failing, when the noise is larger than the tolerance', () => {
    const noisy: SyntheticEntry = { scenario: 'list users', rps: [10_000, 8_000, 12_000, 9_000, 11_000], p50Us: [200, 160, 240, 180, 220] }
    const result = compareSteady(syntheticResults([noisy]), syntheticResults([scaled(noisy, 0.95, 1.05)]))
    expect(result.entries[0]?.metrics.find((m) => m.metric === 'rps')?.verdict).toBe('inconclusive')
    expect(result.outcome).toBe('pass')
  })

  it('is deterministic for the same inputs', () => {
    const base = syntheticResults([steady], { sha: 'b' })
    const head = syntheticResults([scaled(steady, 0.97, 1.03)], { sha: 'h' })
    expect(compareSteady(base, head)).toEqual(compareSteady(base, head))
  })

  it('reports new and removed entries without failing', () => {
    const result = compare(
      syntheticResults([steady, { ...steady, scenario: 'old' }]),
      syntheticResults([steady, { ...steady, scenario: 'brand new' }]),
    )
    expect(result.entries.map((e) => [e.key, e.status])).toEqual([
      ['list users @ 10 conn', 'compared'],
      ['brand new @ 10 conn', 'new'],
      ['old @ 10 conn', 'removed'],
    ])
    expect(result.outcome).toBe('pass')
  })

  it('checks absolute thresholds with or without a baseline', () => {
    const head = { ...steady, thresholds: [{ metric: 'p50' as const, bound: 'max' as const, limit: 150, severity: 'fail' as const }] }
    const result = compare(undefined, syntheticResults([head]), { baselineMissing: 'no successful run on main has results yet' })
    expect(result.baseline).toBeUndefined()
    expect(result.baselineMissing).toContain('no successful run')
    expect(result.entries[0]?.status).toBe('new')
    expect(result.outcome).toBe('fail')
    expect(result.findings[0]).toMatchObject({ kind: 'threshold', metric: 'p50', severity: 'fail' })
  })

  it('fails an entry none of whose rounds is valid', () => {
    const broken = { ...steady, invalid: [0, 1, 2, 3, 4] }
    const result = compareSteady(syntheticResults([steady]), syntheticResults([broken]))
    expect(result.entries[0]?.status).toBe('unmeasurable')
    expect(result.findings[0]).toMatchObject({ kind: 'unmeasurable', severity: 'fail' })
  })

  it('leaves invalid rounds out of the comparison', () => {
    // One wild invalid round would turn a clean comparison into a regression if it were counted.
    const head = { ...steady, rps: [10_000, 10_100, 1_000, 10_050, 9_900], invalid: [2] }
    const rps = compareSteady(syntheticResults([steady]), syntheticResults([head])).entries[0]?.metrics.find((m) => m.metric === 'rps')
    expect(rps?.headRounds).toBe(4)
    expect(rps?.verdict).toBe('unchanged')
  })

  it('downgrades regressions to warnings when the baseline ran on another machine, and says so', () => {
    const other = { ...ENVIRONMENT, cpuModel: 'Other CPU @ 2.1GHz' }
    const result = compareSteady(syntheticResults([steady], { environment: other }), syntheticResults([scaled(steady, 0.8, 1)]))
    expect(result.baseline?.environmentDifferences).toEqual(['CPU Other CPU @ 2.1GHz vs Test CPU @ 3.0GHz'])
    expect(result.baseline?.downgraded).toBe(true)
    expect(result.findings[0]).toMatchObject({ kind: 'regression', severity: 'warn' })
    expect(result.outcome).toBe('warn')
  })

  it('downgrades an edited scenario, and notes a changed config', () => {
    const edited = { ...scaled(steady, 0.8, 1), definitionHash: 'edited' }
    const result = compareSteady(syntheticResults([steady]), syntheticResults([edited], { configHash: 'other' }))
    expect(result.baseline?.configChanged).toBe(true)
    expect(result.entries[0]?.definitionChanged).toBe(true)
    expect(result.outcome).toBe('warn')
    expect(renderText(result)).toContain('scenario edited since the baseline: warns only')
  })

  it('compares error rates as an absolute difference, even from a zero baseline', () => {
    const head = {
      ...steady,
      errorRate: [0.03, 0.031, 0.029, 0.03, 0.032],
      regression: [{ metric: 'errorRate' as const, tolerance: 0.01, severity: 'fail' as const }],
    }
    const result = compareSteady(syntheticResults([steady]), syntheticResults([head]))
    const errors = result.entries[0]?.metrics.find((m) => m.metric === 'errorRate')
    expect(errors?.relative).toBe(false)
    expect(errors?.change).toBeCloseTo(0.03, 3)
    expect(errors?.verdict).toBe('regression')
    expect(result.outcome).toBe('fail')
  })

  it('never calls a regression from a single round per side', () => {
    const one = { scenario: 'quick', rps: [10_000], p50Us: [200] }
    const result = compareSteady(syntheticResults([one]), syntheticResults([scaled(one, 0.5, 2)]))
    expect(result.entries[0]?.metrics.every((m) => m.verdict === 'inconclusive')).toBe(true)
    expect(result.outcome).toBe('pass')
  })
})

describe('suite-level error control', () => {
  // 10 entries × 3 gated metrics (rps, p50, p99): each may spend 1 %/30 of false alarms.
  const others: SyntheticEntry[] = Array.from({ length: 9 }, (_, i) => ({ ...steady, scenario: `other ${i}` }))
  // Head rounds 7 % slower but one round as fast as the base: a 95 % interval calls it a regression,
  // one at the suite's split level cannot exclude no change.
  const borderline: SyntheticEntry = { ...steady, rps: [9300, 9500, 9100, 9950, 9200] }

  it('holds a regression of a fixed-sample comparison to the suite-adjusted level and states the budget', () => {
    const at95 = bootstrapRatio(steady.rps, borderline.rps, { seed: 'x' })
    expect(classify(at95, 'higher-is-better', 0.05)).toBe('regression')
    const suite = compareSteady(syntheticResults([steady, ...others]), syntheticResults([borderline, ...others]))
    expect(suite.errorControl).toMatchObject({ suiteAlpha: 0.01, tests: 30, entries: 10, sequential: false })
    expect(suite.errorControl?.perEntry).toBeCloseTo(0.01 / 10, 12)
    // Closed loop: throughput, the primary, spends 2/3 of the entry's 0.1 %, p50 and p99 1/6 each.
    expect(suite.errorControl?.shares.map((g) => [g.metric, g.loop, g.entries])).toEqual([
      ['rps', 'closed', 10],
      ['p50', 'closed', 10],
      ['p99', 'closed', 10],
    ])
    expect(suite.errorControl?.shares[0]?.alpha).toBeCloseTo(0.001 * (2 / 3), 12)
    expect(suite.entries[0]?.metrics.find((m) => m.metric === 'rps')?.verdict).toBe('inconclusive')
    expect(suite.outcome).toBe('pass')
    expect(renderText(suite)).toContain(
      'false-alarm budget: at most 1 % chance that an unchanged suite fails, split over 30 gated metrics of 10 entries (0.1 % an entry): ' +
        "rps 0.067 %, p50 and p99 0.017 % each; a regression must hold at its metric's level",
    )
  })

  it('spends the entry’s share where the information is: throughput, the closed loop’s primary, gets 2/3 of it', () => {
    // 8 pairs, head about 17 % slower in throughput, p50 as before: at rps's 2/3 of the entry's 1 %
    // the confidence sequence excludes no change; at an even third it would not (checked below).
    const base: SyntheticEntry = {
      scenario: 'primary',
      rps: Array.from({ length: 8 }, (_, i) => 10_000 + (i % 3) * 100),
      p50Us: Array.from({ length: 8 }, () => 200),
    }
    const head: SyntheticEntry = { ...base, rps: [9130, 7629, 8974, 7387, 9137, 8720, 7719, 8299] }
    const result = compare(syntheticResults([base]), syntheticResults([head]), { paired: true })
    expect(result.entries[0]?.metrics.find((m) => m.metric === 'rps')?.verdict).toBe('regression')
    expect(result.outcome).toBe('fail')
    const rule = { relative: true, direction: 'higher-is-better', tolerance: 0.05 } as const
    expect(sequentialVerdict(base.rps, head.rps, { ...rule, alarmAlpha: 0.01 / 3 }).verdict).toBe('inconclusive')
    // Deciding as you go stops on the same rule, with the same shares.
    const rounds = (e: SyntheticEntry): RoundResult[] => syntheticResults([e]).entries[0]?.rounds.slice() ?? []
    const shares = suiteBudget([{ regression: syntheticResults([base]).entries[0]?.regression ?? [] }]).shares[0] ?? {}
    expect(entryDecided(rounds(base), rounds(head), syntheticResults([base]).entries[0]?.regression ?? [], shares)).toBe(true)
    expect(entryDecided(rounds(base), rounds(head), syntheticResults([base]).entries[0]?.regression ?? [], 0.01 / 3)).toBe(false)
  })

  it('says in the footer when every pair was measured on apps started afresh, or on one padded launch a side (app.relaunch)', () => {
    const entry: SyntheticEntry = { scenario: 'fresh', rps: [1000, 1010, 990], p50Us: [200, 201, 199] }
    const fresh = compare(syntheticResults([entry]), { ...syntheticResults([entry]), launches: 3 }, { paired: true })
    expect(fresh.head.launches).toBe(3)
    expect(footerFacts(fresh).join(' · ')).toContain(
      'base and head measured in pairs of rounds (each app started afresh for every pair after the first: 3 launches a side, app.relaunch), decided as they went',
    )
    const padded = compare(syntheticResults([entry]), { ...syntheticResults([entry]), heapPad: 64 * 1024 * 1024 }, { paired: true })
    expect(padded.head.heapPad).toBe(64 * 1024 * 1024)
    expect(footerFacts(padded).join(' · ')).toContain(
      "base and head measured in pairs of rounds (one launch a side, each Node app's glibc heap top padded by 64.0 MB with MALLOC_TOP_PAD_ so that two launches cost alike, app.relaunch), decided as they went",
    )
    const kept = compare(syntheticResults([entry]), syntheticResults([entry]), { paired: true })
    expect(footerFacts(kept).join(' · ')).toContain('base and head measured in pairs of rounds, decided as they went')
  })

  it('judges rounds measured side by side in pairs with the confidence sequence', () => {
    const base: SyntheticEntry = {
      scenario: 'pairs',
      rps: Array.from({ length: 12 }, (_, i) => 10_000 + (i % 3) * 100),
      p50Us: Array.from({ length: 12 }, (_, i) => 200 + (i % 3)),
    }
    const head = scaled(base, 0.8, 1.25)
    const result = compare(syntheticResults([base]), syntheticResults([head]), { paired: true })
    const rps = result.entries[0]?.metrics.find((m) => m.metric === 'rps')
    expect(rps?.verdict).toBe('regression')
    expect(rps?.change).toBeCloseTo(-0.2, 3)
    expect(result.errorControl?.sequential).toBe(true)
    expect(renderText(result)).toContain('95 % confidence sequences, valid however often they were looked at')
    expect(renderText(result)).toContain(
      "the pairs' spread taken as at least 50 % of what their rounds' own seconds say, in steady rounds of 2 s",
    )
  })

  it('shows the interval that decided: a change the 95 % interval claims but the alarm level does not confirm is shown at that level', () => {
    // The pairs of the test above, in a 10-entry suite: throughput's share is a tenth of what it was.
    const base: SyntheticEntry = {
      scenario: 'primary',
      rps: Array.from({ length: 8 }, (_, i) => 10_000 + (i % 3) * 100),
      p50Us: Array.from({ length: 8 }, () => 200),
    }
    const others = Array.from({ length: 9 }, (_, i): SyntheticEntry => ({ ...base, scenario: `other ${i}` }))
    const head: SyntheticEntry = { ...base, rps: [9130, 7629, 8974, 7387, 9137, 8720, 7719, 8299] }
    const result = compare(syntheticResults([base, ...others]), syntheticResults([head, ...others]), { paired: true })
    const rps = result.entries[0]?.metrics.find((m) => m.metric === 'rps')
    expect(rps?.verdict).toBe('inconclusive')
    // Shown at the level that left it undecided, which reaches past no change; the report says the level.
    expect(rps?.confidence).toBeGreaterThan(0.999)
    expect(rps?.high).toBeGreaterThan(0)
    expect(renderText(result)).toMatch(/at 99\.9\d* %\)/)
  })

  it('stops measuring an entry whose claimed improvement the alarm level does not confirm: nothing can regress', () => {
    // The pairs above turned round, head faster, in a 10-entry suite: the 95 % interval says
    // improvement, the alarm level does not; either way no regression beyond 5 % is plausible.
    const base: SyntheticEntry = {
      scenario: 'faster',
      rps: [9130, 7629, 8974, 7387, 9137, 8720, 7719, 8299],
      p50Us: Array.from({ length: 8 }, () => 200),
    }
    const head: SyntheticEntry = { ...base, rps: Array.from({ length: 8 }, (_, i) => 10_000 + (i % 3) * 100) }
    const others = Array.from({ length: 9 }, (_, i): SyntheticEntry => ({ ...base, scenario: `other ${i}` }))
    const result = compare(syntheticResults([base, ...others]), syntheticResults([head, ...others]), { paired: true })
    const rps = result.entries[0]?.metrics.find((m) => m.metric === 'rps')
    expect(rps?.verdict).toBe('inconclusive')
    expect(rps?.confidence).toBeGreaterThan(0.999)
    const rounds = (e: SyntheticEntry): RoundResult[] => syntheticResults([e]).entries[0]?.rounds.slice() ?? []
    const regression = syntheticResults([base]).entries[0]?.regression ?? []
    const shares = suiteBudget(Array.from({ length: 10 }, () => ({ regression }))).shares[0] ?? {}
    expect(entryDecided(rounds(base), rounds(head), regression, shares)).toBe(true)
    // The comparison carries the 95 % interval it stopped on, not the wider one shown: nothing past −5 %.
    expect(rps?.clearing?.low).toBeGreaterThan(-0.05)
    expect(rps?.low).toBeLessThan(rps?.clearing?.low ?? -Infinity)
  })

  it('keeps measuring an entry whose only regression warns: the metrics that fail are still open', () => {
    // 8 pairs: p99 twice the base's in every pair (decided: a regression), throughput as noisy as the
    // pairs above and about level (open).
    const p99Us = [1000, 1010, 990, 1005, 995, 1000, 1020, 980]
    const base: SyntheticEntry = {
      scenario: 'tail',
      rps: [9130, 7629, 8974, 7387, 9137, 8720, 7719, 8299],
      p50Us: Array.from({ length: 8 }, () => 200),
      p99Us,
    }
    const head: SyntheticEntry = { ...base, rps: [8299, 9137, 7387, 8974, 7719, 9130, 8720, 7629], p99Us: p99Us.map((x) => 2 * x) }
    const rounds = (e: SyntheticEntry): RoundResult[] => syntheticResults([e]).entries[0]?.rounds.slice() ?? []
    const gates = (p99: 'warn' | 'fail'): RegressionTolerance[] => [
      { metric: 'rps', tolerance: 0.05, severity: 'fail' },
      { metric: 'p99', tolerance: 0.15, severity: p99 },
    ]
    const shares = suiteBudget([{ regression: gates('warn') }]).shares[0] ?? {}
    expect(entryDecided(rounds(base), rounds(head), gates('fail'), shares)).toBe(true)
    expect(entryDecided(rounds(base), rounds(head), gates('warn'), shares)).toBe(false)
  })

  it('gives what the sequence left open one final look once the measurement has ended, and only then', () => {
    // 15 pairs whose throughput log-ratio varies by about 0.06 and means nothing: the anytime-valid
    // sequence cannot bound it within ±5 %, one fixed-sample t-interval at the end can.
    const next = normalSource('final-look')
    const base: SyntheticEntry = {
      scenario: 'final',
      rps: Array.from({ length: 15 }, () => 10_000 * Math.exp(0.045 * next())),
      p50Us: Array.from({ length: 15 }, () => 200),
    }
    const head: SyntheticEntry = { ...base, rps: Array.from({ length: 15 }, () => 10_000 * Math.exp(0.045 * next())) }
    const result = compare(syntheticResults([base]), syntheticResults([head]), { paired: true })
    const rps = result.entries[0]?.metrics.find((m) => m.metric === 'rps')
    expect(rps).toMatchObject({ verdict: 'unchanged', finalLook: true })
    expect(Math.max(Math.abs(rps?.low ?? NaN), Math.abs(rps?.high ?? NaN))).toBeLessThan(0.05)
    expect(renderText(result)).toContain('the final look')
    // While measuring, the run goes on: the final look is not a look after every pair.
    const rounds = (e: SyntheticEntry): RoundResult[] => syntheticResults([e]).entries[0]?.rounds.slice() ?? []
    const regression = syntheticResults([base]).entries[0]?.regression ?? []
    const shares = suiteBudget([{ regression }]).shares[0] ?? {}
    expect(entryDecided(rounds(base), rounds(head), regression, shares)).toBe(false)
    expect(entryDecided(rounds(base), rounds(head), regression, shares, true)).toBe(true)
  })
})

describe("the base branch's run-to-run spread, against a stored baseline", () => {
  const key = 'list users @ 10 conn'
  const history = (multipliers: readonly number[]): RunToRunHistory => ({
    runs: multipliers.length,
    series: new Map([[key, { rps: multipliers.map((m) => 10_000 * m), p50: multipliers.map((m) => 200 / m) }]]),
  })
  const base = syntheticResults([steady], { sha: 'base' })
  const head = syntheticResults([scaled(steady, 0.8, 1.25)], { sha: 'head' })

  it('fails a 20 % drop beyond a steady history, and lets a history that swings ±30 % explain it', () => {
    const steadyHistory = compare(base, head, { runToRun: history([1, 1.01, 0.99, 1, 1.01, 0.99, 1, 1]) })
    expect(steadyHistory.outcome).toBe('fail')
    const swinging = compare(base, head, { runToRun: history([1, 1.3, 0.75, 1.3, 0.75, 1.3, 0.75, 1]) })
    const rps = swinging.entries[0]?.metrics.find((m) => m.metric === 'rps')
    expect(rps?.verdict).toBe('inconclusive')
    expect(rps?.runToRun).toMatchObject({ runs: 8, assumed: false })
    expect(swinging.outcome).toBe('pass')
    expect(footerFacts(swinging).join(' · ')).toContain("intervals include the run-to-run spread of the base branch's last 8 runs")
  })

  it('assumes a spread with too little history, says so in one line, and does not fail on what it could explain', () => {
    const result = compare(base, head, { runToRun: history([1, 1]) })
    expect(result.outcome).toBe('pass')
    expect(result.entries[0]?.metrics.find((m) => m.metric === 'rps')?.runToRun).toMatchObject({ assumed: true, runs: 2 })
    const lines = notices(result).filter((n) => n.text.includes('of history'))
    expect(lines).toHaveLength(1)
    expect(lines[0]?.text).toMatch(
      /^The base branch has 2 runs of history, fewer than the 5 that measure its run-to-run spread: a drift of up to ±39 % between two runs is assumed/,
    )
  })

  it('is not used for rounds measured side by side', () => {
    const result = compare(base, head, { paired: true, runToRun: history([1, 1.3, 0.75, 1.3, 0.75]) })
    expect(result.entries[0]?.metrics.every((m) => m.runToRun === undefined)).toBe(true)
    expect(result.baseline?.runToRun).toBeUndefined()
  })
})
