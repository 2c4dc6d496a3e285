// What report.html shows, as data: the comparison's verdict and table (the same rows and words as
// the comment), then per entry its charts. Pure: results, comparison and history in, PageData out;
// page.ts turns it into the file.
import type { Comparison } from '../../compare/types.js'
import type { History } from '../../history/document.js'
import type { EntryResult, Results } from '../../results/document.js'
import { scalingSummaries } from '../../results/scaling.js'
import { entryLatency, pooledErrorRate } from '../../results/entry-numbers.js'
import { formatFraction, formatLatencyUs, formatRps } from '../numbers.js'
import { capacityText, scalingLine } from '../stress.js'
import { describeEnvironment, footerFacts, headline, notices, plural, reportRows, verdictWord, type ReportRow } from '../rows.js'
import {
  historyChart,
  loadCurveChart,
  perSecondCpuChart,
  perSecondP99Chart,
  perSecondRssChart,
  percentileChart,
  roundsP99Chart,
  roundsRpsChart,
  serverCpuChart,
  serverRssChart,
  type HistogramSide,
  type RoundSides,
} from './charts.js'
import { decisionChart, pairedLooks, type LookHistory } from './decision-chart.js'
import { sweepCharts } from './sweep-chart.js'
import type { CpuProfileReport } from '../../profile/index.js'
import { flameSpec } from './flame-data.js'
import type { ChartSpec, PageData, PageEntry, PageTable } from './page-types.js'

/** What one run's report is made of. */
export interface ReportInput {
  readonly results: Results
  readonly comparison: Comparison
  /** The baseline's results, when there is one (a stored run, a file, or the base measured beside). */
  readonly base?: Results
  /** Base and head ran in the same job, rounds interleaved. */
  readonly paired?: boolean
  /**
   * The base branch's history: on a push run, including this run; on a pull request, the baseline's,
   * and this run's value is marked beside it.
   */
  readonly history?: History
  /** This run is one of the history's runs (a push run); otherwise its value is marked on the trend. */
  readonly inHistory?: boolean
  /** CPU profiles of the entries that got slower (same-job mode): a differential flame graph each. */
  readonly cpuProfiles?: CpuProfileReport
}

const COMPARED_HEADER = ['Scenario', 'Load', 'Metric', 'Baseline → Current', 'Change (CI, 95 % unless marked)', 'Verdict']

function comparedCells(row: ReportRow): string[] {
  const change = row.detail === '' ? row.change : `${row.change} — ${row.detail}`
  return [row.scenario, row.load, row.metric, row.values, change, verdictWord(row)]
}

/** An entry's headline numbers: throughput (a stress entry's capacity), errors, p50, p99. */
function numbers(entry: EntryResult): { rps: string; errors: string; p50: string; p99: string } {
  const latency = entryLatency(entry)
  return {
    rps: entry.stress === undefined ? formatRps(entry.rps) : `capacity ${capacityText(entry.stress)}`,
    errors: formatFraction(pooledErrorRate(entry.rounds)),
    p50: formatLatencyUs(latency.p50),
    p99: formatLatencyUs(latency.p99),
  }
}

/** The entry's verdict in one word: its most serious row's, else unchanged (compared) or ok. */
function entryVerdict(rows: readonly ReportRow[], order: number, compared: boolean): { kind: string; word: string } {
  const worst = rows.find((r) => r.order === order)
  if (worst !== undefined) return { kind: worst.kind, word: verdictWord(worst) }
  return compared ? { kind: 'unchanged', word: 'unchanged' } : { kind: 'ok', word: 'ok' }
}

/**
 * The table at the top, one row per entry: throughput, errors, p50 and p99 at a glance. With a
 * baseline each cell reads `base → head`; without one, the current value alone, under headers that
 * say so (no "Baseline → Current" where there is no baseline).
 */
function overviewTable(input: ReportInput): PageTable {
  const { results, comparison, base } = input
  const notable = reportRows(comparison).notable
  const baseByKey = new Map((base?.entries ?? []).map((e) => [e.key, e]))
  const withBase = comparison.baseline !== undefined
  const unit = withBase ? ' (baseline → current)' : ''
  const header = ['Scenario', 'Load', `Throughput, req/s${unit}`, `Errors${unit}`, `Latency p50${unit}`, `Latency p99${unit}`, 'Verdict']
  const rows = results.entries.map((entry) => {
    const order = comparison.entries.findIndex((e) => e.key === entry.key)
    const compared = comparison.entries[order]
    const now = numbers(entry)
    const before = baseByKey.get(entry.key)
    const then = withBase && before !== undefined && before.validRounds > 0 ? numbers(before) : undefined
    const cell = (key: keyof ReturnType<typeof numbers>): string => (then === undefined ? now[key] : `${then[key]} → ${now[key]}`)
    const verdict = entryVerdict(notable, order, compared?.status === 'compared')
    return {
      kind: verdict.kind,
      cells: [entry.scenario, compared?.load ?? '', cell('rps'), cell('errors'), cell('p50'), cell('p99'), verdict.word],
    }
  })
  return { header, rows }
}

function tables(input: ReportInput): PageTable[] {
  const { comparison } = input
  const rows = reportRows(comparison)
  const result: PageTable[] = [overviewTable(input)]
  // Without a baseline there is nothing to put beside "Current": the overview says it all, and
  // only what broke a threshold gets rows of its own.
  const header = comparison.baseline === undefined ? ['Scenario', 'Load', 'Metric', 'Current', 'Limit', 'Verdict'] : COMPARED_HEADER
  const notable = comparison.baseline === undefined ? rows.notable.filter((r) => r.kind !== 'new') : rows.notable
  if (notable.length > 0) {
    result.push({
      header,
      rows: notable.map((r) => ({
        kind: r.kind,
        cells: comparison.baseline === undefined ? [r.scenario, r.load, r.metric, r.values, r.change, verdictWord(r)] : comparedCells(r),
      })),
    })
  }
  if (rows.unchanged.length > 0) {
    result.push({
      header: COMPARED_HEADER,
      rows: rows.unchanged.map((r) => ({ kind: r.kind, cells: comparedCells(r) })),
      collapsedSummary: `${plural(rows.unchanged.length, 'more metric')} unchanged or within the noise`,
    })
  }
  return result
}

/** The entry's most important row in words (`regression: latency p99 +24.1 % (…)`), else its numbers. */
function entrySummary(entry: EntryResult, comparison: Comparison): string {
  const order = comparison.entries.findIndex((e) => e.key === entry.key)
  const rows = reportRows(comparison)
  const worst = rows.notable.find((r) => r.order === order && r.kind !== 'new')
  const numbers = `p50 ${formatLatencyUs(entry.latencyUs.p50)} · p99 ${formatLatencyUs(entry.latencyUs.p99)} · ${formatRps(entry.rps)} req/s · ${plural(entry.validRounds, 'valid round')} of ${entry.rounds.length}`
  return worst === undefined ? numbers : `${verdictWord(worst)}: ${worst.metric} ${worst.change} · ${numbers}`
}

/** The charts of one entry, in the order a reader wants them; each is left out when it has no data. */
function entryCharts(entry: EntryResult, index: number, input: ReportInput, looks: LookHistory | undefined): ChartSpec[] {
  const id = (name: string): string => `entry-${index}-${name}`
  const baseEntry = input.base?.entries.find((e) => e.key === entry.key)
  const histograms: HistogramSide[] = [
    ...(baseEntry === undefined ? [] : [{ label: 'base', role: 'base' as const, histogram: baseEntry.histogram }]),
    { label: baseEntry === undefined ? 'this run' : 'head', role: 'head', histogram: entry.histogram },
  ]
  const rounds: RoundSides = {
    head: entry.rounds,
    ...(baseEntry === undefined ? {} : { base: baseEntry.rounds }),
    paired: input.paired === true,
  }
  const history = input.history
  const trend = (metric: 'p99' | 'rps', value: number): ChartSpec | undefined => {
    if (history === undefined) return undefined
    const current = input.inHistory === true ? undefined : { date: input.results.createdAt, value, label: 'this run' }
    return historyChart(id(`history-${metric}`), history, entry.key, metric, current)
  }
  const charts = [
    decisionChart(id('decision'), {
      comparison: input.comparison,
      head: entry,
      ...(baseEntry === undefined ? {} : { base: baseEntry }),
      ...(looks === undefined ? {} : { looks }),
    }),
    loadCurveChart(id('load-curve'), entry.stress, baseEntry?.stress),
    percentileChart(id('percentiles'), histograms),
    roundsRpsChart(id('rounds-rps'), rounds),
    roundsP99Chart(id('rounds-p99'), rounds),
    serverCpuChart(id('server-cpu'), rounds),
    serverRssChart(id('server-rss'), rounds),
    perSecondP99Chart(id('seconds-p99'), rounds),
    perSecondCpuChart(id('seconds-cpu'), rounds),
    perSecondRssChart(id('seconds-rss'), rounds),
    trend('p99', entry.latencyUs.p99),
    trend('rps', entry.rps),
  ]
  return charts.filter((c): c is ChartSpec => c !== undefined)
}

/** report.html's content for one run. */
export function reportPageData(input: ReportInput): PageData {
  const { results, comparison } = input
  const head = headline(comparison)
  const facts = [
    `suite ${results.suite}`,
    ...(results.git?.sha === undefined ? [] : [`commit ${results.git.sha.slice(0, 12)}`]),
    `measured ${results.createdAt}`,
    `on ${describeEnvironment(results.environment)}`,
  ]
  // Same job: the rule's looks after every pair, recomputed from the stored rounds (decision-chart.ts).
  const looks = input.paired === true && input.base !== undefined ? pairedLooks(input.base, results, comparison) : undefined
  const baseScaling = input.base === undefined ? [] : scalingSummaries(input.base.entries)
  const sweeps: PageEntry[] = scalingSummaries(results.entries).map((summary, index) => ({
    key: `${summary.scenario}: scaling with connections`,
    summary: scalingLine(summary),
    charts: sweepCharts(
      `sweep-${index}`,
      summary,
      baseScaling.find((b) => b.scenario === summary.scenario),
    ),
  }))
  const entries: PageEntry[] = results.entries.map((entry, index) => {
    const profiled = input.cpuProfiles?.entries.find((p) => p.key === entry.key)
    const flame =
      profiled === undefined || input.cpuProfiles === undefined ? undefined : flameSpec(input.cpuProfiles, profiled, `entry-${index}-flame`)
    return {
      key: entry.key,
      summary: entrySummary(entry, comparison),
      charts: entryCharts(entry, index, input, looks),
      ...(flame === undefined ? {} : { flame }),
    }
  })
  return {
    title: `Cannonade report: ${results.suite}`,
    outcome: head.outcome,
    headline: `${head.title} — ${head.sentence}`,
    facts,
    notices: notices(comparison).map((n) => n.text),
    tables: tables(input),
    entries: [...sweeps, ...entries],
    footer: `${footerFacts(comparison).join(' · ')} · Cannonade ${results.tool.version}; results.json beside this file holds every number.`,
  }
}
