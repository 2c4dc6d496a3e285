// A wake-up call at a moment given to the microsecond, for the open-loop pacer (pacer.ts).
//
// Why not setTimeout: Node's timers count whole milliseconds on a loop clock that is itself truncated
// to the millisecond, so a timer fires anywhere up to about 1 ms after the moment asked for. At
// 1000 req/s that is a whole interval: requests leave in pairs after a skipped tick (inter-arrival
// CV about 0.75 on a quiet machine), and at 300 req/s the 3.3 ms gaps vary by a third. Spinning on
// setImmediate for the last millisecond keeps a core busy on the thread that times responses.
//
// Instead a small helper thread sleeps in `Atomics.wait`, whose timeout is kept in microseconds
// (a futex wait underneath), and posts a message at the moment; the message wakes the pacer's event
// loop at once, as any I/O does. Both threads sleep between moments, so the cost is two thread
// wake-ups per tick and no busy core. The helper is a few lines evaluated from a string, so the
// bundles need no extra file for it.
//
// Starting a thread costs tens of ms of CPU (hundreds on a loaded machine), which a load thread
// starting its round cannot spare: each thread keeps one helper for its whole life, started ahead
// with `startMetronome()` (the load threads do so before they report ready), and lent to one
// metronome at a time.
import { Worker } from 'node:worker_threads'

// The helper's whole code. Shared memory: [0] a version bumped at every new moment or stop, [1] 1 once
// stopped; then the moment itself (ms on the process.hrtime clock, which every thread shares; 0 for
// none). It posts the version it woke for, once per version, so a moment moved meanwhile is not
// answered twice.
const HELPER = `
const { parentPort, workerData } = require('node:worker_threads')
const control = new Int32Array(workerData, 0, 2)
const moment = new Float64Array(workerData, 8, 1)
const now = () => { const t = process.hrtime(); return t[0] * 1e3 + t[1] / 1e6 }
parentPort.postMessage(-1)
for (;;) {
  const version = Atomics.load(control, 0)
  if (Atomics.load(control, 1) === 1) break
  const at = moment[0]
  const waitMs = at > 0 ? at - now() : Infinity
  if (waitMs <= 0) {
    parentPort.postMessage(version)
    Atomics.wait(control, 0, version)
  } else Atomics.wait(control, 0, version, waitMs)
}
`

/** Now, in ms, on the clock the helper thread reads too. */
export function hrtimeMs(): number {
  const [s, ns] = process.hrtime()
  return s * 1e3 + ns / 1e6
}

/** One helper thread and the memory it shares with this one. */
class Helper {
  private readonly control: Int32Array
  private readonly moment: Float64Array
  /** Resolves once the helper keeps moments, or has failed to start. */
  readonly started: Promise<void>
  ready = false
  alive = true
  /** Called at each moment, and when the helper is gone (then with `false`). */
  private listener: ((alive: boolean) => void) | undefined
  // Referenced while it starts (so that waiting for it keeps the process up) and while it is lent;
  // an idle helper must not keep alive a process whose work is done.
  private worker: Worker | undefined

  constructor() {
    const shared = new SharedArrayBuffer(16)
    this.control = new Int32Array(shared, 0, 2)
    this.moment = new Float64Array(shared, 8, 1)
    let settle = (): void => {}
    this.started = new Promise((resolve) => (settle = resolve))
    let worker: Worker
    try {
      // No loaders or flags of the parent (tsx in tests and benches): the helper is plain CommonJS,
      // and each one it inherited would slow its start.
      worker = new Worker(HELPER, { eval: true, workerData: shared, execArgv: [] })
    } catch {
      // No threads here (a restricted runtime): the timer alone paces, at millisecond precision.
      this.alive = false
      settle()
      return
    }
    worker.on('message', (version: number) => {
      if (version !== -1) {
        this.listener?.(true)
        return
      }
      this.ready = true
      if (this.listener === undefined) worker.unref()
      settle()
      // A moment set while the helper was starting is now the helper's to keep.
      if (this.moment[0] !== 0) this.bump()
    })
    const gone = (): void => {
      this.alive = false
      this.ready = false
      settle()
      this.listener?.(false)
    }
    worker.on('error', gone)
    worker.on('exit', gone)
    this.worker = worker
  }

  /** Wakes `listener` from now on; the helper keeps the process alive meanwhile. */
  lend(listener: (alive: boolean) => void): void {
    this.listener = listener
    this.worker?.ref()
  }

  /** Wakes the listener at `atMs`, replacing the moment set before. */
  arm(atMs: number): void {
    this.moment[0] = atMs
    if (this.ready) this.bump()
  }

  /** No moment: the helper sleeps until the next one. */
  idle(): void {
    this.listener = undefined
    this.arm(0)
    if (this.ready) this.worker?.unref()
  }

  /** Ends the helper thread. */
  end(): void {
    this.listener = undefined
    Atomics.store(this.control, 1, 1)
    this.bump()
  }

  private bump(): void {
    Atomics.add(this.control, 0, 1)
    Atomics.notify(this.control, 0)
  }
}

// This thread's helper, kept for the thread's life and lent to one metronome at a time.
let threadHelper: Helper | undefined
let threadHelperLent = false

/**
 * Starts this thread's metronome helper ahead of the first metronome; resolves once it keeps moments
 * (or could not start: metronomes then keep them with Node's timers).
 */
export function startMetronome(): Promise<void> {
  if (threadHelper === undefined || !threadHelper.alive) threadHelper = new Helper()
  return threadHelper.started
}

/**
 * Calls `onTick` at the moments set with `wakeAt`, to a fraction of a millisecond, from a helper
 * thread. Until that thread has started, and if it ever fails, a plain timer stands in, as precise
 * as Node's timers are.
 */
export class Metronome {
  private readonly helper: Helper
  private readonly borrowed: boolean
  private stopped = false
  private fallback: NodeJS.Timeout | undefined
  private momentMs = 0

  constructor(private readonly onTick: () => void) {
    // A second metronome at once on the same thread (none today) gets a helper of its own.
    this.borrowed = !threadHelperLent
    if (this.borrowed) {
      void startMetronome()
      threadHelperLent = true
    }
    this.helper = this.borrowed && threadHelper !== undefined ? threadHelper : new Helper()
    this.helper.lend((alive) => {
      if (this.stopped) return
      if (alive) this.onTick()
      // The helper is gone: the timer takes over the moment it was keeping.
      else if (this.momentMs > 0) this.wakeAt(this.momentMs)
    })
  }

  /** Resolves once the helper keeps the moments (or has failed to start: the timer keeps them then). */
  get started(): Promise<void> {
    return this.helper.started
  }

  /** Asks for one call of `onTick` at `atMs` (hrtimeMs clock), replacing any moment asked before. */
  wakeAt(atMs: number): void {
    if (this.stopped) return
    this.momentMs = atMs
    this.helper.arm(atMs)
    if (this.helper.ready) return
    // Until the helper is there, the timer; once it is, the helper answers too, and a second call of
    // onTick finds nothing due.
    if (this.fallback !== undefined) clearTimeout(this.fallback)
    this.fallback = setTimeout(
      () => {
        this.fallback = undefined
        if (!this.stopped) this.onTick()
      },
      Math.max(0, atMs - hrtimeMs()),
    )
  }

  /** No more calls; the helper goes back to its thread (or ends, if it was this metronome's own). */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    if (this.fallback !== undefined) clearTimeout(this.fallback)
    this.fallback = undefined
    if (this.borrowed) {
      this.helper.idle()
      threadHelperLent = false
    } else this.helper.end()
  }
}
