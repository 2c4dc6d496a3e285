// One round of load against one entry: autocannon drives the connections and times each response;
// each is judged against the scenario's expectation, and the times of those that met it go into a
// microsecond histogram. Warm-up and measurement
// run on the same connections, so the measured window starts in steady state.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { RE2JS } from 're2js'
import type { Expectation, LoadLevel, ScenarioPlan } from '../config/plan.js'
import type { LoadSeries } from '../results/document.js'
import { createHistogram, encodeHistogram, recordLatency, summarise, type LatencySummary } from '../results/histogram.js'
import { BODY_KEEP_LIMIT_BYTES, limitBodies } from './bodies.js'
import { capturesFromBody, flowHooks, needsFlow, type ThreadShare } from './flow.js'
import { Pacer } from './pacer.js'
import { rateSchedule } from './profiles/spike.js'
import { SecondRecorder } from './seconds.js'
import { RoundWindow } from './window.js'
import { within } from '../timers.js'

/** What the load generator saw in one measured window. */
export interface LoadMeasurement {
  readonly durationMs: number
  /** Responses plus requests that failed without one (connection errors, timeouts). */
  readonly requests: number
  readonly responses: number
  /** Responses that met the expectation (status and body). */
  readonly ok: number
  readonly unexpectedStatus: number
  readonly bodyMismatches: number
  /** Responses that met the expectation but a capture of their step found nothing (src/load/flow.ts). */
  readonly captureFailures?: number
  /** Why the first of them failed, e.g. `capture "token" ($.token) found nothing in the response to POST /login`. */
  readonly captureFailure?: string
  /** Of the body mismatches, responses whose body was over BODY_KEEP_LIMIT_BYTES and could not be checked. */
  readonly oversizedBodies?: number
  /** Connection errors, timeouts included. */
  readonly errors: number
  readonly timeouts: number
  readonly bytes: number
  readonly statusCodes: Readonly<Record<string, number>>
  /** Latency of the responses that met the expectation, µs. */
  readonly latencyUs: LatencySummary
  /** The same, as an encoded HDR histogram. */
  readonly histogram: string
  /** Number of values in the histogram: one per response that met the expectation. */
  readonly recorded: number
  /** CPU of the load generator's own process, percent of one core. */
  readonly loadgenCpuPercent: number
  /** How late the load generator's event loop ran during the window, ms: responses wait that long to be timed. */
  readonly loopDelayMs: LoopDelay
  /** Second by second through the window (whole seconds only), for profiles and charts. */
  readonly perSecond: LoadSeries
}

/** Event-loop delay of the measuring thread over one window, ms. */
export interface LoopDelay {
  readonly p99: number
  readonly max: number
}

// The delay monitor's timer fires every this many ms; each recorded value is that interval plus the
// delay. Node's default: a finer timer would wake an idle measuring thread more often, and a lag
// worth flagging (over 20 ms, see assess.ts) delays a 10 ms timer whenever it happens.
const LOOP_DELAY_RESOLUTION_MS = 10

/** Reads a delay histogram as ms beyond the timer's own interval, rounded to µs. */
function loopDelay(histogram: IntervalHistogram): LoopDelay {
  const late = (ns: number): number => Math.max(0, Math.round(ns / 1000 - LOOP_DELAY_RESOLUTION_MS * 1000) / 1000)
  return histogram.count === 0 ? { p99: 0, max: 0 } : { p99: late(histogram.percentile(99)), max: late(histogram.max) }
}

/** Hooks the round calls at the edges of the measured window (the server monitor uses them). */
export interface WindowHooks {
  onMeasureStart?(): void
  onMeasureEnd?(): void
  /** Checked a few times a second; returning true ends the round early (the app died). */
  shouldAbort?(): boolean
  /**
   * Set when another thread coordinates the round (several load threads): the measured window opens
   * when `begin` resolves and the round ends when `finish` resolves, instead of by this round's own
   * warm-up and duration timers.
   */
  control?: { readonly begin: Promise<void>; readonly finish: Promise<void> }
}

/** Everything one round needs. */
export interface RoundSpec {
  readonly baseUrl: string
  readonly scenario: ScenarioPlan
  readonly level: LoadLevel
  /** Set on a load thread of several: which share of data rows and `$seq` numbers it sends. */
  readonly share?: ThreadShare
}

/** The body check of an expectation, with any regular expression compiled once per round. */
function bodyMatcher(expect: Expectation): (body: string) => boolean {
  const rule = expect.body
  if (rule === undefined) return () => true
  if (rule.kind === 'equals') return (body) => body === rule.value
  if (rule.kind === 'contains') return (body) => body.includes(rule.value)
  // The pattern comes from the config and the body from the app: with V8's backtracking engine,
  // `(a+)+$` against a long run of a's blocks the event loop for good, and the round with it. RE2
  // matches in time linear in the body whatever the pattern (pure JavaScript, so it bundles as is).
  const pattern = RE2JS.compile(rule.value)
  return (body) => pattern.test(body)
}

type Outcome = 'ok' | 'status' | 'body' | 'oversized' | 'capture'

function sameStatuses(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((status) => b.includes(status))
}

// How long a round waits for its pacer's metronome thread to start; a slower start leaves the first
// moments to Node's timers, which keep them to the millisecond.
const PACER_START_WAIT_MS = 2000

/** Resolves when the pacer keeps its moments precisely, or after `ms`, whichever comes first. */
async function pacerStarted(pacer: Pacer, ms: number): Promise<void> {
  await within(pacer.ready(), ms)
}

/**
 * How responses are judged against the scenario's expectations: autocannon's request list (with an
 * `onResponse` per step where the body or the step's own statuses decide), and the outcome of each
 * response as the 'response' event reports it.
 */
function responseJudge(
  scenario: ScenarioPlan,
  share?: ThreadShare,
): {
  readonly requests: autocannon.Request[]
  readonly keepBodyBytes: number
  /** Set by the body limiter as each response completes, read in the step's onResponse just after. */
  oversized(value: boolean): void
  /** The outcome of the response just reported with this status; call once per response. */
  outcome(statusCode: number): Outcome
  /** Why the response just judged 'capture' failed its capture. */
  readonly captureFailure: string | undefined
} {
  // autocannon calls a step's onResponse synchronously just before it emits 'response' for the same
  // reply, so the outcome can be handed over through this variable.
  let lastOutcome: Outcome = 'ok'
  let lastOversized = false
  let lastCaptureFailure: string | undefined
  // With no body to check and one status list for every step, the status in the 'response' event
  // decides: no onResponse then, whose call costs autocannon a headers object (built with lodash)
  // per response, on the thread that times them.
  const [first] = scenario.requests
  const flow = needsFlow(scenario) ? flowHooks(scenario, share) : undefined
  const statusOnly =
    first !== undefined &&
    flow === undefined &&
    scenario.requests.every((step) => step.expect.body === undefined && sameStatuses(step.expect.status, first.expect.status))
  const expectedStatus = new Set(first?.expect.status ?? [])
  const requests = scenario.requests.map((step, index) => {
    const bodyOk = bodyMatcher(step.expect)
    const hooks = flow?.[index]
    const readsBody = step.expect.body !== undefined || capturesFromBody(step)
    const request = {
      method: step.method,
      path: step.path,
      headers: { ...step.headers },
      ...(step.body === undefined ? {} : { body: step.body }),
      ...(statusOnly
        ? {}
        : {
            onResponse: (status: number, body: string, context: object, headers: Record<string, unknown> = {}) => {
              if (!step.expect.status.includes(status)) lastOutcome = 'status'
              // Only a step that reads the body needs it whole; another step's large body is just not kept.
              else if (lastOversized && readsBody) lastOutcome = 'oversized'
              else lastOutcome = bodyOk(body) ? 'ok' : 'body'
              if (lastOutcome !== 'ok' || hooks?.capture === undefined) return
              lastCaptureFailure = hooks.capture(body, context, headers)
              if (lastCaptureFailure !== undefined) lastOutcome = 'capture'
            },
          }),
    }
    // @types/autocannon says setupRequest returns a request; autocannon also takes none, which starts
    // the pass again from the first step (lib/requestIterator.js rebuildRequest): flow.ts returns
    // none when a value a step needs was not captured.
    if (hooks?.setupRequest !== undefined) Reflect.set(request, 'setupRequest', hooks.setupRequest)
    return request
  })
  return {
    requests,
    // Bodies are kept only when a step's expectation reads them (see bodies.ts).
    keepBodyBytes: scenario.requests.some((step) => step.expect.body !== undefined || capturesFromBody(step)) ? BODY_KEEP_LIMIT_BYTES : 0,
    oversized: (value) => (lastOversized = value),
    get captureFailure() {
      return lastCaptureFailure
    },
    outcome: (statusCode) => {
      const outcome = statusOnly ? (expectedStatus.has(statusCode) ? 'ok' : 'status') : lastOutcome
      lastOutcome = 'ok'
      return outcome
    },
  }
}

/** What the measured window counts: responses by outcome, errors, status codes, latencies, seconds. */
class WindowTally {
  counts = { responses: 0, ok: 0, status: 0, body: 0, oversized: 0, capture: 0, errors: 0, timeouts: 0, bytes: 0 }
  readonly statusCodes: Record<string, number> = {}
  /** Why the window's first failed capture failed. */
  captureFailure: string | undefined
  readonly histogram = createHistogram()
  readonly seconds = new SecondRecorder()
  readonly delay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS })

  /** Forgets what the warm-up counted. */
  reset(): void {
    this.counts = { responses: 0, ok: 0, status: 0, body: 0, oversized: 0, capture: 0, errors: 0, timeouts: 0, bytes: 0 }
    this.captureFailure = undefined
    for (const key of Object.keys(this.statusCodes)) delete this.statusCodes[key]
    this.histogram.reset()
  }

  response(statusCode: number, resBytes: number, responseTimeMs: number, outcome: Outcome, captureFailure?: string): void {
    this.counts.responses++
    this.counts.bytes += resBytes
    this.statusCodes[statusCode] = (this.statusCodes[statusCode] ?? 0) + 1
    if (outcome === 'ok') {
      this.counts.ok++
      recordLatency(this.histogram, responseTimeMs)
      this.seconds.ok(responseTimeMs)
      return
    }
    if (outcome === 'status') this.counts.status++
    else if (outcome === 'capture') {
      this.counts.capture++
      this.captureFailure ??= captureFailure
    } else this.counts.body++
    if (outcome === 'oversized') this.counts.oversized++
    this.seconds.failed()
  }

  error(error: Error): void {
    this.counts.errors++
    this.seconds.failed()
    if (error.message === 'request timed out') this.counts.timeouts++
  }

  /** Requests answered or failed so far in the window. */
  get requests(): number {
    return this.counts.responses + this.counts.errors
  }

  /** The window's measurement; frees the histogram. */
  measurement(window: RoundWindow): LoadMeasurement {
    const { counts, histogram } = this
    const cpu = window.cpuSinceStart()
    const durationMs = Math.max(1, window.durationMs)
    const measurement: LoadMeasurement = {
      durationMs,
      requests: this.requests,
      responses: counts.responses,
      ok: counts.ok,
      unexpectedStatus: counts.status,
      bodyMismatches: counts.body,
      ...(counts.capture === 0
        ? {}
        : { captureFailures: counts.capture, ...(this.captureFailure === undefined ? {} : { captureFailure: this.captureFailure }) }),
      oversizedBodies: counts.oversized,
      errors: counts.errors,
      timeouts: counts.timeouts,
      bytes: counts.bytes,
      statusCodes: this.statusCodes,
      latencyUs: summarise(histogram),
      histogram: encodeHistogram(histogram),
      recorded: histogram.totalCount,
      loadgenCpuPercent: ((cpu.user + cpu.system) / 1000 / durationMs) * 100,
      loopDelayMs: loopDelay(this.delay),
      perSecond: this.seconds.finish(durationMs),
    }
    histogram.destroy()
    return measurement
  }
}

/** Runs warm-up then one measured window; resolves with what was measured in the window only. */
export async function runRound(spec: RoundSpec, hooks: WindowHooks = {}): Promise<LoadMeasurement> {
  const { scenario, level } = spec
  const judge = responseJudge(scenario, spec.share)
  const tally = new WindowTally()
  // Open loop: our own schedule sends the requests and times them from their intended send time,
  // which corrects coordinated omission exactly (see pacer.ts); autocannon's rate options stay off.
  const pacer = level.rate === undefined ? undefined : new Pacer(rateSchedule(scenario, level.rate), scenario.arrivals)
  const byAmount = scenario.amount
  // The first paced round of a thread starts the thread's metronome helper (load threads start it
  // before they report ready). Its start takes CPU, hundreds of ms of it on a loaded machine, that
  // the round would otherwise lose: the round waits for it.
  if (pacer !== undefined) await pacerStarted(pacer, PACER_START_WAIT_MS)

  return new Promise((resolve, reject) => {
    const window = new RoundWindow(
      {
        warmupMs: scenario.warmupMs,
        // A round measured by request count ends at its count, not by a timer.
        ...(byAmount === undefined ? { durationMs: scenario.durationMs } : {}),
        ...(hooks.shouldAbort === undefined ? {} : { shouldAbort: hooks.shouldAbort }),
        ...(hooks.control === undefined ? {} : { control: hooks.control }),
      },
      {
        open: () => {
          tally.reset()
          hooks.onMeasureStart?.()
          tally.delay.reset()
          tally.delay.enable()
        },
        opened: (startedAt) => tally.seconds.start(startedAt),
        close: () => {
          tally.delay.disable()
          hooks.onMeasureEnd?.()
        },
        end: () => {
          pacer?.stop()
          instance.stop()
        },
      },
    )
    const instance = autocannon(
      {
        url: spec.baseUrl,
        connections: level.connections,
        pipelining: scenario.pipelining,
        // autocannon refuses a timeout under 1 s; the real one, in ms, is set on each client below.
        timeout: Math.max(1, scenario.timeoutMs / 1000),
        setupClient: (client) => {
          // Read by the client at each request it sends (httpClient.js `this.timeout`, in ms).
          Object.assign(client, { timeout: scenario.timeoutMs })
          limitBodies(client, judge.keepBodyBytes, judge.oversized)
          pacer?.attach(client)
        },
        requests: judge.requests,
        // The round ends by our own timer or amount; autocannon's duration is only a backstop.
        duration: (scenario.warmupMs + scenario.durationMs) / 1000 + 3600,
        ...(byAmount !== undefined && scenario.warmupMs === 0 ? { amount: byAmount } : {}),
        // autocannon notices a stop only at its next sample tick.
        sampleInt: 50,
        excludeErrorStats: false,
        skipAggregateResult: true,
      },
      (error) => {
        pacer?.stop()
        window.settle()
        if (error !== null && error !== undefined) reject(error instanceof Error ? error : new Error(String(error)))
        else resolve(tally.measurement(window))
      },
    )
    // Options autocannon refuses come back through the callback before it returns, and the instance
    // it returns then cannot be stopped: nothing more to schedule.
    if (window.over) return
    pacer?.start()
    const countReached = (): void => {
      if (byAmount !== undefined && tally.requests >= byAmount) window.end()
    }
    instance.on('response', (_client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => {
      const outcome = judge.outcome(statusCode)
      if (!window.measuring) return
      tally.response(statusCode, resBytes, responseTimeMs, outcome, judge.captureFailure)
      countReached()
    })
    instance.on('reqError', (error: Error) => {
      if (!window.measuring) return
      tally.error(error)
      countReached()
    })
    window.start()
  })
}
