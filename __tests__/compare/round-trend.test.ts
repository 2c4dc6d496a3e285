// One number per metric: the table, the thresholds and the chart show the median over valid rounds of
// each round's value; a comparison's baseline and current columns show the statistic its change is a
// ratio of (the geometric mean of the rounds), so the row never contradicts itself; and a drift
// across rounds is said out loud.
import { describe, expect, it } from 'vitest'
import { syntheticEntry, syntheticResults } from '../../__fixtures__/results/build.js'
import { compare } from '../../src/compare/compare.js'
import { checkResults } from '../../src/compare/thresholds.js'
import { summariseEntry } from '../../src/results/entry-numbers.js'
import { createHistogram, encodeHistogram } from '../../src/results/histogram.js'
import type { EntryResult, Results, RoundResult } from '../../src/results/document.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { resultsTable } from '../../src/report/terminal.js'
import { renderText } from '../../src/report/text.js'
import { violationSentence } from '../../src/report/violation.js'

/** A copy of a round whose histogram holds `count` responses of `latencyUs`, as a busier round would. */
function withHistogram(round: RoundResult, latencyUs: number, count: number): RoundResult {
  const histogram = createHistogram()
  histogram.recordValueWithCount(latencyUs, count)
  const encoded = encodeHistogram(histogram)
  histogram.destroy()
  return { ...round, histogram: encoded }
}

/**
 * Four quick rounds of 1 ms and one round of 5 ms that made a hundred times more requests: the merged
 * histogram says p50 = 5 ms, the median over rounds (what is compared) 1 ms.
 */
function lopsided(): EntryResult {
  const entry = syntheticEntry({
    scenario: 'search',
    rps: [1000, 1000, 1000, 1000, 1000],
    p50Us: [1000, 1000, 1000, 1000, 5000],
    p99Us: [1000, 1000, 1000, 1000, 5000],
    thresholds: [{ metric: 'p50', bound: 'max', limit: 2000, severity: 'fail' }],
  })
  const rounds = entry.rounds.map((r, i) => (i === 4 ? withHistogram(r, 5000, 100_000) : withHistogram(r, 1000, 1000)))
  return summariseEntry(entry, rounds)
}

function results(entries: readonly EntryResult[], sha: string): Results {
  return { ...syntheticResults([], { sha }), entries }
}

describe('one number per metric', () => {
  it('summarises latency as the median over rounds of each round’s percentile, not the merged histogram', () => {
    const entry = lopsided()
    expect(entry.latencyUs.p50).toBe(1000)
    expect(entry.latencyUs.p99).toBe(1000)
  })

  it('checks thresholds and prints the table with that number; compares the rounds, not the merged histogram', () => {
    const head = results([lopsided()], 'head')
    expect(checkResults(head)).toEqual([])
    expect(resultsTable(head)).toMatch(/\| search +\| +10 conn \| +1,000 \| +1\.000 ms \| +1\.000 ms \|/)
    const comparison = compare(results([lopsided()], 'base'), head)
    const [entry] = comparison.entries
    // The change is a ratio of (trimmed) geometric means over rounds: the one 5 ms round is trimmed,
    // as its own round, and the merged histogram's 5 ms enters nowhere.
    const p50 = entry?.metrics.find((m) => m.metric === 'p50')
    expect(p50?.head).toBeCloseTo(1000, 6)
    expect(p50?.change).toBeCloseTo(0, 9)
    expect(entry?.percentiles?.head.p50).toBe(1000)
  })

  it('recomputes the number for a results file whose summary came from the merged histogram', () => {
    const entry = lopsided()
    const old = { ...entry, latencyUs: { ...entry.latencyUs, p50: 5000, p99: 5000 } }
    expect(checkResults(results([old], 'old'))).toEqual([])
    expect(compare(results([old], 'base'), results([old], 'head')).entries[0]?.percentiles?.head.p50).toBe(1000)
  })
})

describe('a drift across rounds', () => {
  const growing = syntheticEntry({ scenario: 'list', rps: [230, 120, 80, 55, 43], p50Us: [42_000, 81_000, 127_000, 180_000, 232_000] })
  const steady = syntheticEntry({ scenario: 'steady', rps: [1000, 990, 1010, 1005, 995], p50Us: [1000, 1020, 990, 1010, 1000] })
  const note =
    "list @ 10 conn: p50 rose across rounds: 34.50 ms → 228.5 ms (trend line over 5 rounds); the app's state may grow during the run"

  it('is a note in the terminal table of the run', () => {
    const table = resultsTable(results([growing, steady], 'head'))
    expect(table).toContain(
      "p50 rose across rounds: 34.50 ms → 228.5 ms (trend line over 5 rounds); the app's state may grow during the run",
    )
    expect(table.split('\n').find((l) => l.includes('steady'))).not.toContain('across rounds')
  })

  it('is a warning in the comment and the text report, with or without a baseline', () => {
    const head = results([growing, steady], 'head')
    const base = results(
      [syntheticEntry({ scenario: 'list', rps: [230, 231, 229, 230, 230], p50Us: [42_000, 42_100, 41_900, 42_000, 42_050] }), steady],
      'base',
    )
    for (const comparison of [compare(base, head), compare(undefined, head)]) {
      expect(comparison.entries.filter((e) => e.trend !== undefined).map((e) => e.key)).toEqual(['list @ 10 conn'])
      expect(renderMarkdown(comparison)).toContain(`> [!WARNING]\n> ${note}.`)
      expect(renderText(comparison)).toContain(`WARNING  ${note}.`)
    }
  })

  it('is the machine, not the app, when every pair ran on freshly started apps (app.relaunch)', () => {
    const fresh = { ...results([growing, steady], 'head'), launches: 5 }
    const machine = "each pair ran on freshly started apps, so the machine's speed changed during the run, not the app's state"
    expect(resultsTable(fresh)).toContain(`p50 rose across rounds: 34.50 ms → 228.5 ms (trend line over 5 rounds); ${machine}`)
    const comparison = compare(results([growing, steady], 'base'), fresh, { paired: true })
    expect(renderMarkdown(comparison)).toContain(machine)
    expect(renderMarkdown(comparison)).not.toContain("the app's state may grow")
  })
})

/** An entry of five steady rounds with these error rates, summarised. */
function withErrors(
  scenario: string,
  errorRate: readonly number[],
  options: { invalid?: readonly number[]; thresholds?: EntryResult['thresholds']; maxErrorRate?: number } = {},
): EntryResult {
  const entry = syntheticEntry({
    scenario,
    rps: [1000, 1000, 1000, 1000, 1000],
    p50Us: [1000, 1000, 1000, 1000, 1000],
    p99Us: [2000, 2000, 2000, 2000, 2000],
    errorRate,
    ...(options.invalid === undefined ? {} : { invalid: options.invalid }),
    thresholds: options.thresholds ?? [],
  })
  return summariseEntry({ ...entry, ...(options.maxErrorRate === undefined ? {} : { maxErrorRate: options.maxErrorRate }) }, entry.rounds)
}

describe('the error rate', () => {
  it('is the failed share of all requests, so two bad rounds of five break a 1 % limit', () => {
    const summarised = withErrors('checkout', [0.08, 0, 0.08, 0, 0], {
      thresholds: [{ metric: 'errorRate', bound: 'max', limit: 0.01, severity: 'fail' }],
    })
    expect(summarised.errorRate).toBeCloseTo(0.032, 6)
    const violations = checkResults(results([summarised], 'c'.repeat(40)))
    expect(violations.map((v) => v.metric)).toEqual(['errorRate'])
    expect(resultsTable(results([summarised], 'c'.repeat(40)))).toContain('3.2 %')
  })
})

describe('an entry that failed in bursts', () => {
  // A route answering 500 in bursts: two of five rounds over validity.maxErrorRate (invalid, left out
  // of the entry's speed), three clean. As measured on a server that broke every other 3 s, it showed
  // 0 % errors from its clean round and passed.
  const bursts = (maxErrorRate?: number, thresholds: EntryResult['thresholds'] = []): EntryResult =>
    withErrors('orders', [0.6, 0, 0.5, 0, 0], { invalid: [0, 2], thresholds, ...(maxErrorRate === undefined ? {} : { maxErrorRate }) })

  it('counts the invalid rounds’ failed requests, and fails the entry over the validity limit', () => {
    const entry = bursts(0.1)
    expect(entry.validRounds).toBe(3)
    expect(entry.errorRate).toBeCloseTo(0.22, 6)
    const run = results([entry], 'd'.repeat(40))
    expect(resultsTable(run)).toContain('22 %')
    const violations = checkResults(run)
    const [only, ...rest] = violations
    expect(rest).toEqual([])
    if (only === undefined) throw new Error('no violation')
    expect(violationSentence(only)).toBe(
      'orders @ 10 conn: 22 % of the requests of all 5 rounds failed, above validity.maxErrorRate 10 % (2 of the 5 rounds over it on their own): the app is failing, not slow',
    )
    // The same against a baseline: a finding that fails the comparison, whatever the speed says.
    expect(compare(results([bursts(0.1)], 'e'.repeat(40)), run).outcome).toBe('fail')
  })

  it('is said once where a configured error-rate limit already fails, and not at all within the limit', () => {
    const limited = checkResults(
      results([bursts(0.1, [{ metric: 'errorRate', bound: 'max', limit: 0.01, severity: 'fail' }])], 'd'.repeat(40)),
    )
    expect(limited.map((v) => [v.metric, v.threshold.limit])).toEqual([['errorRate', 0.01]])
    expect(checkResults(results([bursts(0.25)], 'd'.repeat(40)))).toEqual([])
    // A file written before the limit was recorded is judged as before, its error rate counted in full.
    expect(checkResults(results([bursts()], 'd'.repeat(40)))).toEqual([])
  })
})

describe('the slowest response', () => {
  it('is the slowest of all rounds, so one stall breaks a max limit', () => {
    const entry = syntheticEntry({ scenario: 'home', rps: [1000, 1000, 1000], p50Us: [1000, 1000, 1000], p99Us: [2000, 2000, 2000] })
    const rounds = entry.rounds.map((r, i) => ({ ...r, latencyUs: { ...r.latencyUs, max: i === 1 ? 900_000 : 3000 } }))
    expect(summariseEntry(entry, rounds).latencyUs.max).toBe(900_000)
  })
})
