// The browser half of report.html, built once: src/report/html/client bundled with uPlot into one
// minified script, plus uPlot's and the page's CSS. build.mjs and vitest.config.ts pass the result
// to the code as __CANNONADE_REPORT_CLIENT__, so report.html embeds it and needs no network.
import { build } from 'esbuild'
import { readFile } from 'node:fs/promises'

/** The client script and stylesheet, as strings. */
export async function reportClient() {
  const uplot = JSON.parse(await readFile('node_modules/uplot/package.json', 'utf8'))
  const out = await build({
    entryPoints: ['src/report/html/client/main.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    charset: 'utf8',
    legalComments: 'none',
    // uPlot's MIT licence asks for its notice in every copy.
    banner: { js: `/*! uPlot ${uplot.version} | (c) Leon Sorokin | MIT License | https://github.com/leeoniya/uPlot */` },
    logLevel: 'warning',
  })
  const js = out.outputFiles[0].text
  const css = [
    await readFile('node_modules/uplot/dist/uPlot.min.css', 'utf8'),
    await readFile('src/report/html/client/page.css', 'utf8'),
  ].join('\n')
  return { js, css }
}
