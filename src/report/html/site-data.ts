// What the history site shows, as data: every entry of the base branch's history, each metric's
// trend on its own chart. Pure: a history in, PageData out.
import type { ComparedMetric } from '../../compare/types.js'
import type { History } from '../../history/document.js'
import { plural } from '../rows.js'
import { historyChart } from './charts.js'
import type { ChartSpec, PageData, PageEntry } from './page-types.js'

/** The trends the site draws per entry, most read first; a metric without history is left out. */
const SITE_METRICS: readonly ComparedMetric[] = ['p99', 'p50', 'rps', 'errorRate', 'cpu', 'rss']

/** The static site's content: the trends of every entry the history holds, in the order first seen. */
export function sitePageData(history: History): PageData {
  const keys: string[] = []
  for (const run of history.runs) for (const entry of run.entries) if (!keys.includes(entry.key)) keys.push(entry.key)
  const entries: PageEntry[] = keys.map((key, index) => {
    const charts = SITE_METRICS.map((metric) => historyChart(`entry-${index}-history-${metric}`, history, key, metric))
    const runs = history.runs.filter((r) => r.entries.some((e) => e.key === key)).length
    return { key, summary: `${plural(runs, 'run')} of the base branch`, charts: charts.filter((c): c is ChartSpec => c !== undefined) }
  })
  const first = history.runs[0]
  const last = history.runs[history.runs.length - 1]
  const runners = new Set(history.runs.map((r) => r.runner))
  const facts = [
    `suite ${history.suite}`,
    plural(history.runs.length, 'run'),
    ...(first === undefined || last === undefined ? [] : [`${first.date} to ${last.date}`]),
    ...(last?.sha === undefined ? [] : [`latest commit ${last.sha.slice(0, 12)}`]),
    runners.size > 1
      ? `${runners.size} kinds of machine: runs on different machines are not alike`
      : `on ${[...runners][0] ?? 'an unknown machine'}`,
  ]
  return {
    title: `Cannonade history: ${history.suite}`,
    facts,
    notices: history.runs.length === 0 ? ['The history holds no runs yet.'] : [],
    tables: [],
    entries,
    footer: 'Made by cannonade history --site from history.json, which the base branch carries from run to run.',
  }
}
