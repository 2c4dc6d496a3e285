// How long a plan will measure: the sum of every round's warm-up and measured window, plus the
// suite's warm-up pass. Printed by `validate` and at the start of a run, and bounded, so that a slip
// (a stress factor of 1.0001 up to 1e6 with 60-minute steps, a sweep of 10,000 levels) is refused
// with the field that caused it instead of running for months.
import { MIN_WARM_UP_SLICES, settlesWarmUp } from './warm-up.js'
import type { Plan, ScenarioPlan } from './plan.js'

/**
 * The most a plan may measure, ms: 6 h, the longest a GitHub-hosted job may run. A plan beyond it
 * cannot finish in any job and is refused as bad input. Setup (starting the app, building the
 * base), time a request-count round takes, and the extra rounds of deciding as you go (`budget`)
 * are not part of it.
 */
export const MAX_PLANNED_MS = 6 * 3_600_000

/** The steps of one stress search at most: every geometric step, one retry, every bisection step. */
export function stressStepsAtMost(stress: NonNullable<ScenarioPlan['stress']>): number {
  const { start, factor, max, bisect } = stress
  const ratio = Math.max(1, max / Math.max(start, Number.MIN_VALUE))
  // Geometric steps from start to max, max included (the last one is clamped onto it).
  let geometric = factor > 1 ? Math.ceil(Math.log(ratio) / Math.log(factor) - 1e-9) + 1 : 1
  // Whole connections move on by at least one each step, so there are never more steps than loads.
  if (stress.loop === 'connections') geometric = Math.min(geometric, Math.floor(max - start) + 1)
  return geometric + 1 + bisect
}

/** What one scenario plans: its measured entries, rounds, and time, ms (warm-ups included). */
export interface ScenarioTime {
  readonly name: string
  readonly index: number
  readonly ms: number
  /** How the time comes about, in words, e.g. "5 rounds × 138,000 stress steps of 60m". */
  readonly why: string
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** A long duration in words: `45 s`, `12 min 30 s`, `2 h 13 min`, `9,200 h`. */
export function humanDurationMs(ms: number): string {
  if (ms < 10_000) return `${Number((ms / 1000).toFixed(1))} s`
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`
  const hours = Math.floor(minutes / 60)
  if (hours >= 100) return `${count(hours)} h`
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
}

/**
 * The planned time of one scenario, warm-up pass included. `settles`: a run of one side that starts
 * its app, whose pass over a steady closed-loop entry lasts at least {@link MIN_WARM_UP_SLICES} of its
 * warm-up (config/warm-up.ts; more while the app still speeds up).
 */
export function scenarioTime(scenario: ScenarioPlan, index: number, warmupSuite: boolean, settles = false): ScenarioTime {
  const entries = scenario.levels.length
  const passes = scenario.levels.map((level) => (settles && settlesWarmUp(scenario, level) ? MIN_WARM_UP_SLICES : 1))
  const suiteWarmup = warmupSuite && scenario.profile !== 'soak' ? scenario.warmupMs * passes.reduce((sum, n) => sum + n, 0) : 0
  if (scenario.stress !== undefined) {
    const steps = stressStepsAtMost(scenario.stress)
    const stepMs = (scenario.stress.stepMs ?? scenario.durationMs) + scenario.warmupMs
    return {
      name: scenario.name,
      index,
      ms: scenario.rounds * steps * stepMs + suiteWarmup,
      why: `${scenario.rounds} round(s) × at most ${count(steps)} stress steps of ${humanDurationMs(stepMs)}`,
    }
  }
  // A round measured by request count takes what the app takes: only its warm-up is known.
  const roundMs = (scenario.amount === undefined ? scenario.durationMs : 0) + scenario.warmupMs
  return {
    name: scenario.name,
    index,
    ms: entries * scenario.rounds * roundMs + suiteWarmup,
    why: `${count(entries)} entr${entries === 1 ? 'y' : 'ies'} × ${scenario.rounds} round(s) of ${humanDurationMs(roundMs)}`,
  }
}

/**
 * The planned time of a whole plan, ms, and of each scenario: measured on one side, which warms an
 * app it starts (`plan.app`) for at least {@link MIN_WARM_UP_SLICES} warm-ups an entry.
 */
export function plannedTime(plan: Pick<Plan, 'scenarios' | 'warmupSuite'> & Partial<Pick<Plan, 'app'>>): {
  readonly ms: number
  readonly scenarios: ScenarioTime[]
} {
  const settles = plan.app !== undefined
  const scenarios = plan.scenarios.map((s, i) => scenarioTime(s, i, plan.warmupSuite, settles))
  return { ms: scenarios.reduce((sum, s) => sum + s.ms, 0), scenarios }
}
