// One self-contained HTML page from PageData: the data as JSON in a non-executed script element,
// the bundled client that draws it, and the styles, all inline. Nothing is fetched when it is opened
// (its Content-Security-Policy forbids it), and only the client script, pinned by its hash, may run.
import { createHash } from 'node:crypto'
import { REPORT_CLIENT } from './client-code.js'
import type { PageData } from './page-types.js'

/** The report's file name, beside results.json. */
export const REPORT_HTML_FILE = 'report.html'

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text made inert in HTML content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c)
}

/**
 * JSON that cannot end the script element it sits in: `<` is written as `\u003c` (so no `</script>`
 * or `<!--`), and the line separators JavaScript once rejected are escaped too. JSON.parse reads it back
 * unchanged.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** Code placed in a script element must not contain what would end it early. */
function scriptSafeCode(code: string): string {
  if (/<!--|<\/script/i.test(code)) throw new Error('the report client contains "<!--" or "</script": it cannot be inlined')
  return code
}

/** The whole page. Pure: the same data gives the same bytes. */
export function renderPage(data: PageData): string {
  const script = scriptSafeCode(REPORT_CLIENT.js)
  const hash = createHash('sha256').update(script, 'utf8').digest('base64')
  const policy = [
    "default-src 'none'",
    `script-src 'sha256-${hash}'`,
    // uPlot sizes its elements with inline styles.
    "style-src 'unsafe-inline'",
    'img-src data:',
  ].join('; ')
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // The policy is made here from fixed words and a base64 hash: nothing in it needs escaping.
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(data.title)}</title>`,
    `<style>${REPORT_CLIENT.css.replace(/<\//g, '<\\/')}</style>`,
    '</head>',
    '<body>',
    `<main id="app"><noscript>${escapeHtml(data.title)}: this page draws its tables and charts with JavaScript; results.json beside it holds the numbers.</noscript></main>`,
    `<script type="application/json" id="cannonade-data">${scriptSafeJson(data)}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
