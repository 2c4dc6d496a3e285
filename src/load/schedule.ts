// A whole measurement run: start the app, then round after round, interleaved round-robin across
// entries so slow drift of the machine (thermal, noisy neighbours) spreads evenly over all of them.
import { runningSpeedProbe } from '../app/affinity.js'
import { GroupMonitor, type WindowUsage } from '../app/monitor.js'
import { diedError, isListening, type RunningApp } from '../app/process.js'
import { onGlibc, runsNode } from '../app/runtime.js'
import { definitionHash as scenarioDefinitionHash } from '../config/hash.js'
import type { Shard } from '../config/overrides.js'
import type { LoadLevel, Plan, ScenarioPlan } from '../config/plan.js'
import { AppError, errorMessage } from '../errors.js'
import { interruption, InterruptedError, throwIfInterrupted } from '../interrupt.js'
import { currentEnvironment } from '../results/environment.js'
import { entryKey, SCHEMA_VERSION, type Results, type RoundResult } from '../results/document.js'
import { VERSION } from '../version.js'
import { scalingSummaries } from '../results/scaling.js'
import { summariseEntry } from '../results/entry-numbers.js'
import { assessRound } from './assess.js'
import { afterPair, nextDecidingStep, startDeciding, stillOpen } from './deciding.js'
import { runStressRound } from './profiles/stress.js'
import type { MeasuredWindow } from './measured-window.js'
import { readHeapPoints } from '../app/heap-watch.js'
import { entryFindings, withRoundFindings } from './profiles/findings.js'
import { scenarioAt } from './profiles/volume.js'
import { SideApp } from './side-app.js'
import { runEntryRound } from './threads.js'

/** One scenario at one load level: the unit that is measured and compared. */
export interface Entry {
  readonly key: string
  readonly scenario: ScenarioPlan
  readonly level: LoadLevel
}

/** What progress a run reports, one event per finished round. */
export interface RoundEvent {
  readonly entry: Entry
  readonly round: number
  readonly rounds: number
  /** Rounds finished so far over all entries, and in all. */
  readonly done: number
  readonly total: number
  readonly result: RoundResult
  /** Which side the round measured, when several are measured together (`base`, `head`). */
  readonly side?: string
  /** Time since the first round began, ms, and the adaptive time budget counted from it, for progress and ETA. */
  readonly elapsedMs?: number
  readonly budgetMs?: number
}

/**
 * Something about the app the user must hear although nothing was lost: a server still answering
 * after its process group was stopped, or a process group that used no CPU while requests
 * succeeded. Both mean the server runs outside the group (started with `setsid`, or a daemon), so
 * the CPU and memory figures are of the wrong process.
 */
export type RunWarning =
  | { readonly kind: 'still-listening'; readonly url: string; readonly side?: string }
  | { readonly kind: 'idle-app'; readonly responses: number; readonly side?: string }

// Successful responses after which a group that used no CPU at all cannot be the server: even a
// trivial handler costs tens of µs, so this many are several clock ticks of CPU.
const IDLE_APP_RESPONSES = 1000

/** Everything a run needs besides the plan. */
export interface MeasureOptions {
  /** Where the app's log goes (kept with the results). */
  readonly outDir: string
  readonly git?: { readonly sha?: string; readonly ref?: string }
  /** The shard this run measures, recorded in the results. */
  readonly shard?: Shard
  readonly onStart?: (entries: readonly Entry[]) => void
  readonly onRound?: (event: RoundEvent) => void
  /** Called with anything about the app that makes its telemetry or the next run doubtful. */
  readonly onWarning?: (warning: RunWarning) => void
  /** Called when the warm-up pass over the whole suite (plan.warmupSuite) is done. */
  readonly onWarmedUp?: () => void
  /** Called when the app is ready, with the time it took. */
  readonly onReady?: (ms: number, side?: string) => void
  /**
   * The side order: `alternating` (the default, {@link sideOrder}) or `abba`, the order used before
   * (A B, B A, … per entry), kept only so that bench/record-traces.ts can record what it did.
   */
  readonly order?: 'alternating' | 'abba'
  /**
   * Deciding as you go (several sides): after the configured rounds, entries `decided` says no to
   * get one more round a side at a time, interleaved, until it says yes, the entry has `maxRounds`,
   * or the run has measured for `budgetMs` (counted from its first round). `decided` sees the
   * entry's rounds so far, one list per side, and must stay valid however often it is asked.
   */
  readonly adaptive?: {
    readonly decided: (entry: Entry, rounds: readonly (readonly RoundResult[])[]) => boolean
    readonly budgetMs: number
    readonly maxRounds: number
  }
}

/** A run's outcome: results of every finished round, and the failure that ended it early, if any. */
export interface Measured {
  readonly results: Results
  /** Set when the app could not be started or died; results then hold the rounds finished before. */
  readonly failure?: AppError
}

/**
 * Hash of what an entry sends and how: a baseline entry with another hash measured something else
 * (another path, body, duration), so its comparison is only indicative. Its allow-list is
 * config/hash.ts's, beside the config hash's.
 */
export function definitionHash(entry: Entry): string {
  return scenarioDefinitionHash(entry.scenario, entry.level)
}

/** The entries of a plan, in config order. */
export function entriesOf(plan: Plan): Entry[] {
  return plan.scenarios.flatMap((scenario) =>
    scenario.levels.map((level) => ({
      key: entryKey(scenario.name, scenario.stress === undefined ? level : { ...level, stress: scenario.stress }),
      scenario: scenarioAt(scenario, level),
      level,
    })),
  )
}

/** Runs every round of every entry. Never throws for app failures: they come back in `failure`. */
export async function measure(plan: Plan, options: MeasureOptions): Promise<Measured> {
  const [measured] = await measureSides(withSeparateCpus([{ plan, outDir: options.outDir }]), options)
  if (measured === undefined) throw new Error('measureSides returned nothing for one side')
  return measured
}

/** One build of the app to measure: its plan (same scenarios, own app and URL) and where its log goes. */
export interface Side {
  readonly plan: Plan
  readonly outDir: string
  /** Shown in progress lines when there are several sides, e.g. `base`. */
  readonly label?: string
  readonly git?: { readonly sha?: string; readonly ref?: string }
  /** A side whose app fails is dropped and the others go on; a failing required side ends the run. */
  readonly optional?: boolean
}

interface SideState {
  readonly side: Side
  readonly app: SideApp
  readonly rounds: Map<string, RoundResult[]>
  failure?: AppError
  /** Times the app was started for the measured rounds: 1, or more with `app.relaunch`. */
  launches: number
  /** Successful responses and group CPU so far, to notice a group that is not the server. */
  usage: { ok: number; cpuMs: number; warned: boolean }
}

/**
 * The `app.relaunch` setting: whether same-job starts both apps afresh before every pair after the
 * first (`pair`), keeps one launch a side (`never`), or decides by the app (`auto`, the default).
 *
 * Why: two launches of identical Node code differed in CPU per request by 6–13 % (SD beyond the
 * pairs' noise) for the whole life of the process (ACCURACY.md, *Two launches of the same app*). With one
 * launch a side that offset enters every pair alike, so no number of pairs averages it out: an
 * unchanged head reads as a change, a real one is over- or understated. Two ways out, measured
 * (bench/relaunch.ts): a launch per pair makes the offset part of each pair's noise, which the pairs'
 * spread then measures and their mean averages over (SD of t over unchanged node heads 1.59 over 13
 * runs, against 1.96 and 5.16 with one launch a side), at the price of a start a side per pair and
 * a noisier pair; or, where the offset's cause applies, taking the cause away ({@link withHeapPad}:
 * SD of t 1.08 over 15 runs, one launch a side). `auto` does the second for a Node app on glibc, the
 * first for a Node app elsewhere ({@link autoRelaunches}) while a start is cheap
 * ({@link AUTO_RELAUNCH_SHARE}).
 */
export function relaunchOf(plan: Plan | undefined): 'auto' | 'pair' | 'never' {
  return plan?.app?.relaunch ?? 'auto'
}

/**
 * Whether `app.relaunch: auto` relaunches this app at all: when its command starts Node and its
 * heap is not padded ({@link withHeapPad}). Measured (bench/relaunch.ts, ACCURACY.md *Fresh apps for
 * every pair*): one launch a side left node's intervals two to five times too narrow for an
 * unchanged head (SD of t 2.0 and 5.2), a fresh launch a pair nearly right (1.59); the FastAPI
 * service's were near right with one launch (1.0–1.45), and fresh launches there only tripled the
 * variance of a pair. Other runtimes keep one launch unless set to `pair`.
 */
export function autoRelaunches(plan: Plan | undefined): boolean {
  return plan?.app !== undefined && plan.app.heapPad === undefined && runsNode(plan.app.command)
}

/** The environment variable that pads glibc's heap, and what `auto` sets it to: 64 MB. */
export const HEAP_PAD_VARIABLE = 'MALLOC_TOP_PAD_'
export const HEAP_PAD_BYTES = 64 * 1024 * 1024

/**
 * Same-job sides of a Node app on glibc under `app.relaunch: auto` (decided by the first side's
 * plan, as the relaunches are): each app's environment gets MALLOC_TOP_PAD_ (64 MB, unless the
 * app's env or Cannonade's already sets it) and its plan `heapPad`, and each side keeps one launch.
 *
 * Why: what set one node launch apart was the young-generation collector's weak-handle phase, the
 * frees of the native objects a route makes (a hash, a zlib stream) through glibc's malloc, which in
 * some launches trimmed the top of its heap and grew it back hundreds of times a second (747 and 927
 * `brk` calls in 4 s of load, against 39 in another launch). With the top padded there was no `brk`
 * at all, the phase cost the same in every launch (head − base RMS a scavenge 0.458 → 0.076 ms,
 * bench/gc-phases.ts), and the launch offset beyond the noise fell from 5.0 to 0.0 %
 * (bench/process-offset.ts). Through the product, unchanged node heads were cleared in 6 of 8 runs
 * with the pad against 3 of 7 with fresh apps every pair, alternating (bench/relaunch.ts). It costs
 * 3–4 MiB of peak RSS on both sides alike (means of 3 launches: +2.9 on bench/apps/hash-server.mjs,
 * +4.0 on an Express app).
 */
export function withHeapPad(sides: readonly Side[], glibc: () => boolean = onGlibc): Side[] {
  const first = sides[0]?.plan
  // The C library last: asking it builds Node's diagnostic report (about 6 ms), for a Node app only.
  const padded = sides.length > 1 && relaunchOf(first) === 'auto' && first?.app !== undefined && runsNode(first.app.command) && glibc()
  if (!padded) return [...sides]
  return sides.map((side) => {
    const app = side.plan.app
    if (app === undefined) return side
    const set = app.env[HEAP_PAD_VARIABLE] ?? process.env[HEAP_PAD_VARIABLE]
    if (set === undefined) {
      const env = { ...app.env, [HEAP_PAD_VARIABLE]: String(HEAP_PAD_BYTES) }
      return { ...side, plan: { ...side.plan, app: { ...app, env, heapPad: HEAP_PAD_BYTES } } }
    }
    // The user's own pad stands; one that is not a size leaves the app to fresh launches instead.
    const bytes = Number(set)
    return Number.isInteger(bytes) && bytes >= 0 ? { ...side, plan: { ...side.plan, app: { ...app, heapPad: bytes } } } : side
  })
}

/**
 * Sides under `app.cpus: auto` (absent; decided by the first side's plan): every side's app gets
 * `separate`, so the apps run on CPUs of their own with the speed probe beside them (src/app/affinity.ts).
 * Same-job adjusts each pair for the machine's speed (src/compare/speed-adjust.ts); a run of one side
 * records it in every round, so that a comparison with a run measured at another time must hold at
 * one machine speed too (compare.ts atOneSpeed). Not for an app in a container, which the split cannot
 * pin. Where the machine cannot split (not Linux, one CPU, no taskset) `separate` leaves the app as it is.
 *
 * Why: a shared runner's vCPU slows for stretches of 10–100 s (a node service's CPU per request
 * between about 225 and 440 µs at a constant share, no steal time reported), and a probe on the
 * app's own CPU follows it; alternating with `shared` on this project's 2-CPU machine
 * (bench/against-target.ts, 2026-12-04), `separate` cleared more unchanged heads and caught as many
 * or more slowed ones, and no run of either failed an unchanged head (ACCURACY.md, *A speed probe*).
 * Between runs of one side a minute apart (bench/separate-real.ts, an Express app, 2026-12-05),
 * throughput moved by a log SD of 0.23 and, at one probe speed, by 0.05; a probe left unpinned
 * beside an unpinned app was tried and read the CPU it happened to run on: at one speed the runs
 * moved as much as measured (0.16 and 0.15), and fewer slowed heads failed.
 */
export function withSeparateCpus(sides: readonly Side[]): Side[] {
  const first = sides[0]?.plan.app
  if (first === undefined || first.cpus !== undefined || first.container !== undefined) return [...sides]
  return sides.map((side) =>
    side.plan.app === undefined ? side : { ...side, plan: { ...side.plan, app: { ...side.plan.app, cpus: 'separate' } } },
  )
}

/**
 * `app.relaunch: auto` starts the apps afresh for every pair while each start (stop, start and
 * ready) takes at most this share of the entry's round (warm-up and measured window), so the
 * relaunches cost at most that share of the pairs; a slower start keeps one launch a side.
 */
export const AUTO_RELAUNCH_SHARE = 0.25

/** Whether every side's last start (ms; Infinity for none) is cheap enough for `auto` to relaunch before a round of `roundMs`. */
export function cheapStarts(startMs: readonly number[], roundMs: number): boolean {
  return startMs.every((ms) => ms <= AUTO_RELAUNCH_SHARE * roundMs)
}

/**
 * The order in which the sides measure their next round: the live sides in turn, starting after the
 * side measured last, so that no side is ever measured twice in a row (A B A B …, across entries too).
 *
 * Why not A B B A: an app measured right after its own round was slower than one measured after the
 * other app's round, 17–112 % in one-scenario `run --against` runs on this machine (issue 17), so
 * each pair's log-ratio swung by ± that much and the pair noise doubled. Whatever its cause (at load
 * 17–30, bench/carryover.ts could not resolve it: the idle app used no CPU, RSS was flat), strict
 * alternation gives every round the same predecessor, a round of the other side, so no carryover
 * of an app into its own next round can enter a pair.
 * The price: within a pair the head always runs second, so a linear drift of the machine moves
 * every pair by one round's worth of drift (≈ 0.6 % per 6 s round at 30 % over 5 minutes) instead
 * of cancelling over two pairs; __tests__/compare/carryover.test.ts simulates it.
 *
 * @param live indices of the sides still measured, in side order
 * @param last index of the side measured last, if any
 */
export function sideOrder(live: readonly number[], last: number | undefined): number[] {
  if (last === undefined) return [...live]
  const next = live.findIndex((side) => side > last)
  return next <= 0 ? [...live] : [...live.slice(next), ...live.slice(0, next)]
}

/**
 * Measures several builds of the app with the same scenarios, all running at once, rounds
 * interleaved A B A B … ({@link sideOrder}) so that slow drift of the machine falls on both sides
 * nearly alike and no app is measured twice in a row. Entries come from the first side's plan.
 * Returns one Measured per side, in order.
 */
export async function measureSides(sides: readonly Side[], options: MeasureOptions): Promise<Measured[]> {
  const [first] = sides
  if (first === undefined) return []
  const entries = entriesOf(first.plan)
  const run = new Interleaving(sides, entries, options)
  options.onStart?.(entries)
  try {
    await run.startApps()
    if (first.plan.warmupSuite) {
      await run.warmUp()
      options.onWarmedUp?.()
    }
    run.startedAt = performance.now()
    await configuredRounds(run)
    if (options.adaptive !== undefined && run.allLive()) await extraPairs(run, options.adaptive, run.startedAt)
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    if (error instanceof InterruptedError) run.interrupted(error)
  } finally {
    await run.stopApps()
  }
  return run.states.map((state) => {
    const results = buildResults(state.side, entries, state.rounds, options, state.failure, state.launches)
    return state.failure === undefined ? { results } : { results, failure: state.failure }
  })
}

/** The configured rounds: round 1 of every entry, then round 2 of every entry, and so on. */
async function configuredRounds(run: Interleaving): Promise<void> {
  const maxRounds = Math.max(...run.entries.map((e) => e.scenario.rounds))
  for (let round = 1; round <= maxRounds; round++) {
    for (const entry of run.entries) {
      if (round <= entry.scenario.rounds) await run.pass(entry, round, entry.scenario.rounds)
    }
  }
}

/**
 * Deciding as you go: the extra pairs the schedule of deciding.ts asks for, each entry's decided by
 * the rule handed down in `adaptive`, until it says stop or a side dies.
 */
async function extraPairs(run: Interleaving, adaptive: NonNullable<MeasureOptions['adaptive']>, startedAt: number): Promise<void> {
  const { decided, budgetMs, maxRounds: cap } = adaptive
  const open = (entry: Entry): boolean => stillOpen(run.measured(entry), cap, () => decided(entry, run.roundsOf(entry)))
  let state = startDeciding(run.entries.filter(open), { elapsedMs: performance.now() - startedAt })
  for (let step = nextDecidingStep(state, budgetMs); 'pair' in step; step = nextDecidingStep(state, budgetMs)) {
    const round = run.measured(step.pair) + 1
    const pairStarted = performance.now()
    await run.pass(step.pair, round, round, { extra: true })
    const pairMs = performance.now() - pairStarted
    // A side that died ends deciding: the comparison is no longer side by side.
    if (!run.allLive()) break
    state = afterPair(state, { open: open(step.pair), pairMs, elapsedMs: performance.now() - startedAt })
  }
}

/**
 * The sides of one run and the order they take turns in: each pass measures one round of an entry on
 * every live side, starting after the side measured last. An optional side that fails is set aside;
 * a required one ends the run.
 */
class Interleaving {
  readonly states: SideState[]
  private lastSide: number | undefined
  private done = 0
  /** Passes begun: every pass after the first may start the apps afresh ({@link relaunchOf}). */
  private passes = 0
  /** How long each side's app took to start last (to ready; a relaunch's stop included). */
  private readonly launchMs = new Map<SideState, number>()
  /** Set once a start cost more than `auto` allows: the run keeps its launches from then on. */
  private costlyStart = false
  /** When the first measured round began (after any suite warm-up): progress counts from it. */
  startedAt = performance.now()
  private total: number

  constructor(
    readonly sides: readonly Side[],
    readonly entries: readonly Entry[],
    private readonly options: MeasureOptions,
  ) {
    this.states = sides.map((side) => ({
      side,
      app: new SideApp(side),
      rounds: new Map(entries.map((e) => [e.key, []])),
      launches: 1,
      usage: { ok: 0, cpuMs: 0, warned: false },
    }))
    this.total = sides.length * entries.reduce((sum, e) => sum + e.scenario.rounds, 0)
  }

  live(): SideState[] {
    return this.states.filter((s) => s.failure === undefined)
  }

  allLive(): boolean {
    return this.live().length === this.states.length
  }

  /** The entry's rounds so far, one list per side. */
  roundsOf(entry: Entry): RoundResult[][] {
    return this.states.map((state) => state.rounds.get(entry.key) ?? [])
  }

  /** Rounds of the entry every side has. */
  measured(entry: Entry): number {
    return Math.min(...this.roundsOf(entry).map((r) => r.length))
  }

  async startApps(): Promise<void> {
    for (const state of this.states) {
      await this.attempt(state, async () => {
        const ms = await state.app.start()
        if (ms !== undefined) this.options.onReady?.(ms, state.side.label)
        this.launchMs.set(state, ms ?? Infinity)
      })
    }
  }

  /**
   * The warm-up pass over the whole suite (plan.warmupSuite), interleaved like the rounds. A run of one
   * side warms a fresh app until its throughput settles (config/warm-up.ts): its rounds are compared with
   * another run's, where a cold first round is noise. Sides measured together are not: each pair's
   * first round is its app's first on both sides alike.
   */
  async warmUp(): Promise<void> {
    const settle = this.states.length === 1
    for (const entry of this.entries) {
      for (const state of this.live()) await this.attempt(state, () => state.app.warmUp(entry, { settle }))
    }
  }

  /** One round of `entry` on every live side, in turn; `extra` rounds add to the total shown. */
  async pass(entry: Entry, round: number, of: number, how: { extra?: boolean } = {}): Promise<void> {
    if (how.extra === true) this.total += this.sides.length
    const fresh = this.passes++ > 0 && this.relaunches(entry)
    for (const state of this.inTurn(round)) {
      // Each side's app starts afresh right before its own round, so both rounds of a pair follow
      // their app's start alike (the round's own warm-up is the new process's first load).
      if (fresh) await this.attempt(state, () => this.relaunch(state))
      if (state.failure === undefined) await this.runOne(state, entry, round, of)
    }
  }

  /** Whether the next pair, of `entry`, is measured on apps started afresh ({@link relaunchOf}). */
  private relaunches(entry: Entry): boolean {
    if (this.states.length < 2) return false
    const setting = relaunchOf(this.sides[0]?.plan)
    if (setting !== 'auto') return setting === 'pair'
    const starts = this.states.map((state) => this.launchMs.get(state) ?? Infinity)
    // A group that used no CPU while it served is not the server (idle-app): its server may outlive a
    // stop and hold the port, so auto does not restart what it cannot stop.
    const outside = this.states.some((state) => state.usage.warned)
    this.costlyStart ||= outside || !cheapStarts(starts, entry.scenario.warmupMs + entry.scenario.durationMs)
    return autoRelaunches(this.sides[0]?.plan) && !this.costlyStart
  }

  private async relaunch(state: SideState): Promise<void> {
    const started = performance.now()
    await state.app.relaunch()
    this.launchMs.set(state, performance.now() - started)
    state.launches++
  }

  /** Every live side's failure is the interrupt: the run stopped, whichever side was measured. */
  interrupted(error: AppError): void {
    for (const state of this.live()) state.failure = error
  }

  async stopApps(): Promise<void> {
    await Promise.all(this.states.map((state) => state.app.closeMonitor()))
    await Promise.all(this.states.map((state) => state.app.stop()))
    // A server that outlived its process group holds the port: say so before the next run trips on it.
    for (const state of this.states) {
      const url = await state.app.stillListening()
      if (url !== undefined) this.options.onWarning?.({ kind: 'still-listening', url, ...this.sideOf(state) })
    }
  }

  // Each pair starts with the side after the one measured last: A B, A B, … (see sideOrder).
  private inTurn(round: number): SideState[] {
    if (this.options.order === 'abba') return round % 2 === 1 ? this.live() : [...this.live()].reverse()
    const order = sideOrder(
      this.live().map((state) => this.states.indexOf(state)),
      this.lastSide,
    )
    return order.flatMap((i) => this.states[i] ?? [])
  }

  private async runOne(state: SideState, entry: Entry, round: number, of: number): Promise<void> {
    this.lastSide = this.states.indexOf(state)
    await this.attempt(state, async () => {
      throwIfInterrupted()
      await state.app.beforeRound(entry)
      const result = await measureRound(state.side.plan, entry, round, state.app.app, state.app.monitor, state.app.heapDir)
      state.rounds.get(entry.key)?.push(result)
      this.noticeIdleApp(state, result)
      this.done++
      this.options.onRound?.({
        entry,
        round,
        rounds: of,
        done: this.done,
        total: this.total,
        result,
        ...this.sideOf(state),
        elapsedMs: performance.now() - this.startedAt,
        ...(this.options.adaptive === undefined ? {} : { budgetMs: this.options.adaptive.budgetMs }),
      })
    })
  }

  // An optional side that fails is set aside; a required one ends the whole run.
  private async attempt(state: SideState, work: () => Promise<void>): Promise<void> {
    try {
      await work()
    } catch (error) {
      // An interrupt ends the whole run, whichever side was being measured.
      if (!(error instanceof AppError) || error instanceof InterruptedError) throw error
      state.failure = error
      await state.app.stop()
      if (state.side.optional !== true) throw error
    }
  }

  private noticeIdleApp(state: SideState, result: RoundResult): void {
    if (result.server === undefined || state.usage.warned) return
    state.usage.ok += result.ok
    state.usage.cpuMs += (result.server.cpuPercent * result.durationMs) / 100
    if (state.usage.ok < IDLE_APP_RESPONSES || state.usage.cpuMs > 0) return
    state.usage.warned = true
    this.options.onWarning?.({ kind: 'idle-app', responses: state.usage.ok, ...this.sideOf(state) })
  }

  private sideOf(state: SideState): { side?: string } {
    return state.side.label === undefined ? {} : { side: state.side.label }
  }
}

// How long the first window waits for the speed probe to time its first unit: its Node's start and
// warm-up took a few hundred ms here, and over a second on a busy runner would still leave room.
export const PROBE_READY_TIMEOUT_MS = 10_000

/**
 * One measured window of `scenario` at `level` (a round, or a step of a stress search), bracketed by
 * the server monitor. Throws when the app died during it or the run was interrupted.
 */
async function measureWindow(
  plan: Plan,
  spec: { readonly scenario: ScenarioPlan; readonly level: LoadLevel; readonly what: string },
  app: RunningApp | undefined,
  monitor: GroupMonitor | undefined,
): Promise<MeasuredWindow> {
  // The speed probe's first units before the first window (app.cpus: separate); at once after that.
  await runningSpeedProbe()?.ready(PROBE_READY_TIMEOUT_MS)
  const startedAt = new Date().toISOString()
  let usage: Promise<WindowUsage | undefined> | undefined
  // The window in wall-clock ms, for the speed probe's units (app.cpus: separate).
  let openedMs = NaN
  let closedMs = NaN
  const measurement = await runEntryRound(
    { baseUrl: plan.baseUrl, scenario: spec.scenario, level: spec.level },
    {
      onMeasureStart: () => {
        openedMs = Date.now()
        const probePid = runningSpeedProbe()?.pid()
        monitor?.begin(probePid === undefined ? undefined : [probePid])
      },
      onMeasureEnd: () => {
        closedMs = Date.now()
        usage = monitor?.end()
      },
      shouldAbort: () => app?.exit() !== undefined || interruption() !== undefined,
    },
  )
  const server = await usage
  // A round cut short by an interrupt is shorter than the others: it is dropped, not kept.
  throwIfInterrupted()
  // The main process may outlive the server (a shell or supervisor that keeps running), so a
  // round without a single answer also checks whether anything still listens.
  const silent = measurement.responses === 0 && measurement.errors > 0
  if (app !== undefined && (app.exit() !== undefined || (silent && !(await isListening(plan.baseUrl))))) {
    throw await diedError(app, spec.what)
  }
  const speedProbeUs = runningSpeedProbe()?.between(openedMs, closedMs)
  return {
    startedAt,
    measurement,
    openedMs,
    closedMs,
    ...(server === undefined ? {} : { server }),
    ...(speedProbeUs === undefined ? {} : { speedProbeUs }),
  }
}

async function measureRound(
  plan: Plan,
  entry: Entry,
  round: number,
  app: RunningApp | undefined,
  monitor: GroupMonitor | undefined,
  heapDir?: string,
): Promise<RoundResult> {
  const what = `round ${round} of "${entry.key}"`
  const { stress } = entry.scenario
  if (stress !== undefined) {
    return runStressRound(stress, { round, rules: plan.validity, scenario: entry.scenario }, (scenario, level, step) =>
      measureWindow(plan, { scenario, level, what: `${what}, stress step ${step}` }, app, monitor),
    )
  }
  const { startedAt, measurement, server, speedProbeUs, openedMs, closedMs } = await measureWindow(
    plan,
    { scenario: entry.scenario, level: entry.level, what },
    app,
    monitor,
  )
  const heap = heapDir === undefined ? undefined : await readHeapPoints(heapDir, openedMs, closedMs)
  const assessed = assessRound(measurement, {
    round,
    startedAt,
    level: entry.level,
    rules: plan.validity,
    ...(server === undefined ? {} : { server }),
    ...(speedProbeUs === undefined ? {} : { speedProbeUs }),
  })
  return withRoundFindings(entry.scenario, heap === undefined ? assessed : { ...assessed, heap })
}

function buildResults(
  side: Side,
  entries: readonly Entry[],
  rounds: ReadonlyMap<string, readonly RoundResult[]>,
  options: MeasureOptions,
  failure: AppError | undefined,
  launches: number,
): Results {
  const { plan } = side
  const git = side.git ?? options.git
  const summaries = entries
    .filter((entry) => (rounds.get(entry.key)?.length ?? 0) > 0)
    .map((entry) => {
      const entryRounds = rounds.get(entry.key) ?? []
      const findings = entryFindings(entry.scenario, entry.level, entryRounds)
      const { profile } = entry.scenario
      return summariseEntry(
        {
          key: entry.key,
          scenario: entry.scenario.name,
          tags: entry.scenario.tags,
          connections: entry.level.connections,
          ...(entry.level.rate === undefined ? {} : { rate: entry.level.rate }),
          ...(entry.level.bodyBytes === undefined ? {} : { bodyBytes: entry.level.bodyBytes }),
          ...(profile === 'steady' ? {} : { profile }),
          ...(findings === undefined ? {} : { findings }),
          pipelining: entry.scenario.pipelining,
          definitionHash: definitionHash(entry),
          maxErrorRate: plan.validity.maxErrorRate,
          thresholds: entry.scenario.thresholds,
          regression: entry.scenario.regression,
        },
        entryRounds,
      )
    })
  const scaling = scalingSummaries(summaries)
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'cannonade', version: VERSION },
    suite: plan.suite,
    createdAt: new Date().toISOString(),
    configHash: plan.configHash,
    ...(git === undefined ? {} : { git }),
    environment: currentEnvironment(),
    ...(options.shard === undefined ? {} : { shard: options.shard }),
    ...(launches > 1 ? { launches } : {}),
    ...(plan.app?.heapPad === undefined ? {} : { heapPad: plan.app.heapPad }),
    status: failure === undefined ? 'complete' : 'incomplete',
    ...(failure === undefined ? {} : { error: errorMessage(failure) }),
    entries: summaries,
    ...(scaling.length === 0 ? {} : { scaling }),
  }
}
