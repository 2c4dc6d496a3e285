// report.html and the history site's index.html, each one call: data made (page-data.ts,
// site-data.ts), then laid out as one self-contained page (page.ts).
import type { History } from '../../history/document.js'
import { renderPage } from './page.js'
import { reportPageData, type ReportInput } from './page-data.js'
import { sitePageData } from './site-data.js'

export type { ReportInput } from './page-data.js'
export { REPORT_HTML_FILE } from './page.js'

/** report.html for one run: the verdict and table of the comment, then every entry's charts. */
export function renderReportHtml(input: ReportInput): string {
  return renderPage(reportPageData(input))
}

/** The history site's index.html: every entry's trends over the base branch's runs. */
export function renderSiteHtml(history: History): string {
  return renderPage(sitePageData(history))
}
