// Separate runs measured, not simulated: the stored-baseline rule (a pull request against the base
// branch's artifact, `run --baseline`, `cannonade compare`) on real runs of an app we did not write,
// set up as a new user sets it up (`cannonade init`, its one scenario, its defaults).
//
// `record` measures, in cycles, a run of the unchanged app ("base", the base branch's push runs)
// and then a run of a head whose search route does ×1.25, ×2 or ×3 the work (a pull request's run),
// each with the real bundle (copied first, so rebuilding dist/ does not disturb it), the CPU loop's
// CV and the load average beside it. Every run's results.json is kept, gzipped, under
// bench/traces/separate/<app>/, with runs.json listing them in the order measured.
//
// `judge` decides from those files:
// - unchanged: `cannonade compare` (the bundle) of each base run against the base run before it,
//   a minute or two apart, and of runs further apart; counts failures (exit 1), "improvement" claims,
//   ⚠️ probable slowdowns and cleared comparisons;
// - one run of history: each head against the base run measured right before it (`compare`);
// - ten runs of history: each head, and each next base run, against the last ten base runs as the
//   action's artifact path reads them (history.json built by the action's own extendHistory,
//   compared by compareWith's options), so the run-to-run spread is the one these runs show.
// Every comparison goes through the rule as built (dist/), so runs that read the speed probe are
// also judged at one machine speed (compare.ts atOneSpeed); SEPARATE_PROBE=0 judges them with the
// readings left out, which is the rule before it. Writes bench/results/separate-real-<folder>.json
// and prints the table.
//
// Run: npx tsx bench/separate-real.ts record express [cycles]   (about 2.6 minutes a cycle; express:
//        `npm i --no-save express@5` first; fastapi: Debian's python3-fastapi and python3-uvicorn, with
//        PATH=/usr/bin:$PATH where another python3 comes first, as init writes `python3 -m uvicorn`)
//      npx tsx bench/separate-real.ts judge express
//      SEPARATE_CPUS=auto|separate … records into (and judges) <app>-auto/ or <app>-pinned/ with
//        app.cpus set so; the plain <app>/ folder was recorded before a run of one side read the probe.
//      SEPARATE_HEADS=1.25 records only those heads; SEPARATE_FOLDER=<name> records into <name>/.
//      SEPARATE_CONTEND=5 runs other work on the app's CPUs through every fifth run (indices 4, 9,
//        14, …: bases and heads alike), a busy stretch of the runner: a process pinned there that
//        computes for 20 ms and sleeps 20 ms. SEPARATE_CONTEND_STRETCH=8000 makes that work come and go
//        in stretches of 8 s through those runs (some rounds met it, some did not), as a test suite or a
//        build beside the job does. SEPARATE_CONTENTION=0 judges with the app's CPU share readings
//        (othersCpuPercent) left out, which is the rule before them.
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { compare } from '../src/compare/compare.js'
import type { Comparison, MetricComparison } from '../src/compare/types.js'
import { extendHistory, runToRunOf } from '../src/history/build.js'
import type { History } from '../src/history/document.js'
import type { Results } from '../src/results/document.js'
import { parseResults } from '../src/results/io.js'
import { startContender } from './contender.js'
import { cpuLoopNoise } from './cpu-noise.js'

type AppName = 'express' | 'fastapi'
// SEPARATE_HEADS=1.25 records (and judges) only those heads' factors, e.g. to add ×1.25 cycles.
const HEADS: readonly number[] = process.env.SEPARATE_HEADS?.split(',').map(Number) ?? [1.25, 2, 3]

/** One measured run, as runs.json lists it. */
interface RunRecord {
  readonly index: number
  /** 1 for the unchanged app, else the head's factor of work on the route. */
  readonly factor: number
  readonly file: string
  readonly startedAt: string
  readonly seconds: number
  readonly exit: number | null
  readonly loadBefore: number
  readonly cvBefore: number
  /** Other work ran on the app's CPUs through the run (SEPARATE_CONTEND). */
  readonly contended?: boolean
}

const [command, appArg = 'express', cyclesArg = '8'] = process.argv.slice(2)
if (appArg !== 'express' && appArg !== 'fastapi') throw new Error(`app: express or fastapi, got ${appArg}`)
const app: AppName = appArg
// SEPARATE_CPUS=separate pins the app beside the speed probe (app.cpus), recorded under <app>-pinned/.
const cpus = process.env.SEPARATE_CPUS
// SEPARATE_FOLDER=<name> records into (and judges) bench/traces/separate/<name>/ instead.
const traces = path.resolve(
  'bench/traces/separate',
  process.env.SEPARATE_FOLDER ?? (cpus === undefined ? app : `${app}-${cpus === 'separate' ? 'pinned' : cpus}`),
)

/** The app's source with its route doing `factor` times the base's work. */
function appSource(factor: number): { file: string; text: string } {
  if (app === 'express') {
    const rounds = Math.round(2000 * factor)
    const text = [
      "import express from 'express'",
      "import crypto from 'node:crypto'",
      'const app = express()',
      "app.get('/health', (req, res) => res.json({ ok: true }))",
      `const ROUNDS = ${rounds}`,
      "app.get('/search', (req, res) => {",
      "  let digest = String(req.query.q ?? '')",
      "  for (let i = 0; i < ROUNDS; i++) digest = crypto.createHash('sha256').update(digest).digest('hex')",
      '  res.json({ q: req.query.q, digest })',
      '})',
      'const port = Number(process.env.PORT ?? 3000)',
      "app.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`))",
      '',
    ].join('\n')
    return { file: 'server.mjs', text }
  }
  const items = Math.round(200 * factor)
  const text = [
    'import hashlib',
    'from fastapi import FastAPI',
    'app = FastAPI()',
    `ITEMS = ${items}`,
    '',
    '@app.get("/health")',
    'def health():',
    '    return {"ok": True}',
    '',
    '@app.get("/search")',
    'def search(q: str = "x"):',
    '    hits = []',
    '    for i in range(ITEMS):',
    '        digest = hashlib.sha256(f"{q}:{i}".encode()).hexdigest()',
    '        if digest[0] < "4":',
    '            hits.append({"id": i, "digest": digest[:16]})',
    '    return {"query": q, "hits": hits}',
    '',
  ].join('\n')
  return { file: 'main.py', text }
}

// Other work on the app's CPUs through every SEPARATE_CONTEND-th run (bench/contender.ts).
const contendEvery = Number(process.env.SEPARATE_CONTEND ?? 0)
const contendStretch = process.env.SEPARATE_CONTEND_STRETCH === undefined ? undefined : Number(process.env.SEPARATE_CONTEND_STRETCH)

function cli(bundle: string, cwd: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('node', [bundle, ...args], { cwd, encoding: 'utf8' })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

// The run as a child process, this process's event loop free meanwhile.
function cliAsync(bundle: string, cwd: string, args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [bundle, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.on('close', (status) => resolve({ status, stderr }))
  })
}

async function record(cycles: number): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'cannonade-separate-'))
  await cp(path.resolve('dist'), path.join(work, 'dist'), { recursive: true })
  const bundle = path.join(work, 'dist', 'cli.js')
  const dir = path.join(work, 'app')
  await mkdir(dir)
  if (app === 'express') {
    createRequire(path.resolve('package.json')).resolve('express')
    await symlink(path.resolve('node_modules'), path.join(dir, 'node_modules'))
    const pkg = { name: 'shop', private: true, type: 'module', scripts: { start: 'node server.mjs' }, dependencies: { express: '^5' } }
    await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`)
  }
  const base = appSource(1)
  await writeFile(path.join(dir, base.file), base.text)
  const init = cli(bundle, dir, ['init'])
  process.stderr.write(init.stdout + init.stderr)
  if (init.status !== 0) throw new Error(`cannonade init exited ${init.status}`)
  // init's one scenario is the app's ready route; the user's next step is to point it at the route they care about.
  const config = await readFile(path.join(dir, 'cannonade.yml'), 'utf8')
  const pointed = config.replace(/(- name: \S+\n\s+path: )\S+/, '$1/search?q=shoes')
  if (pointed === config) throw new Error(`could not point init's scenario at /search:\n${config}`)
  const edited = cpus === undefined ? pointed : pointed.replace(/^app:\n/m, `app:\n  cpus: ${cpus}\n`)
  await writeFile(path.join(dir, 'cannonade.yml'), edited)
  await mkdir(traces, { recursive: true })
  const listFile = path.join(traces, 'runs.json')
  const runs: RunRecord[] = JSON.parse(await readFile(listFile, 'utf8').catch(() => '[]'))
  for (let c = 0; c < cycles; c++) {
    for (const head of HEADS) {
      for (const factor of [1, head]) {
        const source = appSource(factor)
        await writeFile(path.join(dir, source.file), source.text)
        const noise = cpuLoopNoise(2)
        const started = performance.now()
        const out = path.join(work, 'out')
        await rm(out, { recursive: true, force: true })
        const index = runs.length
        const contended = contendEvery > 0 && index % contendEvery === contendEvery - 1
        const contender = contended ? startContender(contendStretch) : undefined
        const run = await cliAsync(bundle, dir, ['run', '--config', 'cannonade.yml', '--out', out])
        contender?.kill()
        const seconds = (performance.now() - started) / 1000
        if (run.status !== 0 && run.status !== 1) process.stderr.write(run.stderr.slice(-2000))
        const file = `${String(index).padStart(3, '0')}-x${factor}.json.gz`
        await writeFile(path.join(traces, file), gzipSync(await readFile(path.join(out, 'results.json'))))
        const entry: RunRecord = {
          index,
          factor,
          file,
          startedAt: new Date(Date.now() - seconds * 1000).toISOString(),
          seconds: Math.round(seconds * 10) / 10,
          exit: run.status,
          loadBefore: noise.loadAverage,
          cvBefore: Math.round(noise.cv * 1000) / 1000,
          ...(contended ? { contended } : {}),
        }
        runs.push(entry)
        await writeFile(listFile, `${JSON.stringify(runs, null, 1)}\n`)
        process.stderr.write(
          `${entry.startedAt} run ${index} ×${factor}${contended ? ' (contended)' : ''}: exit ${run.status}, ${entry.seconds} s, load ${noise.loadAverage.toFixed(1)}, CPU loop CV ${(noise.cv * 100).toFixed(1)} %\n`,
        )
      }
    }
  }
  await rm(work, { recursive: true, force: true })
}

// ---- judge ----

type Outcome = 'failed' | 'probable' | 'warned' | 'improvement' | 'cleared' | 'undecided'

/** What a comparison decided, as the gate and the headline read it (gated metrics only). */
function outcomeOf(c: Comparison, exit?: number | null): Outcome {
  const gated = c.entries.flatMap((e) => e.metrics.filter((m) => m.gated))
  if (exit === 1 || gated.some((m) => m.verdict === 'regression' && m.severity === 'fail')) return 'failed'
  if (gated.some((m) => m.probable === true)) return 'probable'
  // A regression decided but only warned about (the runs' apps met different amounts of other work).
  if (gated.some((m) => m.verdict === 'regression')) return 'warned'
  if (gated.some((m) => m.verdict === 'improvement')) return 'improvement'
  return gated.length > 0 && gated.every((m) => m.verdict === 'unchanged') ? 'cleared' : 'undecided'
}

const rpsOf = (c: Comparison): MetricComparison | undefined => c.entries[0]?.metrics.find((m) => m.metric === 'rps')

async function judge(): Promise<void> {
  // Runs that did not measure (exit 2 or 3) are left out.
  const runs: RunRecord[] = (JSON.parse(await readFile(path.join(traces, 'runs.json'), 'utf8')) as RunRecord[]).filter(
    (r) => r.exit === 0 || r.exit === 1,
  )
  const files = new Map<number, string>()
  const results = new Map<number, Results>()
  const work = await mkdtemp(path.join(os.tmpdir(), 'cannonade-judge-'))
  // SEPARATE_PROBE=0 judges the runs without their speed probe readings: the rule before it.
  const strip = process.env.SEPARATE_PROBE === '0'
  // SEPARATE_CONTENTION=0: without the readings of other work on the app's CPUs, the rule before them.
  const stripShare = process.env.SEPARATE_CONTENTION === '0'
  for (const r of runs) {
    const data = JSON.parse(gunzipSync(await readFile(path.join(traces, r.file))).toString('utf8'))
    if (strip) for (const e of data.entries) for (const round of e.rounds) delete round.speedProbeUs
    if (stripShare) for (const e of data.entries) for (const round of e.rounds) delete round.server?.othersCpuPercent
    const file = path.join(work, `${r.index}.json`)
    await writeFile(file, JSON.stringify(data))
    files.set(r.index, file)
    results.set(r.index, parseResults(data, r.file))
  }
  const bundle = path.resolve('dist/cli.js')
  const viaCli = (baseIndex: number, headIndex: number): { outcome: Outcome; comparison: Comparison } => {
    const json = path.join(work, `c-${baseIndex}-${headIndex}.json`)
    const run = cli(bundle, work, ['compare', files.get(baseIndex) ?? '', files.get(headIndex) ?? '', '--json', json])
    if (run.status !== 0 && run.status !== 1) throw new Error(`compare exited ${run.status}: ${run.stderr}`)
    const comparison: Comparison = JSON.parse(readFileSync(json, 'utf8'))
    return { outcome: outcomeOf(comparison, run.status), comparison }
  }
  const bases = runs.filter((r) => r.factor === 1)
  const rows: { setting: string; n: number; counts: Record<Outcome, number>; changes: number[] }[] = []
  const tally = (setting: string, judged: { outcome: Outcome; comparison: Comparison }[]): void => {
    const counts: Record<Outcome, number> = { failed: 0, probable: 0, warned: 0, improvement: 0, cleared: 0, undecided: 0 }
    for (const j of judged) counts[j.outcome]++
    const changes = judged.map((j) => rpsOf(j.comparison)?.change ?? NaN)
    if (judged.length > 0) rows.push({ setting, n: judged.length, counts, changes })
  }
  // With SEPARATE_CONTEND, the runs that met other work on the app's CPUs are tallied apart.
  const contendedToo = runs.some((r) => r.contended === true)
  // `baseOf`: the run the head is compared with (the latest base run before it, for history too).
  const split = (
    setting: string,
    heads: readonly RunRecord[],
    judge: (r: RunRecord) => { outcome: Outcome; comparison: Comparison },
    baseOf: (r: RunRecord) => RunRecord | undefined,
  ): void => {
    if (!contendedToo) return tally(setting, heads.map(judge))
    const baseContended = (r: RunRecord): boolean => baseOf(r)?.contended === true
    tally(`${setting}, quiet`, heads.filter((r) => r.contended !== true && !baseContended(r)).map(judge))
    tally(`${setting}, other work in the head's run`, heads.filter((r) => r.contended === true).map(judge))
    tally(`${setting}, other work in the baseline run`, heads.filter((r) => r.contended !== true && baseContended(r)).map(judge))
  }
  // Unchanged, one run of history: each base run against the base run before it, and against the one 4 back.
  for (const gap of [1, 4]) {
    const earlier = (b: RunRecord): RunRecord | undefined => bases[bases.indexOf(b) - gap]
    split(
      `unchanged, one run of history (\`compare\`), base runs ${gap} apart`,
      bases.slice(gap),
      (b) => viaCli((earlier(b) as RunRecord).index, b.index),
      earlier,
    )
  }
  // Heads against the base run right before them.
  const before = (r: RunRecord): RunRecord | undefined => bases.filter((b) => b.index < r.index).at(-1)
  for (const factor of HEADS) {
    split(
      `×${factor} work, one run of history (\`compare\`)`,
      runs.filter((r) => r.factor === factor && before(r) !== undefined),
      (h) => viaCli((before(h) as RunRecord).index, h.index),
      before,
    )
  }
  // Ten runs of history: the action's artifact path.
  const withHistory = (headIndex: number, last: readonly RunRecord[]): { outcome: Outcome; comparison: Comparison } => {
    let history: History | undefined
    for (const b of last) history = extendHistory(history, results.get(b.index) as Results, b.index)
    const baseline = last.at(-1) as RunRecord
    const comparison = compare(results.get(baseline.index), results.get(headIndex) as Results, {
      baselineDescription: 'stored',
      runToRun: runToRunOf(history as History),
    })
    return { outcome: outcomeOf(comparison), comparison }
  }
  const lastTen = (r: RunRecord): RunRecord[] => {
    const earlier = bases.filter((b) => b.index < r.index)
    return earlier.length >= 10 ? earlier.slice(-10) : []
  }
  split(
    'unchanged, ten runs of history (artifact path)',
    bases.filter((b) => lastTen(b).length > 0),
    (b) => withHistory(b.index, lastTen(b)),
    before,
  )
  for (const factor of HEADS) {
    split(
      `×${factor} work, ten runs of history (artifact path)`,
      runs.filter((r) => r.factor === factor && lastTen(r).length > 0),
      (h) => withHistory(h.index, lastTen(h)),
      before,
    )
  }
  const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`
  const range = (xs: readonly number[]): string => {
    const ok = xs.filter(Number.isFinite).sort((a, b) => a - b)
    return ok.length === 0 ? '–' : `${pct(ok[0] as number)} … ${pct(ok.at(-1) as number)}`
  }
  const loads = runs.map((r) => r.loadBefore)
  const cvs = runs.map((r) => r.cvBefore)
  const baseRps = bases.map((b) => results.get(b.index)?.entries[0]?.rounds.map((x) => x.rps) ?? [])
  const medianRun = baseRps.map((rs) => [...rs].sort((a, b) => a - b)[Math.floor(rs.length / 2)] as number)
  const lines = [
    `## Separate runs of ${path.basename(traces)}, measured (${runs.length} runs, ${runs[0]?.startedAt ?? ''} – ${runs.at(-1)?.startedAt ?? ''})`,
    '',
    `Load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}, CPU loop CV ${(Math.min(...cvs) * 100).toFixed(1)}–${(Math.max(...cvs) * 100).toFixed(1)} % before the runs; base runs' median req/s ${Math.min(...medianRun).toFixed(0)}–${Math.max(...medianRun).toFixed(0)}.`,
    '',
    '| setting | comparisons | failed | ⚠️ probable | ⚠️ regression warned | "improvement" | cleared | undecided | req/s change (range) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...(strip ? ['', "(the speed probe's readings left out: the rule before it)"] : []),
    ...(stripShare ? ['', "(the readings of other work on the app's CPUs left out: the rule before them)"] : []),
    ...rows.map(
      (r) =>
        `| ${r.setting} | ${r.n} | ${r.counts.failed} | ${r.counts.probable} | ${r.counts.warned} | ${r.counts.improvement} | ${r.counts.cleared} | ${r.counts.undecided} | ${range(r.changes)} |`,
    ),
  ]
  const text = lines.join('\n')
  console.log(text)
  const name = `${path.basename(traces)}${strip ? '-without-probe' : ''}${stripShare ? '-without-contention' : ''}`
  await writeFile(
    path.resolve(`bench/results/separate-real-${name}.json`),
    `${JSON.stringify({ app, runs: runs.length, rows, text }, null, 1)}\n`,
  )
  await rm(work, { recursive: true, force: true })
}

if (command === 'record') await record(Number(cyclesArg))
else if (command === 'judge') await judge()
else throw new Error('usage: npx tsx bench/separate-real.ts record|judge express|fastapi [cycles]')
