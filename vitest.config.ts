import { readFileSync } from 'node:fs'
import { defineConfig, type ViteUserConfig } from 'vitest/config'
import { testKinds } from './__tests__/helpers/test-kinds.js'
import { reportClient } from './scripts/report-client.mjs'

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

export default defineConfig(async (): Promise<ViteUserConfig> => {
  // report.html's browser code, as build.mjs puts it into the bundles.
  const client = await reportClient()
  // Each test file by what it does (__tests__/helpers/test-kinds.ts): pure computation; servers and
  // processes whose assertions no busy CPU can change; or measurements that need the CPU to themselves.
  const kinds = testKinds(import.meta.dirname)
  return {
    define: {
      __CANNONADE_VERSION__: JSON.stringify(version),
      __CANNONADE_REPORT_JS__: JSON.stringify(client.js),
      __CANNONADE_REPORT_CSS__: JSON.stringify(client.css),
    },
    test: {
      testTimeout: 60_000,
      hookTimeout: 60_000,
      reporters: ['default'],
      projects: [
        {
          extends: true,
          // Pure computation: files run side by side, on every core. This group finishes before the
          // load group starts, so it never shares the machine with a measurement.
          test: { name: 'unit', include: kinds.unit, maxWorkers: 2, sequence: { groupOrder: 0 } },
        },
        {
          extends: true,
          // Servers and processes that assert comments, artifacts, exit codes and fallbacks, never what
          // was measured: they share the unit group's two workers (same group, same maxWorkers).
          test: { name: 'process', include: kinds.process, maxWorkers: 2, sequence: { groupOrder: 0 } },
        },
        {
          extends: true,
          // Load tests share two cores: running files in parallel would measure each other.
          test: { name: 'load', include: kinds.load, fileParallelism: false, sequence: { groupOrder: 1 } },
        },
      ],
    },
  }
})
