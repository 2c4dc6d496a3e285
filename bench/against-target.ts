// The same-job target, measured as a user meets it: `cannonade run --against HEAD~1` (the real
// bundle, dist/cli.js) on a one-scenario suite of a small CPU-bound service we did not tune
// (bench/apps: node:http or FastAPI/uvicorn), with a budget of 3 minutes. Each run is a fresh git
// repository of two commits: the base, and a head that hashes 10 % more per request (`slow`) or
// changes only a comment (`same`). Reports per run: caught (exit 1) or cleared (every gated metric
// decided within its tolerance), time to the verdict, pairs, the pair log-ratio SD, the order effect
// (half the odd-minus-even pair difference: an app's second round in a row under A B B A), and the
// CPU loop's CV and load before and after.
//
// Run: npm run build && npx tsx bench/against-target.ts [slow|same ...]   (default: slow same slow same)
//   AGAINST_APP=node|python  AGAINST_BUDGET=3m  AGAINST_REGRESSION='{ rps: 5%, p50: 10%, p99: 15%, cpu: 10% }'
// Writes bench/results/against-target.json and prints a markdown table.
import { spawnSync } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { compare } from '../src/compare/compare.js'
import { parseResults } from '../src/results/io.js'
import { gitIn } from '../__fixtures__/git.js'
import { cpuLoopNoise } from './cpu-noise.js'
import { hashAppCommand, hashConfig } from './apps/hash-config.js'

const kinds = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['slow', 'same', 'slow', 'same']
const appKind = process.env.AGAINST_APP ?? 'node'
const budget = process.env.AGAINST_BUDGET ?? '3m'
const cli = path.resolve('dist/cli.js')
/** The scenario's gates, e.g. `{ rps: 5%, p50: 10%, p99: 15%, cpu: 10% }`; the product's defaults when unset. */
const regression = process.env.AGAINST_REGRESSION

function config(port: number): string {
  return hashConfig({
    port,
    command: hashAppCommand(appKind === 'python' ? 'python' : 'node', '"$PORT"'),
    appLines: ['  build: "true"'],
    topLines: [`budget: ${budget}`],
    defaults: '{ connections: 4 }',
    scenarios: [
      `  - { name: search, path: /search?q=cannonade${regression === undefined ? '' : `, thresholds: { regression: ${regression} }`} }`,
    ],
  })
}

/** A repository whose HEAD~1 is the base and HEAD the head, slowed by 10 % or not. */
async function repository(kind: string, port: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-against-'))
  const git = (...args: string[]): void => void gitIn(dir, ...args)
  const app = appKind === 'python' ? 'hash_app.py' : 'hash-server.mjs'
  await copyFile(path.resolve('bench/apps', app), path.join(dir, app))
  await writeFile(path.join(dir, 'cannonade.yml'), config(port))
  git('init', '-q')
  git('add', '.')
  git('commit', '-qm', 'base')
  if (kind === 'slow') {
    // 10 % more hashing per request in the code (the base is measured with the head's config, so
    // the change must be in the app): the CPU work of the route grows by 10 %.
    const source = await readFile(path.join(dir, app), 'utf8')
    const slowed = source.replace('HASH_ITEMS ?? 200', 'HASH_ITEMS ?? 220').replace('"HASH_ITEMS", "200"', '"HASH_ITEMS", "220"')
    if (slowed === source) throw new Error(`${app}: found no item count to raise`)
    await writeFile(path.join(dir, app), slowed)
  } else {
    await writeFile(path.join(dir, 'NOTES.md'), 'an unchanged head: only this note differs\n')
  }
  git('add', '.')
  git('commit', '-qm', 'head')
  return dir
}

const uptime = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
const rows: Record<string, unknown>[] = []
const lines: string[] = [
  `## \`run --against HEAD~1\`, one scenario (${appKind} hashing service, 4 connections, default 5 s rounds), budget ${budget}\n`,
  '| run | head | outcome | time to verdict (s) | pairs | pair log-ratio SD | order effect | req/s change | CPU loop CV before / after | load before / after |',
  '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
]
let n = 0
for (const kind of kinds) {
  n++
  const port = 20000 + Math.floor(Math.random() * 20000)
  const dir = await repository(kind, port)
  const out = path.join(dir, 'out')
  await mkdir(out, { recursive: true })
  const before = cpuLoopNoise(4)
  const loadBefore = uptime()
  const run = spawnSync('node', [cli, 'run', '--against', 'HEAD~1', '--config', 'cannonade.yml', '--out', out], {
    cwd: dir,
    encoding: 'utf8',
  })
  const after = cpuLoopNoise(4)
  const loadAfter = uptime()
  try {
    const head = parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')
    const base = parseResults(JSON.parse(await readFile(path.join(out, 'base-results.json'), 'utf8')), 'base-results.json')
    const comparison = compare(base, head, { baselineDescription: 'HEAD~1', paired: true })
    const gated = comparison.entries.flatMap((e) => e.metrics.filter((m) => m.gated))
    const caught = run.status === 1
    const cleared = !caught && gated.length > 0 && gated.every((m) => m.verdict === 'unchanged' || m.verdict === 'improvement')
    const b = base.entries[0]?.rounds ?? []
    const h = head.entries[0]?.rounds ?? []
    const ys = h.map((r, i) => Math.log(r.rps / (b[i]?.rps ?? NaN))).filter(Number.isFinite)
    const mean = ys.reduce((s, y) => s + y, 0) / ys.length
    const sd = Math.sqrt(ys.reduce((s, y) => s + (y - mean) ** 2, 0) / (ys.length - 1))
    const avg = (xs: number[]): number => xs.reduce((s, y) => s + y, 0) / xs.length
    const order = Math.exp((avg(ys.filter((_, k) => k >= 2 && k % 2 === 0)) - avg(ys.filter((_, k) => k % 2 === 1))) / 2) - 1
    const first = Date.parse(b[0]?.startedAt ?? '')
    const lastRound = h[h.length - 1]
    const seconds = lastRound === undefined ? NaN : (Date.parse(lastRound.startedAt) + lastRound.durationMs - first) / 1000
    const rps = gated.find((m) => m.metric === 'rps')
    const outcome = caught ? 'caught' : cleared ? 'cleared' : `undecided (${gated.map((m) => `${m.metric} ${m.verdict}`).join(', ')})`
    rows.push({
      kind,
      exit: run.status,
      outcome,
      seconds,
      pairs: ys.length,
      pairSd: sd,
      order,
      rpsChange: rps?.change,
      before,
      after,
      loadBefore,
      loadAfter,
    })
    lines.push(
      `| ${n} | ${kind === 'slow' ? '+10 % CPU' : 'unchanged'} | ${outcome} | ${seconds.toFixed(0)} | ${ys.length} | ${sd.toFixed(3)} | ${(order * 100).toFixed(1)} % | ${rps === undefined ? '–' : `${(rps.change * 100).toFixed(1)} %`} | ${(before.cv * 100).toFixed(1)} / ${(after.cv * 100).toFixed(1)} % | ${loadBefore} / ${loadAfter} |`,
    )
  } catch (error) {
    lines.push(`| ${n} | ${kind} | failed: exit ${run.status}, ${String(error).slice(0, 80)} | | | | | | | |`)
    process.stderr.write(run.stderr.slice(-2000))
  }
  process.stderr.write(`${lines[lines.length - 1]}\n`)
  // Both results files are kept for bench/pair-noise.ts (per-second medians, …).
  const keep = path.resolve(`bench/results/against-target/${appKind}-${Date.now()}-${kind}`)
  await mkdir(keep, { recursive: true })
  for (const file of ['results.json', 'base-results.json'])
    await copyFile(path.join(out, file), path.join(keep, file)).catch(() => undefined)
  await rm(dir, { recursive: true, force: true })
}
const text = lines.join('\n')
console.log(text)
await mkdir('bench/results', { recursive: true })
await writeFile(
  `bench/results/against-target-${appKind}${regression === undefined ? '' : '-gated'}.json`,
  `${JSON.stringify({ appKind, budget, rows, text }, null, 2)}\n`,
)
