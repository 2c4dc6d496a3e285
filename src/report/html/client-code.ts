// The browser half of report.html (script and stylesheet), put in by the bundler at build time
// (build.mjs and vitest.config.ts define both from scripts/report-client.mjs), so the page carries
// them inline and opens with no network.
declare const __CANNONADE_REPORT_JS__: string | undefined
declare const __CANNONADE_REPORT_CSS__: string | undefined

/** The page's script and stylesheet; run from source without the bundler, a page that says so. */
export const REPORT_CLIENT: { readonly js: string; readonly css: string } = {
  js:
    typeof __CANNONADE_REPORT_JS__ === 'string'
      ? __CANNONADE_REPORT_JS__
      : "document.getElementById('app').textContent = 'Charts need the built Cannonade (npm run build).'",
  css: typeof __CANNONADE_REPORT_CSS__ === 'string' ? __CANNONADE_REPORT_CSS__ : '',
}
