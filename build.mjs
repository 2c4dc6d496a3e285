// Bundles the action (dist/index.js) and the CLI (dist/cli.js) into single self-contained ES modules.
// Both must run with no node_modules beside them, the way the Actions runner runs an action.
import { build } from 'esbuild'
import { chmod, readFile } from 'node:fs/promises'
import { precompiledSchemas } from './scripts/precompiled-schemas.mjs'
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

const define = {
  __CANNONADE_VERSION__: JSON.stringify(version),
  __CANNONADE_REPORT_JS__: JSON.stringify(client.js),
  __CANNONADE_REPORT_CSS__: JSON.stringify(client.css),
}

// The JSON schemas compiled now rather than at every start (scripts/precompiled-schemas.mjs): the
// bundles get this module in place of src/schema-validator.ts, which compiles them at run time.
const schemas = await precompiledSchemas(define)
const precompiled = {
  name: 'precompiled-schemas',
  setup(bundle) {
    bundle.onLoad({ filter: /[\\/]src[\\/]schema-validator\.ts$/ }, () => ({ contents: schemas, loader: 'js', resolveDir: process.cwd() }))
  },
}

await build({
  // The load threads' code sits beside the bundles (src/load/threads.ts finds it there).
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts', 'load-worker': 'src/load/load-worker.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: { js: banner },
  define,
  plugins: [precompiled],
  legalComments: 'none',
  // Deterministic output, so CI can compare a fresh build with the committed one byte for byte.
  sourcemap: false,
  minify: false,
  logLevel: 'warning',
})
await chmod('dist/cli.js', 0o755)
