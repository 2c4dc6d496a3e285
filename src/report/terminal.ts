// Plain-text renderings for a terminal or a CI log. Pure: data in, string out.
import { markdownTable } from 'markdown-table'
import { judgeSlopes, type Violation } from '../compare/thresholds.js'
import { entryTrend } from '../compare/round-trend.js'
import { entryLatency, pooledErrorRate } from '../results/entry-numbers.js'
import type { Plan } from '../config/plan.js'
import { describePlan, levelLabel } from '../config/describe-plan.js'
import type { RoundEvent } from '../load/schedule.js'
import type { EntryResult, Results } from '../results/document.js'
import { formatBytes, formatFraction, formatLatencyUs, formatRps } from './numbers.js'
import { describeEnvironment, trendSentence } from './rows.js'
import { curveTable, scalingLine, stressLine } from './stress.js'
import { profileRows } from './profile.js'
import { loadgenNote, sharedCpuNote } from './run-warnings.js'
import { plain } from './text.js'
import { MARK, worstSeverity } from './verdict.js'
import { violationSentence } from './violation.js'

function flags(entry: EntryResult, launches: number | undefined): string {
  const notes: string[] = []
  if (entry.validRounds < entry.rounds.length) notes.push(`${entry.rounds.length - entry.validRounds} invalid round(s)`)
  const loadgen = loadgenNote(entry.rounds)
  if (loadgen !== undefined) notes.push(loadgen)
  const shared = sharedCpuNote(entry.rounds)
  if (shared !== undefined) notes.push(shared)
  const trend = entryTrend(entry)
  if (trend !== undefined) notes.push(trendSentence(trend, launches))
  return notes.join('; ')
}

// ✗ or ⚠ in the first column, so a failing entry stands out in a long table.
function mark(entry: EntryResult, violations: readonly Violation[]): string {
  const worst = worstSeverity(violations.filter((v) => v.entry === entry.key))
  return worst === undefined ? '' : MARK[worst]
}

/**
 * The results table printed at the end of `cannonade run`; rows with a violated threshold are marked
 * ✗ (fail) or ⚠ (warn) in the first column.
 */
export function resultsTable(results: Results, violations: readonly Violation[] = []): string {
  const header = ['', 'scenario', 'load', 'req/s', 'p50', 'p99', 'errors', 'server CPU', 'peak RSS', 'rounds', 'notes']
  const rows = results.entries.map((e) => [
    mark(e, violations),
    plain(e.scenario),
    levelLabel(e),
    formatRps(e.rps),
    formatLatencyUs(entryLatency(e).p50),
    formatLatencyUs(entryLatency(e).p99),
    formatFraction(pooledErrorRate(e.rounds)),
    e.server === undefined ? '-' : `${e.server.cpuPercent.toFixed(0)} %`,
    e.server === undefined ? '-' : formatBytes(e.server.rssMaxBytes),
    `${e.validRounds}/${e.rounds.length}`,
    plain(flags(e, results.launches)),
  ])
  const table = markdownTable([header, ...rows], { align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'] })
  return [table, ...profileBlocks(results)].join('\n\n')
}

/**
 * Under the table: each stress entry's capacity and its latency-vs-load curve (a stress row's own
 * numbers are those of its step at capacity), and each connections sweep's scaling summary.
 */
function profileBlocks(results: Results): string[] {
  const blocks = results.entries.flatMap((e) =>
    e.stress === undefined ? [] : [`${plain(stressLine(e.key, e.stress))}\n${curveTable(e.stress)}`],
  )
  const scaling = (results.scaling ?? []).map((s) => plain(scalingLine(s)))
  if (scaling.length > 0) blocks.push(['scaling with connections:', ...scaling.map((line) => `  ${line}`)].join('\n'))
  return blocks
}

/**
 * What the load profiles found (leak, spike recovery, bytes/s), one row per finding marked like the
 * results table; undefined when no entry has a profile.
 */
export function profileTable(results: Results, violations: readonly Violation[] = []): string | undefined {
  const rows = profileRows(
    results.entries.map((e) => ({
      scenario: e.scenario,
      load: levelLabel(e),
      ...(e.findings === undefined ? {} : { findings: e.findings }),
      violations: violations.filter((v) => v.entry === e.key),
      slopes: judgeSlopes(e, e.thresholds),
    })),
  )
  if (rows.length === 0) return undefined
  const cells = rows.map((r) => [r.severity === undefined ? '' : MARK[r.severity], r.scenario, r.load, r.finding, r.value].map(plain))
  return markdownTable([['', 'scenario', 'load', 'profile finding', 'value'], ...cells], { align: ['l', 'l', 'r', 'l', 'l'] })
}

/** One line for a finished round, for the progress log: `[3/12] base list users @ 10 conn  round 2/3  ...`. */
export function roundLine(event: RoundEvent): string {
  const { result } = event
  const side = event.side === undefined ? '' : `${event.side} `
  const status = result.valid ? '' : `  INVALID: ${result.problems.join('; ')}`
  const cpu =
    result.server === undefined ? '' : `  server ${result.server.cpuPercent.toFixed(0)} % CPU ${formatBytes(result.server.rssMaxBytes)}`
  return plain(
    `[${event.done}/${event.total}] ${side}${event.entry.key}  round ${event.round}/${event.rounds}  ${formatRps(result.rps)} req/s  p50 ${formatLatencyUs(result.latencyUs.p50)}  p99 ${formatLatencyUs(result.latencyUs.p99)}  errors ${formatFraction(result.errorRate)}${cpu}${status}`,
  )
}

/** The violated thresholds, one per line, marked by severity. */
export function violationLines(violations: readonly Violation[]): string {
  return violations.map((v) => plain(`${v.severity === 'fail' ? 'FAIL' : 'WARN'}  ${violationSentence(v)}`)).join('\n')
}

/** What a plan will run, for a terminal or log: the plan's summary with each line made safe to print. */
export function planText(plan: Plan): string {
  return describePlan(plan)
    .split('\n')
    .map((line) => plain(line))
    .join('\n')
}

/** Says when merged shards ran on different kinds of machine; undefined when they all ran on one kind. */
export function machinesNote(results: Results): string | undefined {
  const machines = results.shardEnvironments
  if (machines === undefined || machines.length < 2) return undefined
  return plain(
    `The shards ran on ${machines.length} different kinds of machine (${machines.map(describeEnvironment).join('; ')}): ` +
      'entries measured in different shards are not directly comparable with each other.',
  )
}
