// Issue 21 end to end, from the bundle: a temporary git repository whose second commit makes the demo
// app's priceBasket five times as expensive. `run --against HEAD~1` must fail the /checkout entry,
// profile one extra round per side with V8's profiler, name priceBasket first in the terminal and the
// markdown, keep the raw profiles, and draw the differential flame graph in report.html (Chromium).
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gitIn } from '../../__fixtures__/demo-repo.js'
import { perfUnavailable } from '../../src/profile/profilers.js'
import { chromiumAvailable, launchChromium, openFile } from '../helpers/browser.js'
import { freePort } from '../helpers/ports.js'
import { cli } from '../helpers/run-node.js'

let dir = ''
let repo = ''
let browser: Browser | undefined
const chromium = chromiumAvailable()

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-profile-'))
  repo = path.join(dir, 'repo')
  await mkdir(path.join(repo, 'app'), { recursive: true })
  const server = path.join(repo, 'app', 'server.mjs')
  await copyFile(path.resolve('__fixtures__/demo/server.mjs'), server)
  const port = await freePort()
  await writeFile(
    path.join(repo, 'cannonade.yml'),
    [
      'suite: profiled',
      // Short rounds, one scenario; the budget leaves room to decide a fivefold slowdown on a busy machine.
      // Half-second rounds decide it in the five pairs one-second rounds took, and V8's profiler, on from
      // the app's start, still names priceBasket first by far (+3.7 ms ±0.5 ms a request at load 1.6).
      'budget: 40s',
      // Placement left to the scheduler (the default, auto, pins same-job apps to CPUs of their own):
      // this file measures beside two other measuring files, and both of its apps and their profiler on
      // one CPU put its load where theirs is. Pinning is covered by app/affinity.test.ts and the
      // process files that run same-job (pipeline/side-by-side, cli-against, e2e/same-job).
      `app: { command: "exec node server.mjs", build: "true", cwd: app, cpus: shared, env: { PORT: "${port}" }, ready: "http://127.0.0.1:${port}/health" }`,
      `baseUrl: http://127.0.0.1:${port}`,
      'defaults: { duration: 500ms, warmup: 200ms, rounds: 3, connections: 2 }',
      'scenarios:',
      '  - { name: checkout, path: /checkout, thresholds: { regression: { rps: 20%, p50: 20% } } }',
    ].join('\n'),
  )
  // The same suite profiled with perf instead of V8's own profiler, in one-second rounds: perf attaches
  // to the running app, and in half-second rounds at load 8 its Python twin (against-profile-python)
  // profiled 67 µs of the 1.6 ms a request took, twice in two runs.
  const config = await readFile(path.join(repo, 'cannonade.yml'), 'utf8')
  const perf = config
    .replace('/health" }', '/health", profile: perf }')
    .replace('duration: 500ms, warmup: 200ms', 'duration: 1s, warmup: 300ms')
  expect(perf).toContain('profile: perf }')
  expect(perf).toContain('duration: 1s')
  await writeFile(path.join(repo, 'perf.yml'), perf)
  gitIn(repo, 'init', '-q', '-b', 'main')
  gitIn(repo, 'add', '.')
  gitIn(repo, 'commit', '-q', '-m', 'base')
  const source = await readFile(server, 'utf8')
  const slower = source.replace('for (let i = 0; i < items; i++) total', 'for (let i = 0; i < items * 5; i++) total')
  expect(slower).not.toBe(source)
  await writeFile(server, slower)
  gitIn(repo, 'commit', '-q', '-am', 'priceBasket does five times the work')
  if (chromium) browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('run --against with a CPU profile of the slower entry (Node)', () => {
  it('fails the entry, names priceBasket first, keeps the raw profiles and draws the flame graph', async () => {
    const out = path.join(dir, 'out')
    const markdown = path.join(dir, 'report.md')
    const result = await cli(['run', '--against', 'HEAD~1', '--out', out, '--markdown', markdown], { cwd: repo, timeoutMs: 170_000 })
    const output = result.stdout + result.stderr
    expect(result.code, output).toBe(1)
    expect(result.stderr).toContain('profiling the slower entry with node --cpu-prof: one extra round per side, not compared')
    // The terminal: the summary line, then the table whose first row is priceBasket.
    expect(result.stdout).toMatch(
      /Why checkout @ 2 conn got slower: CPU per request .* → .*; grew most: priceBasket \(server\.mjs:\d+\) \+/,
    )
    expect(result.stdout).toMatch(/^\| +1 \| priceBasket \(server\.mjs:\d+\) +\|/m)
    // The comment: a collapsed block under the table, priceBasket first.
    const md = await readFile(markdown, 'utf8')
    expect(md).toMatch(/<details><summary>🔥 Why <code>checkout @ 2 conn<\/code> got slower: .*grew most: priceBasket/)
    expect(md).toMatch(/^\| 1 \| priceBasket \(server\.mjs:\d+\) \|/m)
    // The profiled rounds are extra: the results hold only the compared rounds.
    const head = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'))
    const base = JSON.parse(await readFile(path.join(out, 'base-results.json'), 'utf8'))
    expect(head.entries[0].rounds.length).toBe(base.entries[0].rounds.length)
    // The raw profiles: a .cpuprofile per Node process per side, and the folded stacks.
    for (const side of ['base', 'head']) {
      const files = await readdir(path.join(out, 'profiles', side))
      const profiles = files.filter((f) => f.endsWith('.cpuprofile'))
      expect(profiles.length, files.join(', ')).toBeGreaterThan(0)
      const document = JSON.parse(await readFile(path.join(out, 'profiles', side, profiles[0] ?? ''), 'utf8'))
      expect(Array.isArray(document.nodes) && Array.isArray(document.samples)).toBe(true)
      expect(await readFile(path.join(out, 'profiles', side, 'checkout-2-conn.folded'), 'utf8')).toMatch(
        /priceBasket \(server\.mjs:\d+\) \d+$/m,
      )
    }
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(1)

    if (browser === undefined) return
    const { page, problems } = await openFile(browser, path.join(out, 'report.html'))
    const flames = await page.evaluate<{ id: string; boxes: number; grew: string[] }[]>('window.cannonadeFlames || []')
    expect(problems).toEqual([])
    expect(flames).toHaveLength(1)
    expect(flames[0]?.boxes).toBeGreaterThan(3)
    expect(flames[0]?.grew[0]).toMatch(/^priceBasket \(server\.mjs:\d+\)$/)
    // Clicking a box zooms into it: fewer boxes, the clicked one full width.
    const before = flames[0]?.boxes ?? 0
    await page.locator('.flame-box', { hasText: 'priceBasket' }).first().click()
    const after = await page.evaluate<number>('window.cannonadeFlames[0].boxes')
    expect(after).toBeLessThan(before)
    expect(existsSync(path.join(out, 'report.html'))).toBe(true)
    await page.close()
  }, 180_000)

  // The same slowdown seen by perf (cpu-clock, the app's processes), Node's JIT frames named from its
  // perf map (--perf-basic-prof): what any Linux runner with perf can do for any runtime.
  it.skipIf(perfUnavailable() !== undefined)(
    'with app.profile: perf, names priceBasket first from perf samples',
    async () => {
      const out = path.join(dir, 'out-perf')
      const result = await cli(['run', '--config', 'perf.yml', '--against', 'HEAD~1', '--out', out], { cwd: repo, timeoutMs: 170_000 })
      expect(result.code, result.stdout + result.stderr).toBe(1)
      expect(result.stderr).toContain('profiling the slower entry with perf record')
      expect(result.stdout).toMatch(/^\| +1 \| priceBasket \(server\.mjs:\d+\) +\|/m)
      expect(await readdir(path.join(out, 'profiles', 'head'))).toContain('checkout-2-conn.perf.data')
    },
    180_000,
  )
})
