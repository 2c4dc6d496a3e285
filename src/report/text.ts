// The plain-text report for a terminal or a CI log (`cannonade compare`, the action's log).
import { markdownTable } from 'markdown-table'
import type { Comparison } from '../compare/types.js'
import type { CpuProfileReport } from '../profile/index.js'
import { FUNCTION_HEADER, functionRows, profileFacts, profileSummary, unavailableLine } from './cpu-profile.js'
import { comparisonProfileItems, PROFILE_HEADER, profileRows } from './profile.js'
import { footerFacts, headline, notices, plural, profileNotes, reportRows, verdictWord } from './rows.js'

const OUTCOME_WORD: Record<Comparison['outcome'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' }

/**
 * Text safe for a terminal: names come from config files and other machines, and a terminal must
 * not receive their escape sequences, control characters or bidi overrides (which can make a line
 * read differently from what it holds).
 */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this strips
  return text.replace(/\r\n|[\r\n\u2028\u2029\t]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
}

/**
 * The comparison as plain text for a terminal or CI log: a PASS/WARN/FAIL headline, any caveats,
 * a table of the rows that matter, a count of the unchanged metrics, and the footer facts.
 */
export function renderText(comparison: Comparison, options: { readonly cpuProfiles?: CpuProfileReport } = {}): string {
  const head = headline(comparison)
  const lines = [plain(`${OUTCOME_WORD[head.outcome]}  ${head.title} in ${head.suite} — ${head.sentence}`)]
  for (const notice of notices(comparison)) lines.push(plain(`${notice.level.toUpperCase()}  ${notice.text}`))

  const rows = reportRows(comparison)
  const shown = [...rows.notable, ...rows.measured]
  if (shown.length > 0) {
    const header = ['scenario', 'load', 'metric', 'baseline → current', 'change (CI, 95 % unless marked)', 'verdict', 'notes']
    const cells = shown.map((r) => [r.scenario, r.load, r.metric, r.values, r.change, verdictWord(r), r.detail].map(plain))
    lines.push('', markdownTable([header, ...cells], { align: ['l', 'r', 'l', 'r', 'r', 'l', 'l'] }))
  }
  const profile = profileRows(comparisonProfileItems(comparison))
  if (profile.length > 0) {
    const cells = profile.map((r) =>
      [r.severity === undefined ? '' : OUTCOME_WORD[r.severity], r.scenario, r.load, r.finding, r.value, r.baseline].map(plain),
    )
    lines.push('', markdownTable([['', ...PROFILE_HEADER], ...cells], { align: ['l', 'l', 'r', 'l', 'l', 'l'] }))
  }
  if (rows.unchanged.length > 0) lines.push('', `${plural(rows.unchanged.length, 'more metric')} unchanged or within the noise, not shown.`)
  const profiles = profileNotes(comparison)
  if (profiles.length > 0) lines.push('', ...profiles.map(plain))
  if (options.cpuProfiles !== undefined) lines.push(...cpuProfileText(options.cpuProfiles))
  lines.push('', plain(footerFacts(comparison).join(' · ')))
  return `${lines.join('\n')}\n`
}

// Under the table: per slower entry, what its CPU profile says grew (src/profile/).
function cpuProfileText(report: CpuProfileReport): string[] {
  const lines: string[] = []
  const unavailable = unavailableLine(report)
  if (unavailable !== undefined) lines.push('', plain(unavailable))
  for (const entry of report.entries) {
    lines.push('', plain(`Why ${entry.key} got slower: ${profileSummary(entry)}`))
    const rows = functionRows(entry)
    if (rows.length > 0) {
      const cells = rows.map((r) => [r.rank, r.label, r.values, r.change, r.share].map(plain))
      lines.push(markdownTable([FUNCTION_HEADER, ...cells], { align: ['r', 'l', 'r', 'r', 'r'] }))
    }
    for (const fact of profileFacts(report, entry)) lines.push(plain(fact))
  }
  return lines
}
