// results.json files recorded once from real runs of the bundled CLI (`cannonade run`) against the
// demo app with the e2e suite's config (suite e2e, "list users" and "cpu work", 6 rounds of 300 ms at
// 4 connections), so publishing can be tested in-process on what a measurement really writes:
//
// - push-results.json: an unchanged app, as a push to main records it.
// - slow-cpu-results.json: DEMO_SLOWDOWN=900 DEMO_SLOW_ROUTES=cpu, /cpu doing ten times the work.
// - crashed-results.json and crashed-app.log: DEMO_EXIT_AFTER=2000, the app exiting mid-run.
// - quick-push-1..5-results.json: five pushes of the unchanged app, 3 rounds of 200 ms each (the
//   base branch's history, with the spread a busy machine gives); quick-push-slow-results.json: a
//   sixth with DEMO_SLOWDOWN=1900% (every CPU route twenty times the work; /users unchanged).
//
// To record them again: write that config (see __tests__/e2e/action.test.ts writeConfig, rounds 6),
// run `node dist/cli.js run --config cannonade.yml --out DIR` with the variables above, copy DIR's files.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseResults } from '../../src/results/io.js'
import type { Results } from '../../src/results/document.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))

/** The recorded files by name. */
export const RECORDED = {
  push: 'push-results.json',
  slowCpu: 'slow-cpu-results.json',
  crashed: 'crashed-results.json',
  quick1: 'quick-push-1-results.json',
  quick2: 'quick-push-2-results.json',
  quick3: 'quick-push-3-results.json',
  quick4: 'quick-push-4-results.json',
  quick5: 'quick-push-5-results.json',
  quickSlow: 'quick-push-slow-results.json',
} as const

/** The path of a recorded file. */
export function recordedPath(name: string): string {
  return path.join(HERE, name)
}

/** The text of a recorded file, as an artifact would hold it. */
export function recordedText(name: string): string {
  return readFileSync(recordedPath(name), 'utf8')
}

/** A recorded results file, parsed and validated like one read from an artifact. */
export function recordedResults(which: keyof typeof RECORDED): Results {
  return parseResults(JSON.parse(recordedText(RECORDED[which])), RECORDED[which])
}
