// A whole measurement run: start the app, then round after round, interleaved round-robin across
// entries so slow drift of the machine (thermal, noisy neighbours) spreads evenly over all of them.
import path from 'node:path'
import { GroupMonitor, type WindowUsage } from '../app/monitor.js'
import { checkAnswers, diedError, isListening, startApp, waitUntilReady, type RunningApp } from '../app/process.js'
import { definitionHash as scenarioDefinitionHash } from '../config/hash.js'
import type { Shard } from '../config/overrides.js'
import type { LoadLevel, Plan, ScenarioPlan } from '../config/plan.js'
import { AppError, errorMessage } from '../errors.js'
import { interruption, InterruptedError, throwIfInterrupted } from '../interrupt.js'
import { currentEnvironment } from '../results/environment.js'
import { entryKey, SCHEMA_VERSION, type Results, type RoundResult } from '../results/format.js'
import { VERSION } from '../version.js'
import { scalingSummaries } from '../results/scaling.js'
import { summariseEntry } from '../results/summary.js'
import { assessRound } from './assess.js'
import { runStressRound } from './profiles/stress.js'
import type { LoadMeasurement } from './round.js'
import { entryFindings, withRoundFindings } from './profiles/findings.js'
import { scenarioAt } from './profiles/volume.js'
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
  const [measured] = await measureSides([{ plan, outDir: options.outDir }], options)
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
  readonly rounds: Map<string, RoundResult[]>
  app?: RunningApp
  monitor?: GroupMonitor
  failure?: AppError
  /** Successful responses and group CPU so far, to notice a group that is not the server. */
  usage: { ok: number; cpuMs: number; warned: boolean }
  /** What the app process has served since it started: nothing, a soak round, or other load. */
  served: 'nothing' | 'soak' | 'other'
  /** Times the app was started, to give each start's log a file of its own. */
  starts: number
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
  const states: SideState[] = sides.map((side) => ({
    side,
    rounds: new Map(entries.map((e) => [e.key, []])),
    usage: { ok: 0, cpuMs: 0, warned: false },
    served: 'nothing',
    starts: 0,
  }))
  const sideOf = (state: SideState): { side?: string } => (state.side.label === undefined ? {} : { side: state.side.label })
  let total = sides.length * entries.reduce((sum, e) => sum + e.scenario.rounds, 0)
  let done = 0
  options.onStart?.(entries)
  const live = (): SideState[] => states.filter((s) => s.failure === undefined)
  // An optional side that fails is set aside; a required one ends the whole run.
  const attempt = async (state: SideState, work: () => Promise<void>): Promise<void> => {
    try {
      await work()
    } catch (error) {
      // An interrupt ends the whole run, whichever side was being measured.
      if (!(error instanceof AppError) || error instanceof InterruptedError) throw error
      state.failure = error
      await state.app?.stop()
      if (state.side.optional !== true) throw error
    }
  }
  const noticeIdleApp = (state: SideState, result: RoundResult): void => {
    if (result.server === undefined || state.usage.warned) return
    state.usage.ok += result.ok
    state.usage.cpuMs += (result.server.cpuPercent * result.durationMs) / 100
    if (state.usage.ok < IDLE_APP_RESPONSES || state.usage.cpuMs > 0) return
    state.usage.warned = true
    options.onWarning?.({ kind: 'idle-app', responses: state.usage.ok, ...sideOf(state) })
  }
  let lastSide: number | undefined
  let startedAt = performance.now()
  const runOne = async (state: SideState, entry: Entry, round: number, of: number): Promise<void> => {
    lastSide = states.indexOf(state)
    await attempt(state, async () => {
      throwIfInterrupted()
      // A soak's slope is the memory its own load leaves behind: its round gets an app process of
      // its own, and the round after it another, so no entry inherits another's heap.
      const soak = entry.scenario.profile === 'soak'
      if (state.app !== undefined && state.served !== 'nothing' && (soak || state.served === 'soak')) await restart(state)
      state.served = soak ? 'soak' : 'other'
      const result = await measureRound(state.side.plan, entry, round, state.app, state.monitor)
      state.rounds.get(entry.key)?.push(result)
      noticeIdleApp(state, result)
      done++
      options.onRound?.({
        entry,
        round,
        rounds: of,
        done,
        total,
        result,
        ...(state.side.label === undefined ? {} : { side: state.side.label }),
        elapsedMs: performance.now() - startedAt,
        ...(options.adaptive === undefined ? {} : { budgetMs: options.adaptive.budgetMs }),
      })
    })
  }
  // Each pair starts with the side after the one measured last: A B, A B, … (see sideOrder).
  const inTurn = (round: number): SideState[] =>
    options.order === 'abba'
      ? round % 2 === 1
        ? live()
        : [...live()].reverse()
      : sideOrder(
          live().map((state) => states.indexOf(state)),
          lastSide,
        ).flatMap((i) => states[i] ?? [])
  const restart = async (state: SideState): Promise<void> => {
    const app = state.side.plan.app
    if (app === undefined) return
    await state.monitor?.close()
    await state.app?.stop()
    state.starts++
    state.app = await startApp(app, app.readyUrl ?? state.side.plan.baseUrl, path.join(state.side.outDir, `app.${state.starts}.log`))
    await waitUntilReady(state.app, app, state.side.plan.baseUrl)
    state.monitor = new GroupMonitor(state.app.pgid)
    state.served = 'nothing'
  }
  try {
    for (const state of states) {
      const app = state.side.plan.app
      if (app === undefined) {
        await attempt(state, () => checkAnswers(state.side.plan.baseUrl))
        continue
      }
      await attempt(state, async () => {
        const started = performance.now()
        state.starts++
        state.app = await startApp(app, app.readyUrl ?? state.side.plan.baseUrl, path.join(state.side.outDir, 'app.log'))
        await waitUntilReady(state.app, app, state.side.plan.baseUrl)
        // Ready on one port, measured on another: say so now, not as "stopped answering" in round 1.
        const { baseUrl } = state.side.plan
        if (app.readyUrl !== undefined && new URL(app.readyUrl).origin !== new URL(baseUrl).origin) {
          await checkAnswers(
            baseUrl,
            `the app is ready at ${app.readyUrl}, but the scenarios go to baseUrl, where nothing listens. Are they on the same port?`,
          )
        }
        state.monitor = new GroupMonitor(state.app.pgid)
        options.onReady?.(performance.now() - started, state.side.label)
      })
    }
    if (first.plan.warmupSuite) {
      for (const entry of entries) {
        for (const state of live()) {
          await attempt(state, () => warmUp(state.side.plan, entry, state.app))
          if (entry.scenario.profile !== 'soak') state.served = 'other'
        }
      }
      options.onWarmedUp?.()
    }
    startedAt = performance.now()
    const maxRounds = Math.max(...entries.map((e) => e.scenario.rounds))
    for (let round = 1; round <= maxRounds; round++) {
      for (const entry of entries) {
        if (round > entry.scenario.rounds) continue
        for (const state of inTurn(round)) await runOne(state, entry, round, entry.scenario.rounds)
      }
    }
    if (options.adaptive !== undefined && live().length === states.length) {
      const { decided, budgetMs, maxRounds: cap } = options.adaptive
      const roundsOf = (entry: Entry): RoundResult[][] => states.map((state) => state.rounds.get(entry.key) ?? [])
      const measuredOf = (entry: Entry): number => Math.min(...roundsOf(entry).map((r) => r.length))
      let open = entries.filter((e) => measuredOf(e) < cap && !decided(e, roundsOf(e)))
      // One pair of rounds per open entry per pass, so undecided entries stay interleaved. A pair is
      // started only if the last one of that entry would still fit in the budget.
      let lastPairMs = 0
      while (open.length > 0 && live().length === states.length) {
        const next: Entry[] = []
        for (const entry of open) {
          if (performance.now() - startedAt + lastPairMs > budgetMs) break
          const round = measuredOf(entry) + 1
          total += sides.length
          const pairStarted = performance.now()
          for (const state of inTurn(round)) await runOne(state, entry, round, round)
          lastPairMs = performance.now() - pairStarted
          if (live().length < states.length) break
          if (round < cap && !decided(entry, roundsOf(entry))) next.push(entry)
        }
        if (performance.now() - startedAt + lastPairMs > budgetMs) break
        open = next
      }
    }
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    if (error instanceof InterruptedError) for (const state of live()) state.failure = error
  } finally {
    await Promise.all(states.map((state) => state.monitor?.close()))
    await Promise.all(states.map((state) => state.app?.stop()))
    // A server that outlived its process group holds the port: say so before the next run trips on it.
    for (const state of states) {
      const app = state.side.plan.app
      if (state.app === undefined || app === undefined) continue
      const url = app.readyUrl ?? state.side.plan.baseUrl
      if (await isListening(url)) options.onWarning?.({ kind: 'still-listening', url, ...sideOf(state) })
    }
  }
  return states.map((state) => {
    const results = buildResults(state.side, entries, state.rounds, options, state.failure)
    return state.failure === undefined ? { results } : { results, failure: state.failure }
  })
}

/**
 * One pass of an entry for its warm-up duration, before round 1, thrown away: the first round is
 * otherwise often slower than the rest while the JIT of the app and of the load generator warms up.
 */
async function warmUp(plan: Plan, entry: Entry, app: RunningApp | undefined): Promise<void> {
  const { amount: _amount, ...scenario } = entry.scenario
  // A soak's own warm-up (30 s by default) already runs before its one long window: a second one
  // here would only lengthen the run.
  if (scenario.warmupMs === 0 || scenario.profile === 'soak') return
  throwIfInterrupted()
  await runEntryRound(
    { baseUrl: plan.baseUrl, scenario: { ...scenario, warmupMs: 0, durationMs: scenario.warmupMs }, level: entry.level },
    { shouldAbort: () => app?.exit() !== undefined || interruption() !== undefined },
  )
  throwIfInterrupted()
  if (app?.exit() !== undefined) throw await diedError(app, `the warm-up of "${entry.key}"`)
}

/** What one measured window saw: the load generator's measurement and the server's usage over it. */
export interface MeasuredWindow {
  readonly startedAt: string
  readonly measurement: LoadMeasurement
  readonly server?: WindowUsage
}

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
  const startedAt = new Date().toISOString()
  let usage: Promise<WindowUsage | undefined> | undefined
  const measurement = await runEntryRound(
    { baseUrl: plan.baseUrl, scenario: spec.scenario, level: spec.level },
    {
      onMeasureStart: () => monitor?.begin(),
      onMeasureEnd: () => (usage = monitor?.end()),
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
  return { startedAt, measurement, ...(server === undefined ? {} : { server }) }
}

async function measureRound(
  plan: Plan,
  entry: Entry,
  round: number,
  app: RunningApp | undefined,
  monitor: GroupMonitor | undefined,
): Promise<RoundResult> {
  const what = `round ${round} of "${entry.key}"`
  const { stress } = entry.scenario
  if (stress !== undefined) {
    return runStressRound(stress, { round, rules: plan.validity, scenario: entry.scenario }, (scenario, level, step) =>
      measureWindow(plan, { scenario, level, what: `${what}, stress step ${step}` }, app, monitor),
    )
  }
  const { startedAt, measurement, server } = await measureWindow(plan, { scenario: entry.scenario, level: entry.level, what }, app, monitor)
  const result = assessRound(measurement, {
    round,
    startedAt,
    level: entry.level,
    rules: plan.validity,
    ...(server === undefined ? {} : { server }),
  })
  return withRoundFindings(entry.scenario, result)
}

function buildResults(
  side: Side,
  entries: readonly Entry[],
  rounds: ReadonlyMap<string, readonly RoundResult[]>,
  options: MeasureOptions,
  failure: AppError | undefined,
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
    status: failure === undefined ? 'complete' : 'incomplete',
    ...(failure === undefined ? {} : { error: errorMessage(failure) }),
    entries: summaries,
    ...(scaling.length === 0 ? {} : { scaling }),
  }
}
