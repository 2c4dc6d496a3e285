// Open-loop pacing: requests leave at evenly spaced moments (or as Poisson arrivals) over all
// connections, and each one's latency is measured from the moment it was meant to leave.
//
// Why not autocannon's own `overallRate`/`connectionRate`: each connection gets a budget of requests
// per second, sends them back to back, and then waits for the next second (httpClient.js
// `reqsMadeThisSecond`, reset by a 1 s interval). So "300 req/s" is a burst at the start of every
// second, which measures queueing the stated rate never causes, and staggering connections does not
// help (each one still bursts). So the schedule is ours, driven from our own timer on autocannon's
// own HTTP client: `setupClient` hands us each client, and its `_doRequest` — which the client calls
// whenever a connection is free for a request (on connect and after each response) — is replaced by
// "this connection is free". At each scheduled moment a free connection sends (the one free the
// longest, so the load spreads over the connections); when none is free, the moment waits in a queue
// for the next one that frees up. The client stamps each request's start time when it is written;
// the stamp is moved back to the scheduled moment, so autocannon's own response time is the latency
// from the intended send time. That is the exact coordinated-omission correction for this schedule
// (what wrk2 does): a request that could not leave on time because the app was slow counts its wait,
// and no synthetic values are added.
//
// Relying on two internals of autocannon 9 (`_doRequest`, `pipelinedRequests.pendingRequests[].
// startTime`) is checked when a client is attached: if they change, the round fails loudly instead of
// measuring something else.
//
// The moments are kept by a metronome (metronome.ts) that wakes this thread to a fraction of a
// millisecond; Node's own timers fire up to a millisecond late, a whole interval at 1000 req/s.
import type { Arrivals } from '../config/plan.js'
import { hrtimeMs, Metronome } from './metronome.js'

/** A connection free for one request; `send` sends it now, timed from `intendedMs`. */
interface Slot {
  send(intendedMs: number): void
}

// Moments waiting for a free connection, at most: an app far slower than the rate makes the queue
// grow for the whole round (such a round is invalid anyway: its rate is not reached), and a million
// moments are 8 MB. Beyond it, moments are dropped; the requests already queued keep their times.
const MAX_BACKLOG = 1_000_000

// At most one wake-up per this many ms: beyond 10,000 req/s per thread the moments due within it
// leave together, so the wake-ups themselves do not become the thread's work.
const MIN_TICK_MS = 0.1

/** A first-in first-out queue of numbers whose take() does not move the rest. */
class Queue {
  private items: number[] = []
  private head = 0

  get length(): number {
    return this.items.length - this.head
  }

  put(value: number): void {
    this.items.push(value)
  }

  take(): number | undefined {
    if (this.head >= this.items.length) return undefined
    const value = this.items[this.head++]
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return value
  }

  clear(): void {
    this.items = []
    this.head = 0
  }
}

/** Thrown when autocannon's client no longer has the internals the pacer drives. */
export class PacerSetupError extends Error {}

/** Paces the requests of one round; see the file comment. */
export class Pacer {
  private readonly free: Slot[] = []
  private readonly backlog = new Queue()
  private nextMs = 0
  private startMs = 0
  private readonly metronome = new Metronome(() => this.tick())
  private stopped = false

  /**
   * @param rate requests per second over all connections, or the rate at each moment since start()
   *   (profile: spike), read at each send to space the next one
   * @param random a uniform [0, 1) source for Poisson gaps (Math.random unless a test seeds one)
   */
  constructor(
    private readonly rate: number | ((sinceStartMs: number) => number),
    private readonly arrivals: Arrivals,
    private readonly random: () => number = Math.random,
  ) {}

  /** Takes over the sending of one autocannon client (call from `setupClient`). */
  attach(client: object): void {
    const original: unknown = Reflect.get(client, '_doRequest')
    const queue: unknown = Reflect.get(client, 'pipelinedRequests')
    const pending: unknown = typeof queue === 'object' && queue !== null ? Reflect.get(queue, 'pendingRequests') : undefined
    if (typeof original !== 'function' || typeof queue !== 'object' || queue === null || !Array.isArray(pending)) {
      throw new PacerSetupError('autocannon client internals changed: cannot pace requests (_doRequest, pipelinedRequests)')
    }
    const slot: Slot = {
      send: (intendedMs) => {
        if (Reflect.get(client, 'destroyed') === true) return
        // autocannon replaces the array on clear(), so it is looked up at each send.
        const before = requestsOf(queue).length
        Reflect.apply(original, client, [])
        const requests = requestsOf(queue)
        const sent = requests.length > before ? requests[requests.length - 1] : undefined
        if (typeof sent === 'object' && sent !== null) Reflect.set(sent, 'startTime', hrtimeAt(intendedMs))
      },
    }
    Reflect.set(client, '_doRequest', () => this.release(slot))
  }

  /**
   * Resolves when the pacer keeps its moments to a fraction of a millisecond (its metronome's helper
   * thread has started, tens of ms); a schedule started before keeps them as Node's timers do.
   */
  ready(): Promise<void> {
    return this.metronome.started
  }

  /** Starts the schedule now. */
  start(): void {
    if (this.stopped) return
    this.nextMs = hrtimeMs()
    this.startMs = this.nextMs
    this.tick()
  }

  /** Stops sending; connections then fall idle. */
  stop(): void {
    this.stopped = true
    this.metronome.stop()
    this.backlog.clear()
  }

  private release(slot: Slot): void {
    if (this.stopped) return
    const waiting = this.backlog.take()
    if (waiting === undefined) this.free.push(slot)
    else slot.send(waiting)
  }

  private gapMs(): number {
    const rate = typeof this.rate === 'number' ? this.rate : this.rate(this.nextMs - this.startMs)
    const mean = 1000 / rate
    // Exponential gaps make a Poisson process; 1 - random() is in (0, 1], so the log is finite.
    return this.arrivals === 'even' ? mean : -Math.log(1 - this.random()) * mean
  }

  private tick(): void {
    if (this.stopped) return
    const now = hrtimeMs()
    while (this.nextMs <= now) {
      const due = this.nextMs
      this.nextMs += this.gapMs()
      const slot = this.free.shift()
      if (slot === undefined) {
        if (this.backlog.length < MAX_BACKLOG) this.backlog.put(due)
      } else slot.send(due)
    }
    // A moment the thread wakes late for (busy, or descheduled) leaves at once, and is measured
    // from its intended time all the same.
    this.metronome.wakeAt(Math.max(this.nextMs, now + MIN_TICK_MS))
  }
}

function requestsOf(queue: object): unknown[] {
  const pending: unknown = Reflect.get(queue, 'pendingRequests')
  return Array.isArray(pending) ? pending : []
}

/** A `process.hrtime()` pair for a moment given in ms on the same clock (hrtimeMs). */
function hrtimeAt(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1000)
  return [seconds, Math.min(999_999_999, Math.max(0, Math.round((ms - seconds * 1000) * 1e6)))]
}
