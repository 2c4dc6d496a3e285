// The comparison in words: the rows, sentences and footer facts that the plain-text report and the
// markdown comment share, so that the log and the pull request never disagree. Everything here is
// plain text; markdown.ts escapes it and adds the markup, text.ts lays it out for a terminal.
import type { Severity } from '../config/plan.js'
import type { EntryTrend } from '../compare/round-trend.js'
import { clearOfTolerance, CONTENDED_METRICS, CONTENTION_POINTS, metMore } from '../compare/compare.js'
import { FINAL_LOOK_SHARE, FLOOR_SHARE } from '../compare/sequential.js'
import { NOISE_MIN_SECONDS } from '../compare/round-noise.js'
import type { Comparison, EntryComparison, MetricComparison } from '../compare/types.js'
import { probableSlope, type Violation } from '../compare/thresholds.js'
import type { Environment } from '../results/document.js'
import { comparedMetricLabel, formatChange, metricChangeSentence } from './change.js'
import { formatBytes, formatFraction, formatLatencyUs, formatMetric, grouped, metricLabel } from './numbers.js'
import { capacityText, scalingLine, stressLine } from './stress.js'
import { findingSentence, violationSentence } from './violation.js'

/**
 * What one row of the report says. `violation` is an absolute threshold the head run broke;
 * `changed` a clear change, either way, of a metric no tolerance gates: worth seeing, never a verdict
 * on the pull request, so it does not borrow the words of one.
 */
export type RowKind =
  'regression' | 'improvement' | 'changed' | 'unchanged' | 'inconclusive' | 'violation' | 'new' | 'removed' | 'unmeasurable'

/** One row of the report table, every cell already in words and units. */
export interface ReportRow {
  readonly kind: RowKind
  /** Set for regressions, violations and unmeasurable entries. */
  readonly severity?: Severity
  /** False for a metric without a configured tolerance, which never fails the check. */
  readonly gated: boolean
  /** Index of the entry in the comparison, to keep rows of equal importance in suite order. */
  readonly order: number
  readonly scenario: string
  readonly load: string
  readonly metric: string
  /** `8.10 ms → 10.05 ms`, or the current value alone where there is nothing to compare. */
  readonly values: string
  /** `+24.1 % (+18.0 … +30.2)`, `+1.20 pp (…)`, or the limit a violation broke. */
  readonly change: string
  /** Tolerance, p-value, outlier rounds, or why an entry could not be compared. */
  readonly detail: string
}

/** The rows of a comparison, by how much attention they deserve. */
export interface ReportRows {
  /** Regressions, violations, unmeasurable, improvements, inconclusive, new and removed entries, most serious first. */
  readonly notable: readonly ReportRow[]
  readonly unchanged: readonly ReportRow[]
  /** Entries measured without any baseline: numbers to read, not findings. */
  readonly measured: readonly ReportRow[]
}

/** The first line of a report. */
export interface Headline {
  readonly outcome: Comparison['outcome']
  /** `Cannonade: 1 regression, 1 threshold violation`. */
  readonly title: string
  /** The suite name, unescaped. */
  readonly suite: string
  /** One sentence naming the most important finding, or saying that all is well. */
  readonly sentence: string
}

/** A caveat about the baseline, shown before the table. */
export interface Notice {
  /**
   * `caution` when the run itself is incomplete, `warning` when the comparison is weaker than usual
   * (another config, regressions downgraded), `note` when it is merely worth knowing.
   */
  readonly level: 'note' | 'warning' | 'caution'
  readonly text: string
}

// Long user-provided strings are clipped so that one absurd scenario name cannot push the report
// past GitHub's size limit on its own; the artifact keeps the full names.
const MAX_NAME = 120
const MAX_SENTENCE_PART = 300

/** Clips text to `max` code points (not UTF-16 units, so that no surrogate pair is cut in half). */
export function clip(text: string, max: number): string {
  const points = Array.from(text)
  return points.length <= max ? text : `${points.slice(0, Math.max(0, max - 1)).join('')}…`
}

/** `1 regression`, `16,000 unchanged metrics`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`
}

/**
 * A compared metric's value in its unit. Unlike an absolute threshold, which judges CPU in percent of
 * a core, the comparison measures CPU as time per request, so that a faster server doing more requests
 * does not look like a CPU regression.
 */
export function formatComparedValue(metric: MetricComparison['metric'], value: number): string {
  if (!Number.isFinite(value)) return 'n/a'
  if (metric === 'cpu') return `${value < 10 ? value.toFixed(1) : grouped(value)} µs/req`
  return formatMetric(metric, value)
}

/** A clear change of a metric no tolerance gates. */
function isUngatedChange(m: MetricComparison): boolean {
  return !m.gated && (m.verdict === 'regression' || m.verdict === 'improvement')
}

function formatTolerance(m: MetricComparison): string {
  if (isUngatedChange(m)) return `${m.verdict === 'regression' ? 'worse' : 'better'}, not gated`
  if (!m.gated) return 'not gated'
  const amount = m.relative ? formatFraction(m.tolerance) : `${(m.tolerance * 100).toFixed(2)} pp`
  return `tolerance ${amount}`
}

// How many of the inconclusive gated metrics cannot be worse than their tolerance, said after their count.
function inconclusiveClear(gated: readonly MetricComparison[]): string {
  const open = gated.filter((m) => m.verdict === 'inconclusive')
  const clear = open.filter(clearedWhileOpen).length
  if (clear === 0) return ''
  if (clear < open.length) return `, ${clear} of them not worse than the tolerance`
  return `, ${open.length === 1 ? 'it' : open.length === 2 ? 'both' : 'all'} not worse than the tolerance`
}

/**
 * An inconclusive gated metric whose 95 % clearing interval (paired rounds) leaves no regression
 * beyond its tolerance: deciding as you go stopped on it, since nothing is left for it to fail.
 */
function clearedWhileOpen(m: MetricComparison): boolean {
  return m.gated && m.verdict === 'inconclusive' && m.clearing !== undefined && clearOfTolerance(m)
}

function formatPValue(p: number): string | undefined {
  if (!Number.isFinite(p)) return undefined
  if (p < 0.001) return 'p < 0.001'
  return `p = ${p.toFixed(p < 0.01 ? 3 : 2)}`
}

/** `run-to-run ±12 % (10 runs; outlier runs run 41, run 57 left out; capped)`: the drift a separate-run interval includes. */
function runToRunDetail(r: NonNullable<MetricComparison['runToRun']>): string {
  const notes: string[] = [r.assumed ? 'assumed' : plural(r.runs, 'run')]
  if (r.outliers !== undefined && r.outliers.length > 0) {
    const named = r.outliers.slice(0, 3).map((o) => clip(o, 40))
    const more = r.outliers.length - named.length
    notes.push(
      `${r.outliers.length === 1 ? 'outlier run' : 'outlier runs'} ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''} left out`,
    )
  }
  if (r.capped === true) notes.push("capped at what this run's rounds and twice the assumed drift allow")
  // The columns are then the level of the base branch's last runs and this run's median (compare/run-to-run.ts).
  const level = r.level === undefined ? '' : ` · baseline: level of the last ${plural(r.level, 'run')}, current: median of the rounds`
  return `run-to-run ±${formatFraction(Math.expm1(r.sigma))} (${notes.join('; ')})${level}`
}

/**
 * `at one machine speed -3.1 % (-9.8 … +4.0): the speed probe found the machine 71 % slower for this
 * run, so the regression measured is not confirmed`: the comparison of separate runs with the
 * machine's speed taken out (compare.ts atOneSpeed), which the verdict must agree with; or, where
 * that view decided alone (its history varies less), the values as measured beside it.
 */
function oneSpeedDetail(m: MetricComparison, o: NonNullable<MetricComparison['oneSpeed']>): string {
  const slower = o.machine >= 1
  const by = formatFraction(Math.abs(slower ? o.machine - 1 : 1 / o.machine - 1))
  const machine = `the speed probe found the machine ${by} ${slower ? 'slower' : 'faster'} for this run`
  // Either view's change, at the level of the interval that decided.
  const changeOf = (c: Pick<MetricComparison, 'change' | 'low' | 'high'>): string =>
    formatChange({ ...c, relative: true, ...(m.confidence === undefined ? {} : { confidence: m.confidence }) })
  if (o.measured !== undefined) {
    // The view at one speed decided alone: say so, why, and what the values as measured said.
    const measured = changeOf(o.measured)
    const asMeasured = formatFraction(Math.expm1(o.measured.sigma))
    return `decided at one machine speed, where the base branch's runs vary less (±${asMeasured} as measured): ${machine}; as measured ${measured}, ${o.measured.verdict}`
  }
  const claim = o.overruled === 'probable' ? 'probable slowdown' : o.overruled
  const overruled = claim === undefined ? '' : `, so the ${claim} measured is not confirmed`
  return `at one machine speed ${changeOf(o)}: ${machine}${overruled}`
}

function metricDetail(m: MetricComparison, rounds: number, entry: EntryComparison): string {
  const parts = [formatTolerance(m)]
  if (m.runToRun !== undefined) parts.push(runToRunDetail(m.runToRun))
  if (m.oneSpeed !== undefined) parts.push(oneSpeedDetail(m, m.oneSpeed))
  if (entry.definitionChanged === true) parts.push('scenario edited since the baseline: warns only')
  const shared = entry.contention
  if (shared !== undefined && CONTENDED_METRICS.has(m.metric)) {
    parts.push(
      `other work used ${Math.round(shared.head)} % of the app's CPUs in this run, ${Math.round(shared.base)} % in the baseline's: ${contendedOutcome(m, metMore(shared) === 'head')}`,
    )
  }
  const p = formatPValue(m.pValue)
  if (p !== undefined) parts.push(p)
  // Fewer rounds than the suite ran means some were invalid: the CI is wider than it looks.
  if (m.baseRounds !== m.headRounds || m.headRounds !== rounds) parts.push(`${m.baseRounds} vs ${m.headRounds} rounds`)
  const outliers = m.outliers.base.length + m.outliers.head.length
  if (outliers > 0) parts.push(plural(outliers, 'outlier round'))
  if (m.outlierPairs !== undefined) parts.push(`${plural(m.outlierPairs, 'outlier pair')} left out`)
  // At the final look the bad end is a one-sided bound (compare/sequential.ts, "The final look").
  if (clearedWhileOpen(m)) parts.push(`not worse than the tolerance (${m.finalLook === true ? 'one-sided 95 %' : '95 %'})`)
  return parts.join(' · ')
}

/** What other work met mostly by one run did to a throughput or latency verdict (compare.ts compareEntry). */
function contendedOutcome(m: MetricComparison, headMetMore: boolean): string {
  const regression = m.verdict === 'regression'
  if (headMetMore) return regression ? 'warns only' : 'judged as measured, as it can only have slowed this run'
  return regression ? "judged as measured, as it can only have slowed the baseline's" : 'not decided'
}

function metricRow(entry: EntryComparison, order: number, m: MetricComparison, rounds: number): ReportRow {
  return {
    kind: isUngatedChange(m) ? 'changed' : m.verdict,
    ...(m.verdict === 'regression' && m.gated ? { severity: m.severity } : {}),
    gated: m.gated,
    order,
    scenario: clip(entry.scenario, MAX_NAME),
    load: clip(entry.load, MAX_NAME),
    metric: comparedMetricLabel(m.metric),
    values: `${formatComparedValue(m.metric, m.base)} → ${formatComparedValue(m.metric, m.head)}`,
    change: formatChange(m),
    detail: metricDetail(m, rounds, entry),
  }
}

function violationRow(entry: EntryComparison, order: number, v: Violation): ReportRow {
  const { bound, limit, metric } = v.threshold
  return {
    kind: 'violation',
    severity: v.severity,
    gated: true,
    order,
    scenario: clip(entry.scenario, MAX_NAME),
    load: clip(entry.load, MAX_NAME),
    metric: metricLabel(v.metric),
    values: formatMetric(v.metric, v.actual),
    change: `${bound === 'max' ? 'limit ≤' : 'minimum ≥'} ${formatMetric(metric, limit)}`,
    detail: '',
  }
}

/** The head latencies of an entry that has nothing to be compared with. */
function headLatency(entry: EntryComparison): { metric: string; values: string } {
  if (entry.stress !== undefined) return { metric: 'capacity', values: capacityText(entry.stress.head) }
  const head = entry.percentiles?.head
  if (head === undefined) return { metric: '—', values: '—' }
  return { metric: 'latency p50 / p99', values: `${formatLatencyUs(head.p50)} / ${formatLatencyUs(head.p99)}` }
}

function worstSeverity(severities: readonly Severity[]): Severity | undefined {
  if (severities.includes('fail')) return 'fail'
  return severities.length > 0 ? 'warn' : undefined
}

function entryRow(comparison: Comparison, entry: EntryComparison, order: number): ReportRow {
  const base = { gated: true, order, scenario: clip(entry.scenario, MAX_NAME), load: clip(entry.load, MAX_NAME), change: '—' }
  if (entry.status === 'removed') {
    return { ...base, kind: 'removed', metric: '—', values: '—', detail: 'in the baseline, not in this run' }
  }
  if (entry.status === 'unmeasurable') {
    const findings = comparison.findings.filter((f) => f.entry === entry.key && f.kind === 'unmeasurable')
    const reasons = [...findings.map(findingSentence), ...entry.violations.map(violationSentence)]
    const severity = worstSeverity([...findings, ...entry.violations].map((f) => f.severity)) ?? 'fail'
    const detail = clip([...new Set(reasons)].join('; ') || 'no valid round to compare', MAX_SENTENCE_PART)
    return { ...base, kind: 'unmeasurable', severity, metric: '—', values: '—', detail }
  }
  const detail = comparison.baseline === undefined ? 'no baseline' : 'not in the baseline'
  return { ...base, kind: 'new', ...headLatency(entry), detail }
}

// Regressions and violations are ranked by severity in rank(); their entries here are the failing case.
const RANK: Record<RowKind, number> = {
  regression: 0,
  violation: 0,
  unmeasurable: 1,
  improvement: 3,
  changed: 3.5,
  inconclusive: 4,
  new: 5,
  removed: 6,
  unchanged: 7,
}

/** Failing findings first, then warnings, then the rest in a fixed order, so truncation keeps what matters. */
function rank(row: ReportRow): number {
  if (row.kind === 'regression' || row.kind === 'violation') {
    if (row.severity === 'fail' && row.gated) return 0
    // A regression says more about the change under review than a limit the app may never have met.
    return row.kind === 'regression' ? 2 : 2.5
  }
  return RANK[row.kind]
}

/** Splits a comparison into table rows: what deserves attention, what did not change, what has no baseline. */
export function reportRows(comparison: Comparison): ReportRows {
  const notable: ReportRow[] = []
  const unchanged: ReportRow[] = []
  const measured: ReportRow[] = []
  comparison.entries.forEach((entry, order) => {
    if (entry.status === 'compared') {
      for (const m of entry.metrics) {
        const row = metricRow(entry, order, m, comparison.rounds)
        // A metric no tolerance gates, whose change is within the noise, is not worth a reader's eye.
        if (row.kind === 'unchanged' || (row.kind === 'inconclusive' && !m.gated)) unchanged.push(row)
        else notable.push(row)
      }
    } else {
      const row = entryRow(comparison, entry, order)
      if (row.kind === 'new' && comparison.baseline === undefined) measured.push(row)
      else notable.push(row)
    }
    // An unmeasurable entry's violations are its reasons, already in its own row.
    if (entry.status !== 'unmeasurable') {
      for (const v of entry.violations) notable.push(violationRow(entry, order, v))
    }
  })
  // Array.prototype.sort is stable, so equal ranks stay in suite order, metrics in their fixed order.
  notable.sort((a, b) => rank(a) - rank(b) || a.order - b.order)
  return { notable, unchanged, measured }
}

interface Found {
  readonly entry: EntryComparison
  readonly metric: MetricComparison
}

/** The gated metric with this verdict that changed most, failing ones first: the one a reader should see. */
function strongest(comparison: Comparison, verdict: MetricComparison['verdict']): Found | undefined {
  const weight = (m: MetricComparison): number => (m.severity === 'fail' ? 1 : 0)
  let found: Found | undefined
  for (const entry of comparison.entries) {
    for (const metric of entry.metrics) {
      if (metric.verdict !== verdict || !metric.gated) continue
      const heavier = found === undefined ? 1 : weight(metric) - weight(found.metric)
      if (heavier > 0 || (heavier === 0 && found !== undefined && Math.abs(metric.change) > Math.abs(found.metric.change))) {
        found = { entry, metric }
      }
    }
  }
  return found
}

/** `1 probable leak, not decided`, `2 probable p99 drifts, not decided`: the soak slopes among `violations` that warn as probable. */
export function probableSlopeCounts(violations: readonly Violation[]): string[] {
  const probable = violations.filter(probableSlope)
  const leaks = probable.filter((v) => v.metric === 'leak').length
  const drifts = probable.length - leaks
  return [
    ...(leaks > 0 ? [`${plural(leaks, 'probable leak')}, not decided`] : []),
    ...(drifts > 0 ? [`${plural(drifts, 'probable p99 drift')}, not decided`] : []),
  ]
}

function firstViolation(comparison: Comparison): Violation | undefined {
  const all = comparison.entries.flatMap((e) => e.violations)
  return all.find((v) => v.severity === 'fail') ?? all.find((v) => !probableSlope(v)) ?? all[0]
}

function metricSentence(found: Found): string {
  return metricChangeSentence(clip(found.entry.key, MAX_NAME), found.metric)
}

/** The verdict in a title and one sentence, e.g. `Cannonade: 1 regression` / `search @ 10 conn: latency p99 +24.1 % (…)`. */
export function headline(comparison: Comparison): Headline {
  const unmeasurable = comparison.entries.filter((e) => e.status === 'unmeasurable').length
  const problems: string[] = []
  // Counted from the metrics rather than counts.regressions, which also holds regressions of metrics
  // no tolerance gates: those are reported, but must not read like the reason for a failed check.
  // Only gated metrics lead: an ungated clear change is counted in the tally as `changed`, never
  // named in the title or the sentence, where it would read like the reason for the outcome.
  const metrics = comparison.entries.flatMap((e) => e.metrics)
  const regressions = metrics.filter((m) => m.verdict === 'regression' && m.gated)
  if (regressions.length > 0) problems.push(plural(regressions.length, 'regression'))
  // Undecided but probably far worse: named in the title, so that it never reads as a pass.
  const probable = comparison.findings.filter((f) => f.kind === 'probable')
  if (probable.length > 0) problems.push(`${plural(probable.length, 'probable slowdown')}, not decided`)
  // By severity, because `1 threshold violation` next to a ❌ reads as the cause even when it only warns.
  const measured = comparison.entries.filter((e) => e.status !== 'unmeasurable').flatMap((e) => e.violations)
  // A soak slope probably beyond its limit but not decided: named as such, not as a broken threshold.
  const probableSlopes = measured.filter(probableSlope)
  const violations = measured.filter((v) => !probableSlope(v))
  problems.push(...probableSlopeCounts(probableSlopes))
  const failing = violations.filter((v) => v.severity === 'fail').length
  const warning = violations.length - failing
  if (failing > 0) problems.push(`${plural(failing, 'threshold')} violated`)
  if (warning > 0) problems.push(plural(warning, 'threshold warning'))
  if (unmeasurable > 0) problems.push(`${plural(unmeasurable, 'entry', 'entries')} unmeasurable`)
  const incomplete = comparison.head.incomplete !== undefined
  if (incomplete) problems.push('run incomplete')
  const noBaseline = comparison.baseline === undefined
  const title = `Cannonade: ${problems.length > 0 ? problems.join(', ') : noBaseline ? 'no baseline yet' : 'no regressions'}`

  const clauses: string[] = []
  if (noBaseline) {
    const why = comparison.baselineMissing === undefined ? undefined : clip(comparison.baselineMissing, MAX_SENTENCE_PART)
    // When the title already says "no baseline yet", the sentence gives the reason instead of repeating it.
    const missing =
      problems.length === 0 ? (why ?? 'nothing to compare against') : `there is no baseline yet${why === undefined ? '' : ` (${why})`}`
    clauses.push(`${missing}, so only absolute thresholds were checked`)
  }
  const regression = strongest(comparison, 'regression')
  const violation = firstViolation(comparison)
  const unmeasurableFinding = comparison.findings.find((f) => f.kind === 'unmeasurable')
  if (regression !== undefined) {
    const more = regressions.length - 1
    clauses.push(`${metricSentence(regression)}${more > 0 ? `, and ${more} more` : ''}`)
  } else if (probable[0] !== undefined) {
    const more = probable.length - 1
    clauses.push(`${clip(findingSentence(probable[0]), 2 * MAX_SENTENCE_PART)}${more > 0 ? `, and ${more} more` : ''}`)
  } else if (violation !== undefined) {
    clauses.push(clip(violationSentence(violation), MAX_SENTENCE_PART))
  } else if (unmeasurableFinding !== undefined) {
    clauses.push(clip(findingSentence(unmeasurableFinding), MAX_SENTENCE_PART))
  } else if (noBaseline) {
    clauses.push('none was violated')
  } else {
    // Only gated metrics answer the gate's question; ungated ones are counted apart, never as "unchanged".
    const gated = metrics.filter((m) => m.gated)
    const decided = gated.filter((m) => m.verdict !== 'inconclusive')
    const of = (verdict: MetricComparison['verdict']): number => gated.filter((m) => m.verdict === verdict).length
    const tally = [`${decided.length.toLocaleString('en-US')} of ${plural(gated.length, 'gated metric')} decided`]
    const parts = [
      of('unchanged') > 0 ? `${of('unchanged')} unchanged` : '',
      of('improvement') > 0 ? `${of('improvement')} improved` : '',
      of('inconclusive') > 0 ? `${of('inconclusive')} inconclusive${inconclusiveClear(gated)}` : '',
    ].filter((p) => p !== '')
    if (parts.length > 0) tally[0] = `${tally[0]} (${parts.join(', ')})`
    const changed = metrics.filter(isUngatedChange).length
    if (changed > 0) tally.push(`${changed} changed (not gated)`)
    const best = strongest(comparison, 'improvement')
    clauses.push(`${tally.join(', ')}${best === undefined ? '' : `; best: ${metricSentence(best)}`}`)
  }
  if (comparison.head.incomplete !== undefined) clauses.push('the run stopped early')
  const sentence = clauses.join('; ')
  // A run that stopped early has not shown that all is well: never a ✅, whatever it did measure.
  const outcome = incomplete && comparison.outcome === 'pass' ? 'warn' : comparison.outcome
  return { outcome, title, suite: clip(comparison.suite, MAX_NAME), sentence }
}

/**
 * What the profiles found beyond the table, one line each: every stress entry's capacity with its
 * interval and where the SLO broke, and every connections sweep's scaling (throughput and p99 from
 * the lowest to the highest level, efficiency, knee).
 */
export function profileNotes(comparison: Comparison): string[] {
  const stress = comparison.entries.flatMap((e) => (e.stress === undefined ? [] : [stressLine(clip(e.key, MAX_NAME), e.stress.head)]))
  const scaling = (comparison.scaling ?? []).map((s) => scalingLine({ ...s, scenario: clip(s.scenario, MAX_NAME) }))
  return [...stress, ...scaling]
}

const MAX_TREND_NOTES = 3

/**
 * A drift across rounds in words: `p50 rose across rounds: 34.50 ms → 228.5 ms (trend line over 5
 * rounds); the app's state may grow during the run`: the ends of the line the direction comes from. A fall is more often a warm-up too short for a JIT or a cache.
 * With the app started afresh for every pair (`launches`, app.relaunch), neither is the app's: no
 * process lived through the rounds, so it was the machine whose speed changed.
 */
export function trendSentence(trend: EntryTrend, launches?: number): string {
  const values = `${formatLatencyUs(trend.first)} → ${formatLatencyUs(trend.last)}`
  const why =
    launches !== undefined
      ? `each pair ran on freshly started apps, so the machine's speed changed during the run, not the app's state`
      : trend.direction === 'rose'
        ? "the app's state may grow during the run"
        : 'the app may still be warming up (a longer warmup helps)'
  return `${trend.metric} ${trend.direction} across rounds: ${values} (trend line over ${trend.rounds} rounds); ${why}`
}

/** Same-job: what became of the pairs whose rounds met other work. */
function unevenText(pairs: number): string {
  return pairs === 0
    ? `Every pair's two rounds met about as much of it as the pairs usually did (within ${CONTENTION_POINTS} points), so every pair was compared.`
    : `${plural(pairs, 'pair')} whose two rounds' shares differed by more than ${CONTENTION_POINTS} points from the pairs' usual difference ${pairs === 1 ? 'was' : 'were'} left out.`
}

/** How far apart two runs' shares of other work on the app's CPUs were, percentage points. */
function contentionGap(entry: EntryComparison): number {
  return entry.contention === undefined ? 0 : Math.abs(entry.contention.head - entry.contention.base)
}

/**
 * What the reader must know before trusting the table: a baseline from another machine or config
 * (and what was done about it), a run that stopped early, or rounds that drifted.
 */
export function notices(comparison: Comparison): Notice[] {
  const result: Notice[] = []
  if (comparison.head.incomplete !== undefined) {
    result.push({
      level: 'caution',
      text: `The run stopped early: ${clip(comparison.head.incomplete, MAX_SENTENCE_PART)}. Entries it did not reach are missing or unmeasurable.`,
    })
  }
  const drifting = comparison.entries.flatMap((e) =>
    e.trend === undefined ? [] : [`${clip(e.key, MAX_NAME)}: ${trendSentence(e.trend, comparison.head.launches)}`],
  )
  if (drifting.length > 0) {
    const shown = drifting.slice(0, MAX_TREND_NOTES)
    const more = drifting.length - shown.length
    result.push({
      level: 'warning',
      text: `${shown.join('. ')}${more > 0 ? `. And ${plural(more, 'more entry', 'more entries')}` : ''}. Rounds that drift are not repeats of one condition, so their median describes no moment of the run.`,
    })
  }
  const shared = comparison.entries.filter((e) => e.contention !== undefined)
  if (shared.length > 0) {
    const worst = shared.reduce((a, b) => (contentionGap(b) > contentionGap(a) ? b : a))
    const { base: inBase = 0, head: inHead = 0 } = worst.contention ?? {}
    const headMetMore = metMore(worst.contention) === 'head'
    const busier = headMetMore ? 'this run' : 'the baseline run'
    result.push({
      level: 'warning',
      text:
        `Other processes used ${Math.round(Math.max(inHead, inBase))} % of the app's CPUs in ${busier} (${Math.round(Math.min(inHead, inBase))} % in the other` +
        `${shared.length > 1 ? `; ${plural(shared.length, 'entry', 'entries')} so measured` : ''}): an app that shares its CPUs serves slower whatever its code, and the speed probe cannot see it. ` +
        (headMetMore
          ? 'A regression of throughput or latency there therefore only warns; an unchanged or better reading stands. '
          : "Throughput and latency there are therefore not called unchanged or better; a regression found although the baseline's app met more stands. ") +
        'Measure on a machine where nothing else runs, or compare with a run that met as much other work.',
    })
  }
  // Where no verdict was held back for it, the rounds that met other work still deserve a word.
  const busyRounds = comparison.entries.filter((e) => e.contention === undefined && e.sharedCpu !== undefined)
  if (shared.length === 0 && busyRounds.length > 0) {
    const rounds = busyRounds.reduce((sum, e) => sum + (e.sharedCpu?.rounds ?? 0), 0)
    const most = Math.max(...busyRounds.map((e) => e.sharedCpu?.most ?? 0))
    const paired = comparison.errorControl?.sequential === true
    result.push({
      level: 'note',
      text:
        `Other processes used up to ${Math.round(most)} % of the app's CPUs in ${plural(rounds, 'round')}: the app served slower there than the machine allows. ` +
        (paired
          ? unevenText(comparison.entries.reduce((sum, e) => sum + (e.unevenPairs ?? 0), 0))
          : comparison.baseline === undefined
            ? 'Compared with a run that met less of it, throughput and latency are not decided.'
            : "The two runs' median rounds met about as much of it, and the comparison stands on them."),
    })
  }
  if (comparison.suggestAppBuild === true) {
    result.push({
      level: 'note',
      text: 'For the precise mode, add app.build to cannonade.yml (e.g. npm ci && npm run build): pull requests then measure the base commit beside the head in the same job, rounds interleaved, instead of comparing with a stored run.',
    })
  }
  const base = comparison.baseline
  if (base === undefined) return result
  const history = base.runToRun
  if (history !== undefined && history.runs < history.minimum) {
    // Two standard deviations: the drift this project measured between runs minutes apart.
    result.push({
      level: 'note',
      text:
        `The base branch has ${plural(history.runs, 'run')} of history, fewer than the ${history.minimum} that measure its run-to-run spread: ` +
        `a drift of up to ±${formatFraction(Math.expm1(2 * Math.SQRT2 * history.assumedSigma))} between two runs is assumed (more where this run's rounds varied more), so only a change beyond it can fail. ` +
        'For precise verdicts now, measure the base commit beside the head in the same job (baseline: same-job).',
    })
  }
  const machine = base.environmentDifferences.length > 0
  if (!machine && !base.configChanged && !base.downgraded) return result

  const sentences: string[] = []
  if (machine) {
    const differences = base.environmentDifferences.map((d) => clip(d, MAX_NAME)).join('; ')
    sentences.push(
      `The baseline ran on a different machine (baseline vs this run: ${differences}), so part of any difference is the machine, not the code.`,
    )
  }
  if (base.configChanged)
    sentences.push(
      'The measured configuration changed since the baseline (load levels or requests), so some entries are not like for like.',
    )
  if (base.downgraded) sentences.push('To allow for this, regressions are reported as warnings and do not fail the check.')
  if (machine) sentences.push('For a precise comparison, measure the base commit beside the head in the same job (baseline: same-job).')
  result.push({ level: base.downgraded || base.configChanged ? 'warning' : 'note', text: sentences.join(' ') })
  return result
}

function shortSha(sha: string | undefined): string {
  return sha === undefined ? '' : `${sha.slice(0, 7)} `
}

/** `AMD EPYC 7763 64-Core Processor, 4 cores, linux 6.8.0 x64, Node v20.18.1`. */
export function describeEnvironment(env: Environment): string {
  return [clip(env.cpuModel, MAX_NAME), plural(env.cores, 'core'), clip(env.os, MAX_NAME), `Node ${clip(env.node, 40)}`].join(', ')
}

/** The facts for the footer: rounds, machines, noise, detectable change, and how the numbers were made. */
export function footerFacts(comparison: Comparison): string[] {
  const facts = [`${plural(comparison.rounds, 'round')} per entry`]
  facts.push(`this run: ${shortSha(comparison.head.sha)}on ${describeEnvironment(comparison.head.environment)}`)
  const base = comparison.baseline
  if (base !== undefined) {
    const where = base.environmentDifferences.length === 0 ? 'the same kind of machine' : describeEnvironment(base.environment)
    facts.push(`baseline: ${clip(base.description, MAX_SENTENCE_PART)}, ${shortSha(base.sha)}on ${where}`)
  }
  // One round has no round-to-round spread: its CV of 0 would read as a perfectly quiet machine.
  if (comparison.rounds === 1) facts.push('noise: not estimated (one round per entry; it takes two or more)')
  else if (comparison.noise !== undefined && Number.isFinite(comparison.noise)) {
    facts.push(`noise: median round-to-round CV of req/s ${formatFraction(comparison.noise)}`)
  }
  if (comparison.detectable !== undefined) {
    const amount = Number.isFinite(comparison.detectable) ? formatFraction(comparison.detectable) : 'unknown'
    facts.push(`smallest detectable change of req/s: ${amount}`)
  }
  const control = comparison.errorControl
  if (base !== undefined) {
    facts.push(
      control?.sequential === true
        ? `base and head measured in pairs of rounds${launchesOf(comparison.head)}, decided as they went: changes are mean ratios of the pairs with 95 % confidence sequences, valid however often they were looked at (the pairs' spread taken as at least ${formatFraction(FLOOR_SHARE)} of what their rounds' own seconds say, in steady rounds of ${NOISE_MIN_SECONDS} s or more), and what they left open when the run ended gets one fixed-sample t-interval (the final look, at ${formatFraction(FINAL_LOOK_SHARE)} of each metric's false-alarm share); p-values from the Mann-Whitney U test`
        : "base and head are separate runs: each change and interval is the one that decided, Welch ∩ Yuen over the rounds widened by the drift between runs (one drift event for the suite), or with 10+ runs of history this run's median against the level of the base branch's last runs where that is narrower; p-values from the Mann-Whitney U test",
    )
  }
  const history = base?.runToRun
  if (history !== undefined && history.runs >= history.minimum) {
    facts.push(`intervals include the run-to-run spread of the base branch's last ${plural(history.runs, 'run')}`)
  }
  if (control !== undefined && control.tests > 0) facts.push(errorSplitFact(control))
  return facts
}

// How same-job kept a launch's own offset out of the pairs' change (app.relaunch): apps started afresh
// for every pair, so that it is in the pairs' noise, or one launch a side with its cause taken away.
// With app.cpus: separate, also that the pairs were adjusted for the machine's speed on the apps' CPUs.
function launchesOf(head: Comparison['head']): string {
  const said: string[] = []
  if (head.launches !== undefined) {
    said.push(`each app started afresh for every pair after the first: ${head.launches} launches a side, app.relaunch`)
  } else if (head.heapPad !== undefined) {
    said.push(
      `one launch a side, each Node app's glibc heap top padded by ${formatBytes(head.heapPad)} with MALLOC_TOP_PAD_ so that two launches cost alike, app.relaunch`,
    )
  }
  if (head.speedProbe === true) {
    said.push(
      `the apps on CPUs of their own, the load generator on another, and each pair's throughput, latency and CPU per request adjusted for the machine's speed on the apps' CPUs as a probe measured it beside every round${head.cpuAccess === true ? ", throughput and latency also for the app's access to those CPUs (the share of its time ready to run that it ran) while CPU per request showed no change" : ''}, app.cpus`,
    )
  }
  return said.length === 0 ? '' : ` (${said.join('; ')})`
}

/**
 * The footer's account of the false-alarm budget: the suite's bound, its even split over entries,
 * and what each gated metric may spend within an entry (compare/family.ts), e.g. `… split over 6
 * gated metrics of 2 entries (0.5 % an entry): rps 0.4 %, p50 and p99 0.05 % each (closed loop); a
 * regression must hold at its metric's level`.
 */
export function errorSplitFact(control: NonNullable<Comparison['errorControl']>): string {
  const loops = new Set(control.shares.map((g) => g.loop))
  const parts: string[] = []
  for (const loop of ['closed', 'open'] as const) {
    // Entries of one loop type that gate the same metrics share the same levels: one part each.
    const levels = new Map<number, string[]>()
    for (const g of control.shares.filter((s) => s.loop === loop)) {
      const key = [...levels.keys()].find((a) => Math.abs(a - g.alpha) <= 1e-9 * g.alpha) ?? g.alpha
      const metrics = levels.get(key) ?? []
      if (!metrics.includes(g.metric)) metrics.push(g.metric)
      levels.set(key, metrics)
    }
    if (levels.size === 0) continue
    const byLevel = [...levels.entries()].sort((a, b) => b[0] - a[0])
    const said = byLevel.map(([alpha, metrics]) => {
      const names = metrics.length === 1 ? (metrics[0] ?? '') : `${metrics.slice(0, -1).join(', ')} and ${metrics.at(-1) ?? ''}`
      return `${names} ${formatFraction(alpha)}${metrics.length > 1 ? ' each' : ''}`
    })
    parts.push(`${said.join(', ')}${loops.size > 1 ? ` (${loop} loop)` : ''}`)
  }
  const entries =
    control.entries > 1 ? ` of ${plural(control.entries, 'entry', 'entries')} (${formatFraction(control.perEntry)} an entry)` : ''
  return (
    `false-alarm budget: at most ${formatFraction(control.suiteAlpha)} chance that an unchanged suite fails, split over ${plural(control.tests, 'gated metric')}${entries}: ` +
    `${parts.join('; ')}; a regression must hold at its metric's level`
  )
}

/** The word for a row's verdict, with its severity when that changes what it does to the check. */
export function verdictWord(row: ReportRow): string {
  switch (row.kind) {
    case 'regression':
      return row.severity === 'warn' ? 'regression (warning)' : 'regression'
    case 'changed':
      return 'changed (not gated)'
    case 'violation':
      return row.severity === 'warn' ? 'threshold warning' : 'threshold violated'
    default:
      return row.kind
  }
}
