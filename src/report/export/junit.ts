// The verdict as a JUnit XML report, which GitLab, Jenkins and Azure Pipelines show as tests: one
// test suite per entry (scenario at a load level), one test case per gated metric and per absolute
// threshold. A regression or a broken threshold is a <failure> (its type says whether the
// config made it `fail` or `warn`); a gated metric left undecided is <skipped>, with the numbers in
// <system-out>. Elements and attributes are those of the common JUnit schema (the one GitLab, Jenkins and Azure read; __fixtures__/junit/junit.xsd).
import type { Violation } from '../../compare/thresholds.js'
import type { Comparison, EntryComparison, MetricComparison } from '../../compare/types.js'
import type { AbsoluteThreshold } from '../../config/plan.js'
import type { Results } from '../../results/document.js'
import { comparedMetricLabel, metricChangeSentence, probableSentence } from '../change.js'
import { formatMetric, metricLabel } from '../numbers.js'
import { violationSentence } from '../violation.js'

interface TestCase {
  readonly name: string
  readonly failure?: { readonly type: string; readonly message: string }
  readonly skipped?: string
  readonly out?: string
}

/** Escapes text for an XML attribute or element; drops the characters XML 1.0 cannot hold at all. */
export function xmlText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  )
}

function thresholdName(t: AbsoluteThreshold): string {
  return `${metricLabel(t.metric)} ${t.bound === 'max' ? 'at most' : 'at least'} ${formatMetric(t.metric, t.limit)} (threshold, ${t.severity})`
}

function sameThreshold(a: AbsoluteThreshold, b: AbsoluteThreshold): boolean {
  return a.metric === b.metric && a.bound === b.bound && a.limit === b.limit
}

function thresholdCases(entry: EntryComparison, thresholds: readonly AbsoluteThreshold[]): TestCase[] {
  const cases = thresholds.map((t): TestCase => {
    const broken = entry.violations.find((v) => v.noValidRound === undefined && sameThreshold(v.threshold, t))
    return broken === undefined ? { name: thresholdName(t) } : { name: thresholdName(t), failure: violationFailure(broken) }
  })
  // An entry with no valid round breaks its stand-in threshold: there was nothing to judge.
  for (const v of entry.violations.filter((v) => v.noValidRound !== undefined)) {
    cases.push({ name: 'measured (at least one valid round)', failure: violationFailure(v) })
  }
  // One whose requests failed beyond the validity limit over all rounds breaks that limit.
  for (const v of entry.violations.filter((v) => v.failedRounds !== undefined)) {
    cases.push({
      name: `requests failed within validity.maxErrorRate (${formatMetric('errorRate', v.threshold.limit)})`,
      failure: violationFailure(v),
    })
  }
  return cases
}

function violationFailure(v: Violation): { type: string; message: string } {
  return { type: v.severity, message: violationSentence(v) }
}

function metricCase(entry: EntryComparison, m: MetricComparison): TestCase {
  const name = `${comparedMetricLabel(m.metric)} within ${(m.tolerance * 100).toFixed(m.tolerance < 0.1 ? 1 : 0)} % of the baseline (regression, ${m.severity})`
  const numbers = `${metricChangeSentence(entry.key, m)}; base ${formatMetric(m.metric, m.base)}, head ${formatMetric(m.metric, m.head)}; ${m.baseRounds} and ${m.headRounds} rounds`
  if (m.verdict === 'regression') return { name, failure: { type: m.severity, message: numbers } }
  if (m.verdict === 'inconclusive') {
    return { name, skipped: m.probable === true ? probableSentence(entry.key, m) : `not decided: ${numbers}`, out: numbers }
  }
  return { name, out: numbers }
}

function testCase(classname: string, c: TestCase): string {
  const open = `    <testcase classname="${xmlText(classname)}" name="${xmlText(c.name)}" time="0"`
  const inner = [
    c.failure === undefined
      ? ''
      : `      <failure type="${xmlText(c.failure.type)}" message="${xmlText(c.failure.message)}">${xmlText(c.failure.message)}</failure>\n`,
    c.skipped === undefined ? '' : `      <skipped message="${xmlText(c.skipped)}"/>\n`,
    c.out === undefined ? '' : `      <system-out>${xmlText(c.out)}</system-out>\n`,
  ].join('')
  return inner === '' ? `${open}/>\n` : `${open}>\n${inner}    </testcase>\n`
}

/**
 * The JUnit XML of a comparison. `results` is the head run: its entries carry the configured
 * thresholds (passed ones become passing test cases) and the measured time of each entry.
 */
export function renderJunit(comparison: Comparison, results: Results): string {
  const byKey = new Map(results.entries.map((e) => [e.key, e]))
  let tests = 0
  let failures = 0
  let totalSeconds = 0
  const suites = comparison.entries.map((entry) => {
    const measured = byKey.get(entry.key)
    const cases = [
      ...entry.metrics.filter((m) => m.gated).map((m) => metricCase(entry, m)),
      ...thresholdCases(entry, measured?.thresholds ?? []),
    ]
    const seconds = (measured?.rounds ?? []).reduce((sum, r) => sum + r.durationMs, 0) / 1000
    const failed = cases.filter((c) => c.failure !== undefined).length
    const skipped = cases.filter((c) => c.skipped !== undefined).length
    tests += cases.length
    failures += failed
    totalSeconds += seconds
    const classname = `cannonade.${comparison.suite}.${entry.scenario}`
    const attributes = `name="${xmlText(entry.key)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="${skipped}" time="${seconds.toFixed(3)}" timestamp="${xmlText(comparison.head.createdAt)}"`
    return `  <testsuite ${attributes}>\n${cases.map((c) => testCase(classname, c)).join('')}  </testsuite>\n`
  })
  const head = `<testsuites name="${xmlText(`cannonade: ${comparison.suite}`)}" tests="${tests}" failures="${failures}" errors="0" time="${totalSeconds.toFixed(3)}">`
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${suites.join('')}</testsuites>\n`
}
