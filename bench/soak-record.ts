// Records real soaks for bench/soak.ts: the committed bundle runs `cannonade run` on one soak entry per
// app process (the demo Node app, a Node JSON API with a bounded cache, an Express app, and a FastAPI app under uvicorn; a route that keeps nothing and one keeping
// 1 KB a request), a few at once on different ports, at 100 req/s for 3 minutes after the default
// 30 s warm-up. Each run's per-second RSS series, the verdict the bundle gave, the CPU loop's noise
// and the load average are saved under bench/traces/soak/, one JSON file per run.
//
// Run: npx tsx bench/soak-record.ts [minutes to keep starting runs, default 60] [parallel, default 4]
// Needs `python3 -c "import fastapi, uvicorn"` for the Python runs (skipped otherwise).
import { execFileSync, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freePort } from '../src/app/ports.js'
import { cpuLoopNoise } from './cpu-noise.js'

const minutes = Number(process.argv[2] ?? 60)
const parallel = Number(process.argv[3] ?? 4)
const duration = process.env.SOAK_DURATION ?? '3m'
// SOAK_WARMUP=1s puts the runtime's own heap growth into the window (the levelling-off case).
const warmup = process.env.SOAK_WARMUP
const outDir = path.resolve('bench/traces/soak')
await mkdir(outDir, { recursive: true })

/** One kind of run: which app, which route, whether it keeps memory. */
interface Kind {
  readonly app: 'node' | 'python' | 'node-api' | 'express'
  readonly route: string
  readonly leaks: boolean
}

function hasPython(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import fastapi, uvicorn'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const python = hasPython()
// Clean routes twice as often as leaking ones: the false-alarm rate needs more runs than the catch rate.
const kinds: Kind[] = [
  { app: 'node', route: '/users', leaks: false },
  { app: 'python', route: '/items?q=1', leaks: false },
  { app: 'node', route: '/leak?bytes=1024', leaks: true },
  { app: 'node', route: '/users', leaks: false },
  { app: 'python', route: '/items?q=1', leaks: false },
  { app: 'python', route: '/leak?bytes=1024', leaks: true },
  { app: 'node-api', route: '/catalog', leaks: false },
  { app: 'node-api', route: '/catalog', leaks: false },
  { app: 'node-api', route: '/leak?bytes=1024', leaks: true },
  { app: 'express', route: '/products', leaks: false },
  { app: 'express', route: '/products', leaks: false },
  { app: 'express', route: '/recent?q=shoes', leaks: true },
]
// SOAK_APPS=node-api,python limits the runs to some apps (express needs `npm i --no-save express@5`
// first: bench/apps/express-shop.mjs); SOAK_CLEAN=1 to the routes that keep nothing.
const apps = (process.env.SOAK_APPS ?? 'node,python').split(',')
const cleanOnly = process.env.SOAK_CLEAN === '1'
const cycle = kinds.filter((k) => (python || k.app !== 'python') && apps.includes(k.app) && !(cleanOnly && k.leaks))

function appLines(kind: Kind, port: number): string[] {
  if (kind.app === 'node') {
    return [
      'app:',
      '  command: node server.mjs',
      `  cwd: ${JSON.stringify(path.resolve('__fixtures__/demo'))}`,
      `  env: { PORT: "${port}" }`,
    ]
  }
  if (kind.app === 'express') {
    return [
      'app:',
      '  command: node express-shop.mjs',
      `  cwd: ${JSON.stringify(path.resolve('bench/apps'))}`,
      `  env: { PORT: "${port}" }`,
    ]
  }
  if (kind.app === 'node-api') {
    return ['app:', '  command: node soak-app.mjs', `  cwd: ${JSON.stringify(path.resolve('bench/apps'))}`, `  env: { PORT: "${port}" }`]
  }
  return [
    'app:',
    `  command: /usr/bin/python3 -m uvicorn soak_app:app --host 127.0.0.1 --port ${port} --no-access-log --log-level warning`,
    `  cwd: ${JSON.stringify(path.resolve('bench/apps'))}`,
  ]
}

async function soakOnce(kind: Kind, index: number): Promise<void> {
  const port = await freePort()
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-soak-'))
  const config = path.join(dir, 'soak.yml')
  await writeFile(
    config,
    [
      'suite: soak-bench',
      ...appLines(kind, port),
      `  ready: http://127.0.0.1:${port}/health`,
      '  readyTimeout: 30s',
      `baseUrl: http://127.0.0.1:${port}`,
      'warmupSuite: false',
      'scenarios:',
      `  - { name: soak, profile: soak, path: ${JSON.stringify(kind.route)}, rate: 100, duration: ${duration}${warmup === undefined ? '' : `, warmup: ${warmup}`} }`,
      '',
    ].join('\n'),
  )
  const startedAt = new Date().toISOString()
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [path.resolve('dist/cli.js'), 'run', '--config', config, '--out', path.join(dir, 'out')], {
      stdio: 'ignore',
    })
    child.on('exit', (c) => resolve(c ?? -1))
  })
  const noise = cpuLoopNoise(3)
  try {
    const results = JSON.parse(await readFile(path.join(dir, 'out', 'results.json'), 'utf8')) as {
      entries: {
        rounds: { series?: { rssKiB?: number[]; rps: number[] }; heap?: { seconds: number[]; usedKiB: number[] }; rps: number }[]
        findings?: unknown
      }[]
    }
    const entry = results.entries[0]
    const round = entry?.rounds[0]
    const file = path.join(
      outDir,
      `${kind.app}-${kind.leaks ? 'leak' : 'clean'}${warmup === undefined ? '' : '-warmup' + warmup}-${startedAt.replace(/[:.]/g, '-')}-${index}.json`,
    )
    await writeFile(
      file,
      JSON.stringify({
        app: kind.app,
        route: kind.route,
        leaks: kind.leaks,
        recordedAt: startedAt,
        duration,
        warmup: warmup ?? '30s',
        exitCode: code,
        rps: round?.rps,
        cpuLoopCv: noise.cv,
        loadAverage: noise.loadAverage,
        findings: entry?.findings,
        rssKiB: round?.series?.rssKiB ?? [],
        // A Node app's heap after each full collection (src/app/heap-watch.ts), recorded from 2026-12-05.
        ...(round?.heap === undefined ? {} : { heap: round.heap }),
      }) + '\n',
    )
    process.stderr.write(`${new Date().toISOString()} ${kind.app} ${kind.route}: exit ${code}, load ${noise.loadAverage.toFixed(2)}\n`)
  } catch (error) {
    process.stderr.write(`${kind.app} ${kind.route}: no results (${String(error)})\n`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const endAt = Date.now() + minutes * 60_000
let next = 0
async function worker(): Promise<void> {
  while (Date.now() < endAt) {
    const index = next++
    const kind = cycle[index % cycle.length]
    if (kind === undefined) return
    await soakOnce(kind, index)
  }
}
await Promise.all(Array.from({ length: parallel }, worker))
