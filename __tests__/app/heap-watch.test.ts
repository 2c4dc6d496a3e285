// test-kind: process — which heap readings a Node process's preload writes and which are read back;
// the process forces its own collections, so no timing or speed is asserted.
//
// A soak round of a Node app records the JS heap after each full garbage collection (the leak rule's
// second series, src/app/heap-watch.ts): the preload, given through NODE_OPTIONS as the round gives it,
// writes a line per major collection, and the readings of the window are read back from the process
// that collected most.
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HEAP_PRELOAD, heapWatched, readHeapPoints } from '../../src/app/heap-watch.js'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-heap-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

// Keeps 2 MiB of numbers more before each of six forced full collections, then exits. It waits a
// moment after each: the collections are reported to the preload's observer on a later tick, as they
// are in a server that keeps running.
const HOARDER = `
const kept = []
;(async () => {
  for (let i = 0; i < 6; i++) {
    kept.push(new Array(256 * 1024).fill(i + 0.5))
    globalThis.gc()
    await new Promise((resolve) => setTimeout(resolve, 30))
  }
})()
`

describe('the heap after each full collection', () => {
  it('is written by the preload through NODE_OPTIONS, one line a major collection, and read back in window seconds', async () => {
    const logs = path.join(dir, 'heap.1')
    const preload = path.join(dir, 'preload.cjs')
    await writeFile(preload, HEAP_PRELOAD)
    await writeFile(path.join(dir, 'hoarder.cjs'), HOARDER)
    const app = heapWatched({ env: { NODE_OPTIONS: '--expose-gc' } }, logs, preload)
    expect(app.env['NODE_OPTIONS']).toBe(`--expose-gc --require=${JSON.stringify(preload)}`)
    await mkdir(logs)
    const opened = Date.now()
    execFileSync(process.execPath, ['hoarder.cjs'], { cwd: dir, env: { ...process.env, ...app.env }, timeout: 30_000 })
    const closed = Date.now()
    const files = await readdir(logs)
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/^heap\.\d+\.0\.log$/)
    const points = await readHeapPoints(logs, opened, closed)
    // Six forced collections, and perhaps one V8 ran itself.
    expect(points?.usedKiB.length).toBeGreaterThanOrEqual(6)
    const kib = points?.usedKiB ?? []
    // Each keeps 2 MiB more: the last reading is at least 8 MiB above the first.
    expect((kib.at(-1) ?? 0) - (kib[0] ?? 0)).toBeGreaterThan(8 * 1024)
    // Seconds from the window's start, to a tenth.
    expect(points?.seconds.every((s) => s >= 0 && s <= (closed - opened) / 1000 + 0.05)).toBe(true)
    // Nothing in a window that ended before the process started.
    expect(await readHeapPoints(logs, opened - 60_000, opened - 1)).toBeUndefined()
  })

  it('reads the process that collected most in the window, and only the lines inside it', async () => {
    const logs = path.join(dir, 'two')
    await mkdir(logs)
    // npm's own Node beside the server: one collection; the server: three, one outside the window.
    await writeFile(path.join(logs, 'heap.10.0.log'), '1000500 9000000\n')
    await writeFile(path.join(logs, 'heap.11.0.log'), '999000 1024\n1000200 2048000\n1001700 3072000\ngarbage\n1003100 4096000\n')
    expect(await readHeapPoints(logs, 1000000, 1003000)).toEqual({ seconds: [0.2, 1.7], usedKiB: [2000, 3000] })
    expect(await readHeapPoints(path.join(dir, 'none'), 0, 1)).toBeUndefined()
  })
})
