// Head against baseline, metric by metric, round by round: the ratio of medians with a seeded
// bootstrap CI, a Mann-Whitney p-value, noise and the smallest detectable change, then a verdict
// against the configured tolerance. Absolute thresholds are checked whether or not there is a baseline.
import { biggerIsBetter, isLatencyMetric, type MetricName, type RegressionTolerance, type Severity } from '../config/plan.js'
import { levelLabel } from '../config/summary.js'
import { environmentDifferences } from '../results/environment.js'
import type { EntryResult, Results, RoundResult } from '../results/format.js'
import {
  bootstrapDifference,
  bootstrapRatio,
  classify,
  coefficientOfVariation,
  madOutliers,
  mannWhitneyU,
  median,
  minimumDetectableChange,
  type Direction,
  type Verdict,
} from './stats.js'
import { entryLatency, entryTrend } from './summary.js'
import { checkEntry, validityViolation, type Violation } from './thresholds.js'
import {
  COMPARED_METRICS,
  type BaselineInfo,
  type ComparedMetric,
  type Comparison,
  type EntryComparison,
  type Finding,
  type MetricComparison,
  type Outcome,
} from './types.js'

/**
 * Tolerances used to label metrics that no threshold gates: they decide the word shown (unchanged,
 * regression, ...) but never fail the check. errorRate's is absolute (1 percentage point).
 */
export const REPORTING_TOLERANCE: Readonly<Record<ComparedMetric, number>> = {
  rps: 0.05,
  p50: 0.1,
  p90: 0.1,
  p95: 0.15,
  p99: 0.15,
  p999: 0.25,
  errorRate: 0.01,
  cpu: 0.1,
  rss: 0.1,
}

/** Fewer valid rounds than this on either side and no interval can be trusted: verdicts are inconclusive. */
export const MIN_ROUNDS = 2

/** How the caller obtained the baseline, for the report. */
export interface CompareOptions {
  /** Where the baseline came from, e.g. `artifact from run 1234 on main`. */
  readonly baselineDescription?: string
  /** Why there is no baseline, when `base` is undefined. */
  readonly baselineMissing?: string
}

function directionOf(metric: MetricName): Direction {
  return biggerIsBetter(metric) ? 'higher-is-better' : 'lower-is-better'
}

/** The per-round values of a metric over the valid rounds; undefined where a round lacks it (no app). */
export function roundValues(rounds: readonly RoundResult[], metric: ComparedMetric): number[] | undefined {
  const values: number[] = []
  for (const round of rounds) {
    if (!round.valid) continue
    const value = roundValue(round, metric)
    if (value === undefined) return undefined
    values.push(value)
  }
  return values
}

function roundValue(round: RoundResult, metric: ComparedMetric): number | undefined {
  if (isLatencyMetric(metric)) return round.latencyUs[metric]
  if (metric === 'rps') return round.rps
  if (metric === 'errorRate') return round.errorRate
  if (metric === 'cpu') return round.server?.cpuUsPerRequest
  return round.server?.rssMaxBytes
}

function compareMetric(
  metric: ComparedMetric,
  base: readonly number[],
  head: readonly number[],
  seed: string,
  tolerance: RegressionTolerance | undefined,
  downgraded: boolean,
): MetricComparison {
  const direction = directionOf(metric)
  const relative = metric !== 'errorRate'
  const estimate = relative ? bootstrapRatio(base, head, { seed }) : bootstrapDifference(base, head, { seed })
  const offset = relative ? 1 : 0
  const change = estimate.estimate - offset
  const limit = tolerance?.tolerance ?? REPORTING_TOLERANCE[metric]
  // classify reads ratios; an absolute difference d is the ratio 1 + d for this purpose.
  const asRatio = { estimate: change + 1, low: estimate.low - offset + 1, high: estimate.high - offset + 1 }
  const enough = base.length >= MIN_ROUNDS && head.length >= MIN_ROUNDS
  const verdict: Verdict = enough ? classify(asRatio, direction, limit) : 'inconclusive'
  const severity: Severity = downgraded ? 'warn' : (tolerance?.severity ?? 'fail')
  return {
    metric,
    direction,
    base: median(base),
    head: median(head),
    change,
    low: estimate.low - offset,
    high: estimate.high - offset,
    relative,
    pValue: mannWhitneyU(base, head).p,
    cvBase: coefficientOfVariation(base),
    cvHead: coefficientOfVariation(head),
    detectable: minimumDetectableChange(base, head),
    tolerance: limit,
    severity,
    gated: tolerance !== undefined,
    verdict,
    baseRounds: base.length,
    headRounds: head.length,
    outliers: { base: madOutliers(base), head: madOutliers(head) },
  }
}

function percentilesOf(entry: EntryResult): Record<'p50' | 'p90' | 'p99' | 'p999', number> {
  const { p50, p90, p99, p999 } = entryLatency(entry)
  return { p50, p90, p99, p999 }
}

function describeChange(m: MetricComparison): string {
  if (!m.relative) return `${(m.change * 100).toFixed(2)} percentage points (95 % CI ${(m.low * 100).toFixed(2)} to ${(m.high * 100).toFixed(2)})`
  const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`
  return `${pct(m.change)} (95 % CI ${pct(m.low)} to ${pct(m.high)}, tolerance ${(m.tolerance * 100).toFixed(0)} %)`
}

function compareEntry(
  head: EntryResult,
  base: EntryResult | undefined,
  seedPrefix: string,
  downgradeAll: boolean,
): { comparison: EntryComparison; findings: Finding[] } {
  const invalid = validityViolation(head)
  const violations: Violation[] = invalid === undefined ? checkEntry(head, head.thresholds) : [invalid]
  const findings: Finding[] = violations.map((v) => ({
    severity: v.severity,
    kind: invalid === undefined ? 'threshold' : 'unmeasurable',
    entry: head.key,
    metric: v.metric,
    message: v.message,
  }))
  const trend = entryTrend(head)
  const identity = {
    key: head.key,
    scenario: head.scenario,
    load: levelLabel(head),
    current: { rps: head.rps, errorRate: head.errorRate },
    ...(trend === undefined ? {} : { trend }),
  }
  if (invalid !== undefined) {
    return { comparison: { ...identity, status: 'unmeasurable', metrics: [], violations, percentiles: { head: percentilesOf(head) } }, findings }
  }
  if (base === undefined || base.validRounds === 0) {
    return { comparison: { ...identity, status: 'new', metrics: [], violations, percentiles: { head: percentilesOf(head) } }, findings }
  }
  // An edited scenario measures something else: report the change, but do not block on it.
  const definitionChanged = base.definitionHash !== head.definitionHash
  const downgraded = downgradeAll || definitionChanged
  const metrics: MetricComparison[] = []
  for (const metric of COMPARED_METRICS) {
    const b = roundValues(base.rounds, metric)
    const h = roundValues(head.rounds, metric)
    if (b === undefined || h === undefined || b.length === 0 || h.length === 0) continue
    const tolerance = head.regression.find((t) => t.metric === metric)
    const m = compareMetric(metric, b, h, `${seedPrefix}:${head.key}:${metric}`, tolerance, downgraded)
    metrics.push(m)
    if (m.gated && m.verdict === 'regression') {
      findings.push({
        severity: m.severity,
        kind: 'regression',
        entry: head.key,
        metric,
        message: `${head.key}: ${metric} regressed ${describeChange(m)}`,
      })
    }
  }
  const comparison: EntryComparison = {
    ...identity,
    status: 'compared',
    ...(definitionChanged ? { definitionChanged } : {}),
    metrics,
    violations,
    percentiles: { base: percentilesOf(base), head: percentilesOf(head) },
  }
  return { comparison, findings }
}

function outcomeOf(findings: readonly Finding[]): Outcome {
  if (findings.some((f) => f.severity === 'fail')) return 'fail'
  return findings.length > 0 ? 'warn' : 'pass'
}

function baselineInfo(base: Results, head: Results, description: string): BaselineInfo {
  const differences = environmentDifferences(base.environment, head.environment)
  return {
    description,
    ...(base.git?.sha === undefined ? {} : { sha: base.git.sha }),
    createdAt: base.createdAt,
    environment: base.environment,
    environmentDifferences: differences,
    configChanged: base.configHash !== head.configHash,
    // Another machine shifts numbers systematically (~7 % between runner hosts), which no interval
    // over rounds can tell from a regression: such regressions warn instead of failing.
    downgraded: differences.length > 0,
  }
}

/** Compares head against an optional baseline; pure and deterministic for the same inputs. */
export function compare(base: Results | undefined, head: Results, options: CompareOptions = {}): Comparison {
  const baseline = base === undefined ? undefined : baselineInfo(base, head, options.baselineDescription ?? 'baseline')
  const seedPrefix = head.git?.sha ?? head.configHash
  const baseEntries = new Map((base?.entries ?? []).map((e) => [e.key, e]))
  const entries: EntryComparison[] = []
  const findings: Finding[] = []
  for (const entry of head.entries) {
    const result = compareEntry(entry, baseEntries.get(entry.key), seedPrefix, baseline?.downgraded === true)
    entries.push(result.comparison)
    findings.push(...result.findings)
  }
  const headKeys = new Set(head.entries.map((e) => e.key))
  for (const removed of base?.entries ?? []) {
    if (headKeys.has(removed.key)) continue
    entries.push({ key: removed.key, scenario: removed.scenario, load: levelLabel(removed), status: 'removed', metrics: [], violations: [] })
  }
  const metrics = entries.flatMap((e) => e.metrics)
  const count = (verdict: Verdict): number => metrics.filter((m) => m.verdict === verdict).length
  const rps = metrics.filter((m) => m.metric === 'rps')
  const finiteDetectable = rps.map((m) => m.detectable).filter(Number.isFinite)
  return {
    suite: head.suite,
    head: {
      ...(head.git?.sha === undefined ? {} : { sha: head.git.sha }),
      createdAt: head.createdAt,
      environment: head.environment,
      ...(head.status === 'incomplete' ? { incomplete: head.error ?? 'the run stopped early' } : {}),
    },
    ...(baseline === undefined ? {} : { baseline }),
    ...(base === undefined ? { baselineMissing: options.baselineMissing ?? 'no baseline was given' } : {}),
    entries,
    findings,
    outcome: outcomeOf(findings),
    counts: {
      regressions: count('regression'),
      improvements: count('improvement'),
      unchanged: count('unchanged'),
      inconclusive: count('inconclusive'),
      violations: entries.reduce((sum, e) => sum + e.violations.length, 0),
    },
    rounds: Math.max(0, ...head.entries.map((e) => e.rounds.length)),
    ...(rps.length === 0 ? {} : { noise: median(rps.map((m) => m.cvHead)) }),
    ...(finiteDetectable.length === 0 ? {} : { detectable: median(finiteDetectable) }),
  }
}

/**
 * Entries whose gated metrics are still inconclusive against the baseline: the ones worth another
 * round (adaptive rounds). An entry that already regressed, or is clearly fine, needs none.
 */
export function undecided(base: Results, head: Results): string[] {
  return compare(base, head)
    .entries.filter((e) => e.metrics.some((m) => m.gated && m.verdict === 'inconclusive'))
    .map((e) => e.key)
}
