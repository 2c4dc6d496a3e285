import { readFileSync } from 'node:fs'
import { defineConfig } from 'vitest/config'
import { reportClient } from './scripts/report-client.mjs'

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

export default defineConfig(async () => {
  // report.html's browser code, as build.mjs puts it into the bundles.
  const client = await reportClient()
  return {
    define: {
      __CANNONADE_VERSION__: JSON.stringify(version),
      __CANNONADE_REPORT_JS__: JSON.stringify(client.js),
      __CANNONADE_REPORT_CSS__: JSON.stringify(client.css),
    },
    test: {
      include: ['__tests__/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      // Load tests share two cores: running files in parallel would measure each other.
      fileParallelism: false,
      reporters: ['default'],
    },
  }
})
