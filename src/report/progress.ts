// Progress of a run in words: rounds done of the total, the time budget spent and left, and when
// the run should end. A run that decides as it goes adds rounds while it runs ("[31/32]", then
// "[33/34]"), so the count alone says nothing about the end; the time does. Pure apart from the
// clock a log is given.
import type { RoundEvent } from '../load/schedule.js'
import { roundLine } from './terminal.js'

/** Where a run stands after a round, and what it has left. */
export interface ProgressState {
  readonly done: number
  /** Rounds known so far: the planned ones plus those added to decide. */
  readonly total: number
  /** Rounds planned before any were added to decide. */
  readonly planned: number
  /** Time since the first round began, ms. */
  readonly elapsedMs: number
  /** The adaptive time budget, counted from the first round, when the run decides as it goes. */
  readonly budgetMs?: number
  /** Estimated time until the planned rounds are done (0 once they are), ms. */
  readonly plannedLeftMs: number
  /**
   * The most the run can still take, ms: with a budget, until it is spent (or the planned rounds,
   * if they take longer); without one, the planned rounds' estimate.
   */
  readonly atMostMs: number
  /** Share of the run done, 0…1, by time: the count of rounds grows while deciding, time does not. */
  readonly fraction: number
}

/**
 * Where a run stands after `event`. The time per round is the mean so far (elapsed / done), which
 * includes the pauses between rounds; `planned` is the total the first round reported.
 */
export function progressState(event: RoundEvent, planned: number, elapsedMs: number): ProgressState {
  const perRound = event.done > 0 ? elapsedMs / event.done : 0
  const plannedLeftMs = Math.max(0, planned - event.done) * perRound
  const budgetLeft = event.budgetMs === undefined ? undefined : Math.max(0, event.budgetMs - elapsedMs)
  const atMostMs = budgetLeft === undefined ? plannedLeftMs : Math.max(plannedLeftMs, budgetLeft)
  const end = elapsedMs + atMostMs
  return {
    done: event.done,
    total: event.total,
    planned,
    elapsedMs,
    ...(event.budgetMs === undefined ? {} : { budgetMs: event.budgetMs }),
    plannedLeftMs,
    atMostMs,
    fraction: end > 0 ? Math.min(1, elapsedMs / end) : 0,
  }
}

/** `45 s`, `2 min 05 s`, `1 h 04 min`: whole seconds, as a person reads a countdown. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`
}

/** The rounds so far, and how many were added to decide: `31/32 rounds (8 added to decide)`. */
function roundsText(s: ProgressState): string {
  const added = s.total - s.planned
  return `${s.done}/${s.total} rounds${added > 0 ? ` (${added} added to decide)` : ''}`
}

/** Budget spent and left, or the time so far without one. */
function budgetText(s: ProgressState): string {
  if (s.budgetMs === undefined) return `${formatDuration(s.elapsedMs)} so far`
  const left = Math.max(0, s.budgetMs - s.elapsedMs)
  return `budget ${formatDuration(s.elapsedMs)} of ${formatDuration(s.budgetMs)} spent, ${formatDuration(left)} left`
}

/** When the run ends: an estimate for planned rounds, a bound while deciding. */
function etaText(s: ProgressState): string {
  if (s.done >= s.total && s.budgetMs === undefined) return 'done'
  const deciding = s.done >= s.planned
  if (s.budgetMs === undefined) return `ETA ${formatDuration(s.plannedLeftMs)}`
  if (deciding) return `ETA at most ${formatDuration(s.atMostMs)} (sooner once every entry is decided)`
  if (s.atMostMs > s.plannedLeftMs) {
    return `ETA ${formatDuration(s.plannedLeftMs)} for the planned rounds, at most ${formatDuration(s.atMostMs)} if entries stay undecided`
  }
  return `ETA ${formatDuration(s.plannedLeftMs)}`
}

/** One plain line for a log: `progress: 31/32 rounds (8 added to decide) · budget … · ETA …`. */
export function progressLine(s: ProgressState): string {
  return `progress: ${roundsText(s)} · ${budgetText(s)} · ${etaText(s)}`
}

/** Shorter, for the live bar: `31/32 · 4 min 10 s of 5 min 00 s · ≤ 50 s left`. */
function barStatus(s: ProgressState): string {
  const rounds = `${s.done}/${s.total}`
  const spent = s.budgetMs === undefined ? formatDuration(s.elapsedMs) : `${formatDuration(s.elapsedMs)} of ${formatDuration(s.budgetMs)}`
  const deciding = s.budgetMs !== undefined && s.done >= s.planned
  const eta = deciding ? `≤ ${formatDuration(s.atMostMs)} left` : `ETA ${formatDuration(s.plannedLeftMs)}`
  return `${rounds} · ${spent} · ${eta}`
}

/**
 * The live line of a terminal: a bar filled by time, the status, then as much of the last round's
 * line as fits in `width` columns.
 */
export function progressBar(s: ProgressState, lastRound: string, width: number): string {
  const cells = 20
  const filled = Math.round(s.fraction * cells)
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(cells - filled)}]`
  const line = `${bar} ${barStatus(s)} │ ${lastRound}`
  return Array.from(line).slice(0, Math.max(10, width)).join('')
}

/** What a progress log needs from its surroundings; both have defaults. */
export interface ProgressLogOptions {
  /** Milliseconds on a monotonic clock; used when an event carries no elapsed time. */
  readonly now?: () => number
  /** Least time between two progress lines (default {@link PROGRESS_EVERY_MS}). */
  readonly everyMs?: number
}

/** A CI log gets a progress line at most this often: rounds last seconds, a line per round would drown it. */
export const PROGRESS_EVERY_MS = 10_000

/** Follows a run's rounds: the planned total and the clock, for {@link progressState}. */
export class ProgressTracker {
  private planned: number | undefined
  private readonly startedMs: number

  constructor(private readonly now: () => number = () => performance.now()) {
    this.startedMs = now()
  }

  /** The state after a round. */
  update(event: RoundEvent): ProgressState {
    this.planned ??= event.total
    const elapsed = event.elapsedMs ?? this.now() - this.startedMs
    return progressState(event, this.planned, elapsed)
  }
}

/**
 * For a log that cannot redraw (CI, the action's log): each round's line, and a progress line after
 * the first round and then at most every `everyMs`; none after the last round known, which the
 * results follow.
 *
 * @returns the function to give `onRound`
 */
export function progressLog(write: (line: string) => void, options: ProgressLogOptions = {}): (event: RoundEvent) => void {
  const now = options.now ?? (() => performance.now())
  const every = options.everyMs ?? PROGRESS_EVERY_MS
  const tracker = new ProgressTracker(now)
  let lastMs: number | undefined
  return (event) => {
    write(roundLine(event))
    const state = tracker.update(event)
    const at = now()
    const due = lastMs === undefined || at - lastMs >= every
    if (!due || state.done >= state.total) return
    lastMs = at
    write(progressLine(state))
  }
}
