// Deciding as you go, the schedule of every run that measures base and head side by side (the
// action's same-job mode and `cannonade run --against`): after the configured rounds, an entry gets
// one more pair of rounds at a time until the decision rule it is handed says it is decided, it has
// its most rounds, or the budget is spent. The rule itself comes from above (the application layer
// composes it from the comparison, src/pipeline/deciding.ts): the measuring layer only schedules.
//
// The schedule is a pure function, state in and next step out, so that the product's loop
// (schedule.ts) and the replay of recorded rounds (bench/replay.ts) follow the very same steps.

import { MAX_ROUNDS } from '../config/overrides.js'

/** The most rounds a side an entry gets when deciding as it goes (the config's own limit on rounds). */
export const MAX_ADAPTIVE_ROUNDS: number = MAX_ROUNDS

/**
 * Where deciding as you go stands between two pairs of rounds. `queue` holds the entries still
 * undecided, the next first: an entry that stays undecided after its pair goes to the back, so every
 * open entry gets one pair per pass and undecided entries stay interleaved.
 */
export interface DecidingState<K> {
  readonly queue: readonly K[]
  /** Time measured since the run's first round. */
  readonly elapsedMs: number
  /** What the last pair took; before any, what a pair is expected to take (0: unknown). */
  readonly lastPairMs: number
}

/** The next step: measure one more pair of `entry`, or stop, all decided or the budget spent. */
export type DecidingStep<K> = { readonly pair: K } | { readonly stop: 'decided' | 'budget' }

/**
 * The state before the first extra pair: the entries the rule has not decided yet, in suite order,
 * the time measured so far, and what a pair is expected to take (0 when unknown: the product learns
 * it from its first pair; a replay knows it).
 */
export function startDeciding<K>(
  undecided: readonly K[],
  clock: { readonly elapsedMs: number; readonly expectedPairMs?: number },
): DecidingState<K> {
  return { queue: [...undecided], elapsedMs: clock.elapsedMs, lastPairMs: clock.expectedPairMs ?? 0 }
}

/**
 * The next step within `budgetMs`. A pair is started only if one as long as the last would still
 * end within the budget, so the run overshoots by less than one pair.
 */
export function nextDecidingStep<K>(state: DecidingState<K>, budgetMs: number): DecidingStep<K> {
  const [entry] = state.queue
  if (entry === undefined) return { stop: 'decided' }
  if (state.elapsedMs + state.lastPairMs > budgetMs) return { stop: 'budget' }
  return { pair: entry }
}

/**
 * The state after the pair of the queue's first entry: `open` says whether the entry is still
 * undecided (it then goes to the back of the queue), `pairMs` what the pair took, `elapsedMs` the
 * time since the run's first round.
 */
export function afterPair<K>(
  state: DecidingState<K>,
  outcome: { readonly open: boolean; readonly pairMs: number; readonly elapsedMs: number },
): DecidingState<K> {
  const [entry, ...rest] = state.queue
  return {
    queue: outcome.open && entry !== undefined ? [...rest, entry] : rest,
    elapsedMs: outcome.elapsedMs,
    lastPairMs: outcome.pairMs,
  }
}

/** Whether an entry with `measured` rounds a side gets another pair: under the cap and not decided. */
export function stillOpen(measured: number, maxRounds: number, decided: () => boolean): boolean {
  return measured < maxRounds && !decided()
}
