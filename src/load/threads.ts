// Load from several threads for one entry. One JavaScript thread tops out below a C load generator
// (0.77× wrk at 1 connection, 0.88× at 10), so a fast route may measure Cannonade's limit instead of
// the app's. Each load thread (src/load/load-worker.ts) runs the same round as a single thread would,
// on its own share of the connections (and of the rate), with its own µs histogram; this thread
// opens and closes the measured window for all of them at once, brackets it with the server monitor,
// and merges their measurements: counts add up, histograms merge losslessly.
//
// autocannon's own `workers` option cannot be used: it resolves its worker file from its own
// directory, which a bundle does not have. Ours is dist/load-worker.js, beside the bundle.
import os from 'node:os'
import { Worker } from 'node:worker_threads'
import type { LoadLevel, ScenarioPlan } from '../config/plan.js'
import type { LoadSeries } from '../results/document.js'
import { encodeHistogram, mergeHistograms, summarise } from '../results/histogram.js'
import { runRound, type LoadMeasurement, type RoundSpec, type WindowHooks } from './round.js'
import { RoundWindow } from './window.js'

/** Main thread to load thread. */
export type LoadRequest = { readonly type: 'run'; readonly spec: RoundSpec } | { readonly type: 'begin' } | { readonly type: 'finish' }

/** What a load thread is told as it starts. */
export interface LoadWorkerData {
  /** The round is paced (open loop): the thread starts its metronome before it reports ready. */
  readonly paced: boolean
}

/** Load thread to main thread. */
export type LoadReply =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly measurement: LoadMeasurement }
  | { readonly type: 'failed'; readonly message: string }

// Below this many requests per second one thread paces exactly and has time to spare; splitting an
// open-loop rate would interleave several independent schedules and make the spacing less even.
const RATE_PER_THREAD = 5000
// More threads than this stop paying on any runner we know of; each one costs startup and memory.
const MAX_THREADS = 4

/**
 * How many load threads an entry gets. `auto` takes half the cores (the app under test needs the
 * rest), at most 4, never more than the connections, and one for an open-loop rate one thread can
 * pace or a round measured by request count (which one thread counts exactly).
 */
export function threadCount(
  scenario: Pick<ScenarioPlan, 'threads' | 'amount'>,
  level: LoadLevel,
  cores = os.availableParallelism(),
): number {
  if (scenario.amount !== undefined) return 1
  const wanted = scenario.threads === 'auto' ? Math.min(MAX_THREADS, Math.floor(cores / 2)) : scenario.threads
  const byRate = level.rate === undefined ? Infinity : Math.ceil(level.rate / RATE_PER_THREAD)
  return Math.max(1, Math.min(wanted, level.connections, scenario.threads === 'auto' ? byRate : Infinity))
}

/** Splits a load level over `count` threads: connections and rate as even as whole numbers allow. */
export function splitLevel(level: LoadLevel, count: number): LoadLevel[] {
  return Array.from({ length: count }, (_, i) => {
    const connections = Math.floor(level.connections / count) + (i < level.connections % count ? 1 : 0)
    return level.rate === undefined ? { connections } : { connections, rate: (level.rate * connections) / level.connections }
  })
}

/**
 * One measurement from the threads' own: counts and status codes add up, histograms merge
 * losslessly, the event-loop delay is the worst thread's. The window and the CPU are the
 * coordinating thread's: CPU of the whole process (every thread), averaged per load thread, so that
 * "above 90 % of one core" still means the load threads are saturated.
 */
export function mergeMeasurements(
  parts: readonly LoadMeasurement[],
  window: { durationMs: number; processCpuMs: number },
): LoadMeasurement {
  const sum = (pick: (m: LoadMeasurement) => number): number => parts.reduce((total, m) => total + pick(m), 0)
  const statusCodes: Record<string, number> = {}
  for (const part of parts) for (const [code, n] of Object.entries(part.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n
  const merged = mergeHistograms(parts.map((m) => m.histogram))
  const durationMs = Math.max(1, window.durationMs)
  const measurement: LoadMeasurement = {
    durationMs,
    requests: sum((m) => m.requests),
    responses: sum((m) => m.responses),
    ok: sum((m) => m.ok),
    unexpectedStatus: sum((m) => m.unexpectedStatus),
    bodyMismatches: sum((m) => m.bodyMismatches),
    ...captureFailuresOf(parts),
    oversizedBodies: sum((m) => m.oversizedBodies ?? 0),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
    bytes: sum((m) => m.bytes),
    statusCodes,
    // The exact largest value: a histogram merged from encoded ones only knows it to 0.1 %.
    latencyUs: { ...summarise(merged), max: Math.max(0, ...parts.map((m) => m.latencyUs.max)) },
    histogram: encodeHistogram(merged),
    recorded: merged.totalCount,
    loadgenCpuPercent: (window.processCpuMs / durationMs / Math.max(1, parts.length)) * 100,
    loopDelayMs: {
      p99: Math.max(0, ...parts.map((m) => m.loopDelayMs.p99)),
      max: Math.max(0, ...parts.map((m) => m.loopDelayMs.max)),
    },
    perSecond: mergeSeries(parts.map((m) => m.perSecond)),
  }
  merged.destroy()
  return measurement
}

// Failed captures add up; the reason is the first thread's that had one.
function captureFailuresOf(parts: readonly LoadMeasurement[]): Pick<LoadMeasurement, 'captureFailures' | 'captureFailure'> {
  const captureFailures = parts.reduce((total, m) => total + (m.captureFailures ?? 0), 0)
  const captureFailure = parts.find((m) => m.captureFailure !== undefined)?.captureFailure
  return captureFailures === 0 ? {} : { captureFailures, ...(captureFailure === undefined ? {} : { captureFailure }) }
}

/**
 * The threads' per-second series as one: counts add up; a second's p50 is the threads' p50s weighted
 * by their responses and its p99 the worst thread's. Both are approximations (exact ones would need a
 * histogram per thread per second); the round's own percentiles stay exact, from merged histograms.
 */
export function mergeSeries(parts: readonly LoadSeries[]): LoadSeries {
  const seconds = Math.min(...parts.map((p) => p.rps.length))
  const length = Number.isFinite(seconds) ? seconds : 0
  const at = (list: readonly number[], i: number): number => list[i] ?? 0
  const rps: number[] = []
  const errors: number[] = []
  const p50Us: number[] = []
  const p99Us: number[] = []
  for (let i = 0; i < length; i++) {
    const ok = parts.reduce((sum, p) => sum + at(p.rps, i), 0)
    rps.push(ok)
    errors.push(parts.reduce((sum, p) => sum + at(p.errors, i), 0))
    p50Us.push(ok === 0 ? 0 : Math.round(parts.reduce((sum, p) => sum + at(p.p50Us, i) * at(p.rps, i), 0) / ok))
    p99Us.push(Math.max(0, ...parts.map((p) => at(p.p99Us, i))))
  }
  return { rps, errors, p50Us, p99Us }
}

/** Runs one round of an entry on as many load threads as it gets (one: on this thread). */
export function runEntryRound(spec: RoundSpec, hooks: WindowHooks = {}): Promise<LoadMeasurement> {
  const count = threadCount(spec.scenario, spec.level)
  return count <= 1 ? runRound(spec, hooks) : runThreaded(spec, hooks, count)
}

/**
 * A load thread: the bundled code beside this bundle, or, when running from the TypeScript sources
 * (tests, benches), the source through tsx's loader.
 */
function startWorker(data: LoadWorkerData): Worker {
  const here = import.meta.url
  if (!here.endsWith('.ts')) return new Worker(new URL('./load-worker.js', here), { workerData: data })
  const source = new URL('./load-worker.ts', here).href
  const code = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}) })`
  return new Worker(code, { eval: true, workerData: data })
}

async function runThreaded(spec: RoundSpec, hooks: WindowHooks, count: number): Promise<LoadMeasurement> {
  const paced = spec.level.rate !== undefined
  const workers = splitLevel(spec.level, count).map((level) => ({ level, worker: startWorker({ paced }) }))
  try {
    // Every thread has loaded its code (and started its metronome) before the round starts, so they
    // all start together.
    await Promise.all(workers.map(({ worker }) => reply(worker, 'ready')))
    const results = workers.map(({ worker }) => reply(worker, 'result'))
    // A thread that is done early (it failed) ends the round for the others too.
    const firstDone = Promise.race(results).catch(() => undefined)
    for (const [index, { worker, level }] of workers.entries()) {
      worker.postMessage({ type: 'run', spec: { ...spec, level, share: { index, count } } } satisfies LoadRequest)
    }
    const send = (type: 'begin' | 'finish'): void => {
      for (const { worker } of workers) worker.postMessage({ type } satisfies LoadRequest)
    }
    // This thread keeps the clock for all of them: they open and close their windows on its word.
    let ended = (): void => {}
    const over = new Promise<void>((resolve) => (ended = resolve))
    const window = new RoundWindow(
      {
        warmupMs: spec.scenario.warmupMs,
        durationMs: spec.scenario.durationMs,
        ...(hooks.shouldAbort === undefined ? {} : { shouldAbort: hooks.shouldAbort }),
      },
      {
        open: () => hooks.onMeasureStart?.(),
        opened: () => send('begin'),
        close: () => hooks.onMeasureEnd?.(),
        end: () => {
          send('finish')
          ended()
        },
      },
    )
    window.start()
    void firstDone.then(() => window.end())
    await over
    window.settle()
    const cpu = window.cpuSinceStart()
    const parts = (await Promise.all(results)).map((r) => r.measurement)
    return mergeMeasurements(parts, { durationMs: window.durationMs, processCpuMs: (cpu.user + cpu.system) / 1000 })
  } finally {
    await Promise.all(workers.map(({ worker }) => worker.terminate()))
  }
}

/** The next reply of a load thread of the given type; rejects when it fails or exits first. */
function reply<T extends LoadReply['type']>(worker: Worker, type: T): Promise<Extract<LoadReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: LoadReply): void => {
      if (message.type === 'failed') {
        cleanup()
        reject(new Error(message.message))
      } else if (isReply(message, type)) {
        cleanup()
        resolve(message)
      }
    }
    const onError = (error: Error): void => {
      cleanup()
      reject(error)
    }
    const onExit = (code: number): void => {
      cleanup()
      reject(new Error(`load thread exited (code ${code}) before it sent "${type}"`))
    }
    const cleanup = (): void => {
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
    }
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
  })
}

function isReply<T extends LoadReply['type']>(message: LoadReply, type: T): message is Extract<LoadReply, { type: T }> {
  return message.type === type
}
