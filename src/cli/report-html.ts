// Writing report.html beside results.json from the CLI. The results are already safe on disk, so a
// report that cannot be written is a warning, never a lost run.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { errorMessage } from '../errors.js'
import { REPORT_HTML_FILE, renderReportHtml, type ReportInput } from '../report/html/report-page.js'

/** Writes `outDir/report.html`; returns its path, or undefined (after a warning) when it could not. */
export async function writeReportHtml(outDir: string, input: ReportInput): Promise<string | undefined> {
  const file = path.join(outDir, REPORT_HTML_FILE)
  try {
    await writeFile(file, renderReportHtml(input))
    return file
  } catch (error) {
    process.stderr.write(`warning: could not write ${file}: ${errorMessage(error)}; results.json holds every number\n`)
    return undefined
  }
}
