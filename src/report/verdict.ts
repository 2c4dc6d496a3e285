// The last line of `cannonade run`: pass, warn or fail in one sentence, so a run that went well says
// so as plainly as one that did not. Pure: data in, string out.
import { gatedAndOpen } from '../compare/compare.js'
import type { Comparison } from '../compare/types.js'
import { openSlopes, probableSlope, type Violation } from '../compare/thresholds.js'
import type { Severity } from '../config/plan.js'
import { clip, headline, plural, probableSlopeCounts } from './rows.js'
import { plain } from './text.js'
import { findingSentence, violationSentence } from './violation.js'
import { formatMetric } from './numbers.js'

/** The mark a terminal row or verdict gets: ✗ fails the run, ⚠ warns, ✓ passes. */
export const MARK = { fail: '✗', warn: '⚠', pass: '✓' } as const

// A verdict line names the first few findings; the lines above it list them all.
const NAMED = 2
const MAX_MESSAGE = 200

/** The worst severity among an entry's violations, or undefined when it has none. */
export function worstSeverity(violations: readonly Violation[]): Severity | undefined {
  if (violations.some((v) => v.severity === 'fail')) return 'fail'
  return violations.length > 0 ? 'warn' : undefined
}

function named(violations: readonly Violation[]): string {
  // Messages carry scenario names from the config: a terminal must not receive their escape sequences.
  const shown = violations.slice(0, NAMED).map((v) => plain(clip(violationSentence(v), MAX_MESSAGE)))
  const more = violations.length - shown.length
  return `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`
}

/**
 * The verdict of a run checked against its absolute thresholds only:
 * `✓ pass: 4 entries, no threshold violated`, `⚠ warn: 1 threshold warning (…)`,
 * `✗ fail: 2 threshold violations (…)`.
 */
export function thresholdVerdictLine(entries: number, violations: readonly Violation[]): string {
  const failing = violations.filter((v) => v.severity === 'fail')
  const warning = violations.filter((v) => v.severity === 'warn')
  if (failing.length > 0) {
    const warnings = warning.length > 0 ? `, ${plural(warning.length, 'warning')}` : ''
    return `${MARK.fail} fail: ${plural(failing.length, 'threshold violation')}${warnings} (${named(failing)})`
  }
  if (warning.length > 0) {
    // A probable leak is not a broken threshold: named as what it is, as the report's headline does.
    const plain = warning.filter((v) => !probableSlope(v)).length
    const counted = [...probableSlopeCounts(warning), ...(plain > 0 ? [plural(plain, 'threshold warning')] : [])]
    return `${MARK.warn} warn: ${counted.join(', ')} (${named(warning)})`
  }
  return `${MARK.pass} pass: ${plural(entries, 'entry', 'entries')}, no threshold violated`
}

/** The verdict of a run compared with a baseline, in the words of the report's headline. */
export function comparisonVerdictLine(comparison: Comparison): string {
  const head = headline(comparison)
  const title = head.title.replace(/^Cannonade: /, '')
  return plain(`${MARK[head.outcome]} ${head.outcome}: ${title} — ${head.sentence}`)
}

/**
 * The message of a failed action step: what failed, then one line per finding that failed it (every
 * finding, when the step fails on warnings alone).
 */
export function gateFailureText(comparison: Comparison): string {
  const failing = comparison.findings.filter((f) => f.severity === 'fail')
  const reasons = (failing.length > 0 ? failing : comparison.findings).map((f) => `- ${findingSentence(f)}`).join('\n')
  if (comparison.outcome === 'pass') {
    // Only `fail-on: inconclusive` fails a passing comparison: the reason is what stayed undecided.
    const undecided = comparison.entries.flatMap((e) => e.metrics.filter(gatedAndOpen).map((m) => `- ${e.key}: ${m.metric} inconclusive`))
    const slopes = comparison.entries.flatMap((e) =>
      openSlopes(e.slopes).map((j) => `- ${e.key}: ${j.metric} not decided against ${formatMetric(j.metric, j.threshold.limit)}`),
    )
    const what = [
      ...(undecided.length > 0 ? [plural(undecided.length, 'gated metric')] : []),
      ...(slopes.length > 0 ? [plural(slopes.length, 'soak slope')] : []),
    ]
    return `Cannonade: ${what.join(' and ')} undecided (fail-on: inconclusive)\n${[...undecided, ...slopes].join('\n')}`
  }
  return `Cannonade: ${comparison.outcome === 'fail' ? 'performance gate failed' : 'performance warnings (fail-on: warn)'}\n${reasons}`
}
