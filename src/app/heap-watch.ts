// A Node app's JS heap right after each full garbage collection, for the soak's leak rule. RSS alone
// cannot decide a leak in a runtime that gives memory back: an Express route keeping 1 KB a request
// sawed between 65 and 110 MB of RSS (V8 returning 30–43 MB every 50 s), an interval gigabytes wide,
// while the heap left after each full collection climbed 7.1 → 16.3 MB in 200 s in a straight line
// and stayed at 7.1–7.3 MB on the route that keeps nothing (README, *soak*). A preload, given to every
// Node process the app's command starts through NODE_OPTIONS, watches V8's garbage collections
// (perf_hooks' `gc` entries) and appends `<epoch ms> <used_heap_size>` after each major one to a file
// per process; nothing is sampled in between, so the app does no extra work but the append.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { AppPlan } from '../config/plan.js'
import type { HeapPoints } from '../results/document.js'
import { withNodeOptions } from './runtime.js'

/**
 * The preload: with CANNONADE_HEAP_DIR set, appends a line to `heap.<pid>.<thread>.log` there after
 * each batch of garbage collections holding a major one (mark-compact), read once the batch is
 * delivered (a few ms after the collection). Anything failing leaves the app alone.
 */
export const HEAP_PRELOAD = `'use strict'
const dir = process.env.CANNONADE_HEAP_DIR
if (dir) {
  try {
    const { PerformanceObserver, constants } = require('node:perf_hooks')
    const { getHeapStatistics } = require('node:v8')
    const fs = require('node:fs')
    const path = require('node:path')
    const { threadId } = require('node:worker_threads')
    const file = path.join(dir, 'heap.' + process.pid + '.' + threadId + '.log')
    const observer = new PerformanceObserver((list) => {
      const major = list.getEntries().some((entry) => (entry.detail ? entry.detail.kind : entry.kind) === constants.NODE_PERFORMANCE_GC_MAJOR)
      if (!major) return
      try {
        fs.appendFileSync(file, Date.now() + ' ' + getHeapStatistics().used_heap_size + '\\n')
      } catch {}
    })
    observer.observe({ entryTypes: ['gc'] })
  } catch {}
}
`

/** `app` as a soak round starts it: the preload in NODE_OPTIONS, writing into `dir`. */
export function heapWatched<App extends Pick<AppPlan, 'env'>>(app: App, dir: string, preload: string): App {
  return {
    ...app,
    env: { ...app.env, NODE_OPTIONS: withNodeOptions(app, `--require=${JSON.stringify(preload)}`), CANNONADE_HEAP_DIR: dir },
  }
}

/** One process's readings: epoch ms and bytes, in file order. */
function parseLog(text: string): { ms: number; bytes: number }[] {
  const points: { ms: number; bytes: number }[] = []
  for (const line of text.split('\n')) {
    const [ms, bytes] = line.trim().split(' ').map(Number)
    if (ms !== undefined && bytes !== undefined && Number.isFinite(ms) && Number.isFinite(bytes) && bytes >= 0) points.push({ ms, bytes })
  }
  return points
}

/**
 * The heap readings of the window from `openedMs` to `closedMs` (epoch ms) in `dir`: those of the one
 * process with the most collections in it, the server (a command like `npm start` runs npm's own
 * Node beside it, which collects rarely). Undefined when no process collected in the window.
 */
export async function readHeapPoints(dir: string, openedMs: number, closedMs: number): Promise<HeapPoints | undefined> {
  let names: string[]
  try {
    names = (await readdir(dir)).filter((name) => name.startsWith('heap.') && name.endsWith('.log'))
  } catch {
    return undefined
  }
  let best: { ms: number; bytes: number }[] = []
  for (const name of names.sort()) {
    const inWindow = parseLog(await readFile(path.join(dir, name), 'utf8')).filter((p) => p.ms >= openedMs && p.ms <= closedMs)
    if (inWindow.length > best.length) best = inWindow
  }
  if (best.length === 0) return undefined
  return {
    seconds: best.map((p) => Math.round((p.ms - openedMs) / 100) / 10),
    usedKiB: best.map((p) => Math.round(p.bytes / 1024)),
  }
}
