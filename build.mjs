// Bundles the action (dist/index.js) and the CLI (dist/cli.js) into single self-contained ES modules.
// Both must run with no node_modules beside them, the way the Actions runner runs an action.
import { build } from 'esbuild'
import { chmod, readFile } from 'node:fs/promises'
import { reportClient } from './scripts/report-client.mjs'

const { version } = JSON.parse(await readFile('package.json', 'utf8'))
// report.html's browser code, bundled first and carried inline by both bundles.
const client = await reportClient()

// Some dependencies are CommonJS and call require() for Node built-ins; an ES module bundle has no
// require of its own, so one is made from this file's URL.
const banner = [
  "import { createRequire as __cannonadeCreateRequire } from 'node:module';",
  'const require = __cannonadeCreateRequire(import.meta.url);',
].join('\n')

await build({
  // The load threads' code sits beside the bundles (src/load/threads.ts finds it there).
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts', 'load-worker': 'src/load/load-worker.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: { js: banner },
  define: {
    __CANNONADE_VERSION__: JSON.stringify(version),
    __CANNONADE_REPORT_JS__: JSON.stringify(client.js),
    __CANNONADE_REPORT_CSS__: JSON.stringify(client.css),
  },
  legalComments: 'none',
  // Deterministic output, so CI can compare a fresh build with the committed one byte for byte.
  sourcemap: false,
  minify: false,
  logLevel: 'warning',
})
await chmod('dist/cli.js', 0o755)
