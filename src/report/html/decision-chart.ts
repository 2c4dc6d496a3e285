// What decided an entry's verdict, as a chart: its primary metric's change pair by pair (same job)
// or round by round (a stored baseline), the interval that decided, and the tolerance band.
//
// Same job: the run looked after every pair of rounds and stopped when the entry was decided, so the
// chart shows the interval as it was after each pair, narrowing, with the pair where the verdict was
// reached marked. That history is not stored: the rounds are, in full, and the rule is a pure
// function of them, so it is recomputed here with the rule compare() applies to paired rounds
// (compare/sequential.ts sequentialVerdict, each metric's tolerance and share of the suite's
// false-alarm budget, as the comparison recorded them). A test pins the last look to compare()'s
// own result for every metric, so the chart cannot drift from the verdict. compare() itself is not
// re-run per look: its exact Mann-Whitney p-values took 8 s for 10 entries of 50 pairs.
import { MIN_ROUNDS, pairedValues, roundValues, type PairedValues } from '../../compare/compare.js'
import { suiteBudget } from '../../compare/family.js'
import { MISS_ALPHA, sequentialVerdict } from '../../compare/sequential.js'
import type { Comparison, MetricComparison } from '../../compare/types.js'
import type { EntryResult, Results } from '../../results/document.js'
import type { Verdict } from '../../stats/stats.js'
import { comparedMetricLabel, confidenceLabel } from '../change.js'
import { formatFraction } from '../numbers.js'
import type { ChartSpec, SeriesSpec, YUnit } from './page-types.js'

/** One look of the sequential rule: the interval and verdict after `pairs` pairs. */
export interface Look {
  readonly pairs: number
  /** Change (ratio − 1, or a difference), and its interval; ±Infinity while it is the whole line. */
  readonly change: number
  readonly low: number
  readonly high: number
  readonly verdict: Verdict
  /**
   * At the last look, where the 95 % interval claimed a change: the interval at the metric's alarm
   * level that confirmed it or left it undecided, and that level. compare() shows this one.
   */
  readonly decided?: { readonly low: number; readonly high: number; readonly confidence: number }
}

/** Every entry's metrics after each number of pairs, from compare() over the first k pairs. */
export type LookHistory = ReadonlyMap<string, ReadonlyMap<MetricComparison['metric'], readonly Look[]>>

/** One metric's looks: the shown interval and the verdict after the first k pairs, k = 1 … n. */
function metricLooks(values: PairedValues, m: MetricComparison, alarmAlpha: number): Look[] {
  const { base, head, noise } = values
  const looks: Look[] = []
  for (let k = 1; k <= head.length; k++) {
    const last = k === head.length
    const { verdict, interval, strict } = sequentialVerdict(base.slice(0, k), head.slice(0, k), {
      relative: m.relative,
      direction: m.direction,
      tolerance: m.tolerance,
      alarmAlpha,
      // The last look is compare()'s: the measurement had ended there (sequential.ts, the final look).
      final: last,
      ...(noise === undefined ? {} : { noise: noise.slice(0, k) }),
    })
    // As compare() reports it: a ratio's change is ratio − 1, a difference is itself.
    const shift = m.relative ? 1 : 0
    looks.push({
      pairs: k,
      change: interval.estimate - shift,
      low: interval.low - shift,
      high: interval.high - shift,
      verdict: k >= MIN_ROUNDS ? verdict : 'inconclusive',
      ...(last && strict !== undefined
        ? { decided: { low: strict.interval.low - shift, high: strict.interval.high - shift, confidence: strict.confidence } }
        : {}),
    })
  }
  return looks
}

/**
 * The looks of a same-job run: every compared metric of every entry, after 1, 2, … pairs, as the
 * run saw them (the comparison gives each metric's tolerance; the suite's budget its share).
 */
export function pairedLooks(base: Results, head: Results, comparison: Comparison): LookHistory {
  const budget = suiteBudget(head.entries)
  const baseByKey = new Map(base.entries.map((e) => [e.key, e]))
  const looks = new Map<string, Map<MetricComparison['metric'], Look[]>>()
  for (const [i, h] of head.entries.entries()) {
    const b = baseByKey.get(h.key)
    const compared = comparison.entries.find((e) => e.key === h.key)
    if (b === undefined || compared === undefined) continue
    const byMetric = new Map<MetricComparison['metric'], Look[]>()
    for (const m of compared.metrics) {
      const values = pairedValues(b.rounds, h.rounds, m.metric)
      if (values === undefined) continue
      const alarmAlpha = m.gated ? (budget.shares[i]?.[m.metric] ?? MISS_ALPHA) : MISS_ALPHA
      byMetric.set(m.metric, metricLooks(values, m, alarmAlpha))
    }
    looks.set(h.key, byMetric)
  }
  return looks
}

const VERDICT_RANK: Record<Verdict, number> = { regression: 0, inconclusive: 1, improvement: 2, unchanged: 3 }

/** The pair from which the verdict stayed what it finally was; undefined while inconclusive. */
function decidedAt(looks: readonly Look[], final: Verdict): number | undefined {
  if (final === 'inconclusive') return undefined
  let at: number | undefined
  for (const look of looks) at = look.verdict === final ? (at ?? look.pairs) : undefined
  return at
}

/**
 * The metric that decided an entry: a gated one, the worst verdict first (a regression fails the
 * check whatever the rest say; an undecided one kept the entry measuring); among equals, the one
 * decided last, which is the one that kept the run going. No gated metric: throughput.
 */
export function primaryMetric(
  metrics: readonly MetricComparison[],
  looks?: ReadonlyMap<string, readonly Look[]>,
): MetricComparison | undefined {
  const gated = metrics.filter((m) => m.gated)
  if (gated.length === 0) return metrics.find((m) => m.metric === 'rps') ?? metrics[0]
  const lateness = (m: MetricComparison): number => {
    const history = looks?.get(m.metric)
    return history === undefined ? 0 : (decidedAt(history, m.verdict) ?? Infinity)
  }
  return [...gated].sort((a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict] || lateness(b) - lateness(a))[0]
}

/** How a change is shown: percent of the base for ratios, percentage points for the error rate. */
function scaleOf(m: MetricComparison): { unit: YUnit; times: number; word: string } {
  return m.relative ? { unit: '%', times: 100, word: 'change' } : { unit: 'pp', times: 100, word: 'difference' }
}

/** A y range that shows the tolerance band, every point and the final interval; wide early intervals run off it. */
function yRange(values: readonly number[], tolerance: number, m: MetricComparison, times: number): [number, number] {
  const finite = [...values, tolerance * times, -tolerance * times, m.low * times, m.high * times].filter(Number.isFinite)
  const low = Math.min(...finite)
  const high = Math.max(...finite)
  const pad = Math.max((high - low) * 0.12, tolerance * times * 0.25, 0.5)
  return [low - pad, high + pad]
}

function toleranceSeries(tolerance: number, length: number, times: number, label: string): SeriesSpec[] {
  return [
    { label: `tolerance +${label}`, role: 'tolerance', values: Array<number>(length).fill(tolerance * times) },
    { label: `tolerance −${label}`, role: 'tolerance', values: Array<number>(length).fill(-tolerance * times) },
  ]
}

function toleranceText(m: MetricComparison): string {
  return m.relative ? formatFraction(m.tolerance) : `${(m.tolerance * 100).toFixed(2)} pp`
}

const RULE = 'Regression: the interval clear of 0 on the bad side, the estimate beyond the band; unchanged: the interval inside the band.'

/** Same job: each pair's change, and the running estimate with its confidence sequence after each pair. */
function pairedChart(id: string, m: MetricComparison, base: EntryResult, head: EntryResult, looks: readonly Look[]): ChartSpec | undefined {
  const values = pairedValues(base.rounds, head.rounds, m.metric)
  if (values === undefined || values.head.length === 0 || looks.length === 0) return undefined
  const { unit, times, word } = scaleOf(m)
  const perPair = values.head.map((h, i) => {
    const b = values.base[i] ?? NaN
    const v = m.relative ? h / b - 1 : h - b
    return Number.isFinite(v) ? v * times : null
  })
  const xs = perPair.map((_, i) => i + 1)
  const at = new Map(looks.map((l) => [l.pairs, l]))
  // While the sequence is the whole line (one end infinite, the other −100 % on the ratio scale), no end is drawn.
  const column = (pick: (l: Look) => number, bounded: boolean): (number | null)[] =>
    xs.map((x) => {
      const look = at.get(x)
      if (look === undefined || (bounded && !(Number.isFinite(look.low) && Number.isFinite(look.high)))) return null
      const v = pick(look)
      return Number.isFinite(v) ? v * times : null
    })
  const tol = toleranceText(m)
  const series: SeriesSpec[] = [
    ...toleranceSeries(m.tolerance, xs.length, times, tol),
    { label: `${word} of each pair`, role: 'other', pointsOnly: true, values: perPair },
    { label: 'estimate so far', role: 'head', values: column((l) => l.change, false), breakAtGaps: true },
    { label: '95 % sequence, low', role: 'interval', values: column((l) => l.low, true), breakAtGaps: true },
    { label: '95 % sequence, high', role: 'interval', values: column((l) => l.high, true), breakAtGaps: true },
    ...decidedSeries(looks, xs, times),
  ]
  const decided = decidedAt(looks, m.verdict)
  const firstFinite = looks.find((l) => Number.isFinite(l.low) && Number.isFinite(l.high))?.pairs
  const open =
    firstFinite === undefined
      ? ' The sequence never bounded the change: too few pairs for an unknown noise.'
      : firstFinite > 1
        ? ` Before pair ${firstFinite} the sequence was the whole line (too few pairs to bound an unknown noise).`
        : ''
  const { full, label } = metricNames(m)
  return {
    kind: 'xy',
    id,
    title: `What decided: ${full}, ${m.verdict}`,
    caption:
      `Looked at after every pair of rounds: each pair's ${word} (dots), the mean so far and its 95 % confidence sequence (dashed, valid however often it is looked at), ` +
      `narrowing as pairs come in; the band is the tolerance ±${tol}. ${RULE}` +
      (m.finalLook === true
        ? ' The sequence had not decided when the run stopped at its cap or budget, so the last point is the final look: one fixed-sample t-interval over all the pairs.'
        : '') +
      (m.confidence === undefined
        ? ''
        : ` The two marks at the last pair are the interval at ${confidenceLabel(m)}, the metric's share of the suite's false-alarm budget, which decided.`) +
      (decided === undefined ? ' No verdict was reached: the run stopped at its cap or budget.' : ` Decided at pair ${decided}.`) +
      (m.verdict === 'regression' ? ' A regression must also hold at the stricter level of the suite’s false-alarm budget.' : '') +
      open,
    x: { label: 'pairs of rounds (base, head)', scale: 'linear', values: xs, legend: 'pair' },
    y: { label: `${label} ${word}`, unit, range: yRange(present(perPair), m.tolerance, m, times) },
    series,
    bands: [{ between: [0, 1], role: 'tolerance' }],
    ...(decided === undefined ? {} : { marks: [{ x: decided, label: `${m.verdict} from pair ${decided}` }] }),
  }
}

/** The last look's interval at the alarm level, where it decided: two points at the last pair. */
function decidedSeries(looks: readonly Look[], xs: readonly number[], times: number): SeriesSpec[] {
  const decided = looks.at(-1)?.decided
  if (decided === undefined) return []
  const at = (v: number): (number | null)[] => xs.map((_, i) => (i === xs.length - 1 && Number.isFinite(v) ? v * times : null))
  const level = confidenceLabel({ confidence: decided.confidence })
  return [
    { label: `decided at ${level}, low`, role: 'interval', pointsOnly: true, values: at(decided.low) },
    { label: `decided at ${level}, high`, role: 'interval', pointsOnly: true, values: at(decided.high) },
  ]
}

/** The metric's name with its unit, for the title, and without, for the axis of its change. */
function metricNames(m: MetricComparison): { full: string; label: string } {
  // "throughput (req/s)" names the unit of the values, not of their change.
  const full = comparedMetricLabel(m.metric)
  return { full, label: full.replace(/ \([^)]*\)$/, '') }
}

function present(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null)
}

/** Separate runs: each round of both sides against the base's centre, and the one interval that decided. */
function separateChart(id: string, m: MetricComparison, base: EntryResult, head: EntryResult): ChartSpec | undefined {
  const b = roundValues(base.rounds, m.metric)
  const h = roundValues(head.rounds, m.metric)
  if (b === undefined || h === undefined || b.length === 0 || h.length === 0) return undefined
  const { unit, times, word } = scaleOf(m)
  const against = (v: number): number | null => {
    const x = m.relative ? v / m.base - 1 : v - m.base
    return Number.isFinite(x) ? x * times : null
  }
  const length = Math.max(b.length, h.length)
  const xs = Array.from({ length }, (_, i) => i + 1)
  const flat = (v: number): (number | null)[] => xs.map(() => (Number.isFinite(v) ? v * times : null))
  const tol = toleranceText(m)
  const baseValues = xs.map((_, i) => (b[i] === undefined ? null : against(b[i])))
  const headValues = xs.map((_, i) => (h[i] === undefined ? null : against(h[i])))
  const level = m.confidence === undefined ? '95 %' : formatFraction(m.confidence)
  const { full, label } = metricNames(m)
  return {
    kind: 'xy',
    id,
    title: `What decided: ${full}, ${m.verdict}`,
    caption:
      `Each round of the baseline and of this run as a ${word} from the baseline's mean; the line is the estimated ${word} and the dashed lines its ${level} interval, the one that decided` +
      `${m.runToRun === undefined ? '' : ', widened by the drift between separate runs'}; the shaded band is the tolerance ±${tol}. ${RULE}`,
    x: { label: 'round', scale: 'linear', values: xs },
    y: {
      label: `${label} ${word}`,
      unit,
      range: yRange([...present(baseValues), ...present(headValues)], m.tolerance, m, times),
    },
    series: [
      ...toleranceSeries(m.tolerance, xs.length, times, tol),
      { label: 'baseline rounds', role: 'base', pointsOnly: true, values: baseValues },
      { label: 'this run’s rounds', role: 'head', pointsOnly: true, values: headValues },
      { label: `estimated ${word}`, role: 'other', values: flat(m.change) },
      { label: `${level} interval, low`, role: 'interval', values: flat(m.low) },
      { label: `${level} interval, high`, role: 'interval', values: flat(m.high) },
    ],
    bands: [{ between: [0, 1], role: 'tolerance' }],
  }
}

/** What one entry's decision chart needs. */
export interface DecisionInput {
  readonly comparison: Comparison
  readonly head: EntryResult
  readonly base?: EntryResult
  /** Same job: the looks after every pair (pairedLooks); absent for separate runs. */
  readonly looks?: LookHistory
}

/** The chart of what decided an entry's verdict; undefined for an entry that was not compared. */
export function decisionChart(id: string, input: DecisionInput): ChartSpec | undefined {
  const { head, base, looks } = input
  const entry = input.comparison.entries.find((e) => e.key === head.key)
  if (entry === undefined || entry.status !== 'compared' || base === undefined) return undefined
  const history = looks?.get(head.key)
  const m = primaryMetric(entry.metrics, history)
  if (m === undefined) return undefined
  if (looks !== undefined) return pairedChart(id, m, base, head, history?.get(m.metric) ?? [])
  return separateChart(id, m, base, head)
}
