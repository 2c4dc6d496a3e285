import { readFileSync } from 'node:fs'
import { defineConfig, type ViteUserConfig } from 'vitest/config'
import { testKinds } from './__tests__/helpers/test-kinds.js'
import { LongestFirst } from './__tests__/helpers/test-order.js'
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
      // Longest first over the projects of a group, from __tests__/durations.json (a clean clone has no
      // cached durations for vitest to order by): __tests__/helpers/test-order.ts.
      sequence: { sequencer: LongestFirst },
      testTimeout: 60_000,
      hookTimeout: 60_000,
      reporters: ['default'],
      projects: [
        {
          extends: true,
          // Pure computation: files run side by side, three at a time on two cores, as the process
          // files leave CPU idle while they wait for apps and processes. This group finishes before the
          // load group starts, so it never shares the machine with a measurement. Not isolated: a
          // worker keeps the modules it imported for the next file (imports were 24 of its 116 CPU
          // seconds, 69 s in all without isolation); no unit file mocks a module, and the few that set
          // process.env or fake timers restore them after each case.
          test: { name: 'unit', include: kinds.unit, maxWorkers: 3, isolate: false, sequence: { groupOrder: 0 } },
        },
        {
          extends: true,
          // Servers and processes that assert comments, artifacts, exit codes and fallbacks, never what
          // was measured: they share the unit group's three workers (same group, same maxWorkers).
          // Isolated: the in-process action tests import @actions/github after pointing it at their own
          // fake GitHub.
          test: { name: 'process', include: kinds.process, maxWorkers: 3, sequence: { groupOrder: 0 } },
        },
        {
          extends: true,
          // Files whose assertions read what was measured, after the parallel group. Three at a time:
          // at two the group kept the cores 62-85 % busy (timed windows, apps starting), and each file
          // is written for a busy runner (A/B interleaved, margins for a busy CPU). At three the group
          // took 111-113 s against 146 s at two, green in 3 of 3 runs and with a `yes` loop on one core
          // beside it (126 s), the Python perf-profile file included.
          test: { name: 'load', include: kinds.load, maxWorkers: 3, sequence: { groupOrder: 1 } },
        },
      ],
    },
  }
})
