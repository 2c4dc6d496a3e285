// The load profiles end to end, through the committed bundle against the demo app on 127.0.0.1:
// soak flags the route that keeps memory and not the steady one, spike reports the recovery of a
// route that queues, volume reports bytes per second, and every round's per-second series is in a
// results.json that validates.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseResults } from '../src/results/io.js'
import type { Results } from '../src/results/document.js'
import { cli } from './helpers/run-node.js'
import { freePort } from './helpers/ports.js'
import { demoAppLines } from '../__fixtures__/demo/app-config.js'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-profiles-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function writeConfig(name: string, scenarios: readonly string[]): Promise<string> {
  const port = await freePort()
  const file = path.join(dir, name)
  await writeFile(file, [...demoAppLines(port), 'warmupSuite: false', 'scenarios:', ...scenarios, ''].join('\n'))
  return file
}

async function resultsIn(out: string): Promise<Results> {
  return parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')
}

function entry(results: Results, scenario: string): Results['entries'][number] {
  const found = results.entries.find((e) => e.scenario === scenario)
  if (found === undefined) throw new Error(`no entry for ${scenario}`)
  return found
}

describe('load profiles, end to end', () => {
  it('soak: flags the route that keeps memory as a leak, not the steady route, with per-second series kept', async () => {
    // /leak?bytes=65536 keeps 64 KiB a request: 100 req/s is about 375 MB/min, six times the 64 MB/min
    // limit, so the whole interval is above it (a leak fails only then): over 5 s at load 6.5 it was
    // 372–391 MB/min, and the steady route's +5.7 MB/min (interval 0–16 MB/min).
    const config = await writeConfig('soak.yml', [
      '  - { name: leaky, profile: soak, path: "/leak?bytes=65536", rate: 100, duration: 6s, warmup: 1s, thresholds: { leak: { max: 64MB/min } } }',
      '  - { name: steady, profile: soak, path: /users, rate: 100, duration: 6s, warmup: 1s, thresholds: { leak: { max: 64MB/min } } }',
    ])
    const out = path.join(dir, 'soak')
    const result = await cli(['run', '--config', config, '--out', out])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/\| ✗ +\| leaky +\| +100 req\/s \| leak +\| RSS \+[\d.]+ MB\/min \(95 % CI/)
    // Not a leak; "not decided" where the machine starved it: with other work taking 89 % of the app's
    // CPUs (a clean-clone run at load 8.8) its 6 s read +25.3 MB/min, 95 % CI up to +66.3, past the limit.
    expect(result.stdout).toMatch(/\| +\| steady +\| +100 req\/s \| RSS growth \((no leak|not decided)\)/)
    expect(result.stdout).toContain('FAIL  leaky @ 100 req/s: leak')
    expect(result.stdout).not.toContain('FAIL  steady')
    const results = await resultsIn(out)
    const leaky = entry(results, 'leaky')
    // Each soak entry runs on an app process of its own: the steady route starts from a fresh heap,
    // megabytes below where the leaky one left the shared process (it inherited them before, and
    // read a falling or rising slope that was the other entry's).
    const leakyRss = leaky.rounds[0]?.series?.rssKiB ?? []
    const steadyRss = entry(results, 'steady').rounds[0]?.series?.rssKiB ?? []
    expect(steadyRss[0]).toBeLessThan((leakyRss.at(-1) ?? 0) - 3 * 1024)
    await expect(readFile(path.join(out, 'app.2.log'), 'utf8')).resolves.toContain('demo app listening')
    expect(leaky.findings?.kind).toBe('soak')
    if (leaky.findings?.kind !== 'soak') return
    expect(leaky.findings.rss?.perMinute).toBeGreaterThan(64 * 1024 ** 2)
    const series = leaky.rounds[0]?.series
    expect(series?.rps.length).toBeGreaterThanOrEqual(5)
    for (const list of [series?.errors, series?.p50Us, series?.p99Us, series?.cpuPercent, series?.rssKiB]) {
      expect(list).toHaveLength(series?.rps.length ?? -1)
      expect(list?.every(Number.isInteger)).toBe(true)
    }
  })

  it('spike: reports the burst and a recovery time on a route that queues; volume: bytes per second', async () => {
    // /queue holds the one thread 10 ms a request: 100 req/s at most. A burst of 200 req/s for 1 s
    // leaves at least a second of queued work, so p99 cannot be back in the first second after it;
    // the four seconds after it leave room to see it come back.
    const config = await writeConfig('spike.yml', [
      '  - name: queue',
      '    profile: spike',
      '    path: /queue?ms=10',
      '    spike: { rate: 20, multiple: 10, before: 3s, burst: 1s, after: 4s }',
      '    rounds: 1',
      '    warmup: 500ms',
      '  - { name: upload, profile: volume, path: /upload, connections: 2, bodySize: [1KB, 64KB], duration: 500ms, warmup: 100ms, rounds: 1 }',
      '  - { name: download, profile: volume, path: "/blob?size={bodySize}", connections: 2, bodySize: 256KB, duration: 500ms, warmup: 100ms, rounds: 1 }',
    ])
    const out = path.join(dir, 'spike')
    const result = await cli(['run', '--config', config, '--out', out])
    // A busy machine may keep p99 up to the end of the window: then a lower bound, said as one.
    expect(result.stdout).toMatch(
      /\| queue +\| +20 req\/s \| spike recovery +\| (\d+\.\d s until p99 was back near|p99 not back near .* recovery ≥ \d+\.\d s)/,
    )
    expect(result.stdout).toMatch(/\| upload +\| +2 conn · 64KB \| volume +\| [\d.]+ MB\/s sent/)
    expect(result.code).toBe(0)
    const results = await resultsIn(out)
    const queue = entry(results, 'queue')
    expect(queue.rounds[0]?.series?.rps).toHaveLength(8)
    expect(queue.findings?.kind).toBe('spike')
    if (queue.findings?.kind !== 'spike') return
    expect(queue.findings.recoveryMs).toBeGreaterThanOrEqual(2000)
    expect(queue.findings.burstP99Us).toBeGreaterThan(queue.findings.beforeP99Us)
    expect(results.entries.map((e) => e.key)).toEqual([
      'queue @ 20 req/s',
      'upload @ 2 conn · 1KB',
      'upload @ 2 conn · 64KB',
      'download @ 2 conn · 256KB',
    ])
    const large = entry(results, 'download').findings
    const upload = results.entries.find((e) => e.key === 'upload @ 2 conn · 64KB')
    if (large?.kind !== 'volume' || upload?.findings?.kind !== 'volume') throw new Error('expected volume findings')
    // Sent: 64 KiB bodies at the measured rate; received: 256 KiB bodies at theirs.
    expect(upload.findings.sentBytesPerSec / upload.rps).toBeGreaterThan(65_536 * 0.99)
    expect(large.receivedBytesPerSec / entry(results, 'download').rps).toBeGreaterThan(256 * 1024 * 0.99)
  })
})
