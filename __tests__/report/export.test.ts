// Results other tools read: JUnit XML (checked against the JUnit schema Jenkins uses), Bencher
// Metric Format (checked against Bencher's published JSON schema) and github-action-benchmark's
// custom JSON, from a comparison with a regression, an undecided metric and a broken threshold.
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { syntheticResults, type SyntheticEntry } from '../../__fixtures__/results/build.js'
import { compare } from '../../src/compare/compare.js'
import { InputError } from '../../src/errors.js'
import { biggerFileOf, parseExports, renderExports } from '../../src/report/export/exports.js'
import { renderJunit } from '../../src/report/export/junit.js'
import { junitSchemaErrors } from '../helpers/junit-schema.js'

const users: SyntheticEntry = {
  scenario: 'list <users> & "more"',
  rps: [9000, 9050, 8980, 9020, 8990],
  p50Us: [100, 101, 99, 100, 100],
}
const search: SyntheticEntry = { scenario: 'search', rps: [5000, 5050, 4980, 5020, 4990], p50Us: [1000, 1010, 995, 1005, 990] }
// Three times slower; the p99 limit is broken and a warn limit kept.
const slowUsers: SyntheticEntry = {
  ...users,
  rps: users.rps.map((v) => v / 3),
  p50Us: users.p50Us.map((v) => v * 3),
  thresholds: [
    { metric: 'p99', bound: 'max', limit: 500, severity: 'fail' },
    { metric: 'rps', bound: 'min', limit: 10, severity: 'fail' },
    { metric: 'p50', bound: 'max', limit: 1_000_000, severity: 'warn' },
  ],
}
// 20 % slower p50 between separate runs: within their drift, so not decided either way.
const slightlySlower: SyntheticEntry = { ...search, p50Us: search.p50Us.map((v) => v * 1.2) }

const base = syntheticResults([users, search], { sha: 'base' })
const head = syntheticResults([slowUsers, slightlySlower], { sha: 'head' })
const comparison = compare(base, head, { baselineDescription: 'file base.json' })

describe('JUnit export', () => {
  it('is valid against the JUnit schema, with a failure per violation and a skipped undecided metric', async () => {
    const xml = renderJunit(comparison, head)
    expect(await junitSchemaErrors(xml)).toEqual([])
    const usersSuite = xml.split('<testsuite ')[1] ?? ''
    expect(usersSuite).toMatch(/^name="list &lt;users&gt; &amp; &quot;more&quot; @ 10 conn" tests="6" failures="4" errors="0" skipped="0"/)
    // One case per gated metric (rps, p50, p99) and per threshold: the three regressions and the broken limit fail.
    expect(usersSuite).toContain('name="latency p50 within 10 % of the baseline (regression, fail)"')
    expect(usersSuite).toMatch(
      /name="latency p99 at most 0\.500 ms \(threshold, fail\)" time="0">\n {6}<failure type="fail" message="[^"]*p99 0\.900 ms is above the limit 0\.500 ms"/,
    )
    expect(usersSuite).toMatch(/name="throughput \(req\/s\) at least 10\.0 req\/s \(threshold, fail\)" time="0"\/>/)
    const searchSuite = xml.split('<testsuite ')[2] ?? ''
    expect(searchSuite).toMatch(/failures="0" errors="0" skipped="3"/)
    expect(searchSuite).toMatch(
      /name="latency p50 within 10 % of the baseline \(regression, fail\)" time="0">\n {6}<skipped message="not decided: search @ 10 conn: latency p50 \+20\.0 %/,
    )
    expect(xml).toMatch(/<testsuites name="cannonade: demo" tests="9" failures="4" errors="0" time="20\.000">/)
  })

  it('fails the schema when it should: the validator is not a rubber stamp', async () => {
    const broken = renderJunit(comparison, head)
      .replace('<testsuite ', '<testsuite bogus="1" ')
      .replace(/ tests="\d+" failures/, ' failures')
    expect((await junitSchemaErrors(broken)).length).toBeGreaterThan(0)
  })

  it('makes a test case per threshold on a run without a baseline', async () => {
    const alone = compare(undefined, head)
    const xml = renderJunit(alone, head)
    expect(await junitSchemaErrors(xml)).toEqual([])
    expect(xml).toMatch(/tests="3" failures="1"/)
    expect(xml).not.toContain('within')
  })
})

// Bencher's published JSON schema of BMF (bencher.dev/bmf.json), written out here.
const BMF_SCHEMA = {
  type: 'object',
  patternProperties: {
    '.+': {
      type: 'object',
      patternProperties: {
        '.+': {
          type: 'object',
          properties: { value: { type: 'number' }, lower_value: { type: 'number' }, upper_value: { type: 'number' } },
          required: ['value'],
        },
      },
    },
  },
}

describe('Bencher Metric Format export', () => {
  it("validates against Bencher's schema and carries the run's numbers in Bencher's units", () => {
    const [file] = renderExports([{ format: 'bmf', file: 'bencher.json' }], comparison, head)
    const bmf: unknown = JSON.parse(file?.text ?? '')
    const validate = new Ajv().compile(BMF_SCHEMA)
    expect(validate(bmf), JSON.stringify(validate.errors)).toBe(true)
    expect(bmf).toMatchObject({
      'list <users> & "more" @ 10 conn': {
        // p50 300 µs as nanoseconds, the rounds' range beside it.
        latency: { value: 300_000, lower_value: 297_000, upper_value: 303_000 },
        'latency-p99': { value: 900_000 },
        throughput: { value: 3000, lower_value: 8980 / 3, upper_value: 9050 / 3 },
        'error-rate': { value: 0 },
        'server-cpu-per-request-us': { value: 100 },
      },
      'search @ 10 conn': { throughput: { value: 5000 } },
    })
  })
})

describe("github-action-benchmark's custom JSON export", () => {
  it('writes the smaller-is-better list to FILE and the bigger-is-better one beside it', () => {
    const files = renderExports([{ format: 'gab', file: 'out/bench.json' }], comparison, head)
    expect(files.map((f) => f.file)).toEqual(['out/bench.json', 'out/bench-bigger.json'])
    const smaller: unknown = JSON.parse(files[0]?.text ?? '')
    const bigger: unknown = JSON.parse(files[1]?.text ?? '')
    expect(smaller).toContainEqual({
      name: 'list <users> & "more" @ 10 conn: latency p50',
      unit: 'ms',
      value: 0.3,
      range: '± 0.003',
      extra: '5 valid rounds of 5',
    })
    expect(smaller).toContainEqual(expect.objectContaining({ name: 'search @ 10 conn: error rate', unit: '%', value: 0 }))
    expect(bigger).toEqual([
      { name: 'list <users> & "more" @ 10 conn: throughput', unit: 'req/s', value: 3000, range: '± 11.667', extra: '5 valid rounds of 5' },
      { name: 'search @ 10 conn: throughput', unit: 'req/s', value: 5000, range: '± 35', extra: '5 valid rounds of 5' },
    ])
    expect(biggerFileOf('bench')).toBe('bench-bigger.json')
  })
})

describe('--export FORMAT=FILE', () => {
  it('reads each spec and refuses a bad one naming the flag and what was expected', () => {
    expect(parseExports(['junit=perf.xml', 'BMF = b.json'], '--export')).toEqual([
      { format: 'junit', file: 'perf.xml' },
      { format: 'bmf', file: 'b.json' },
    ])
    const refused = (specs: string[]): string[] => {
      try {
        parseExports(specs, "input 'export'")
      } catch (error) {
        if (error instanceof InputError) return [...error.problems]
        throw error
      }
      throw new Error('expected a refusal')
    }
    expect(refused(['xml=perf.xml', 'junit'])).toEqual([
      `input 'export': expected FORMAT=FILE with FORMAT one of junit, bmf, gab (e.g. junit=perf.xml), got "xml=perf.xml"`,
      `input 'export': expected FORMAT=FILE with FORMAT one of junit, bmf, gab (e.g. junit=perf.xml), got "junit"`,
    ])
    expect(refused(['gab=b.json', 'bmf=b-bigger.json'])).toEqual([
      `input 'export': two exports would write b-bigger.json; give each its own file`,
    ])
  })
})
