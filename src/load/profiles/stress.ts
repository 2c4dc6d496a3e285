// The stress profile: one round is one search for the capacity, the highest throughput at which the
// scenario's SLO still held. Steps of load, each a measured window like a steady round's (warm-up,
// then `step` measured), chosen by src/stats/capacity-search.ts; each step is judged against the SLO
// here. The round's own numbers are those of the step at capacity, so the table, the thresholds and
// the comparison read a stress round like any other, and its whole search is kept beside them.
import type { LoadLevel, ScenarioPlan, StressPlan, ValidityRules } from '../../config/plan.js'
import type { RoundResult, StressBreak, StressRound, StressStep } from '../../results/document.js'
import { round2, round6 } from '../../results/entry-numbers.js'
import { nextStep, outcomes, type SearchStep } from '../../stats/capacity-search.js'
import { assessRound } from '../assess.js'
import type { MeasuredWindow } from '../measured-window.js'

/** Measures one step: the scenario (its duration set to the step's) at a level; `step` counts from 1. */
export type MeasureStep = (scenario: ScenarioPlan, level: LoadLevel, step: number) => Promise<MeasuredWindow>

/** What a stress round needs besides the search settings. */
export interface StressRoundContext {
  readonly round: number
  readonly rules: ValidityRules
  readonly scenario: ScenarioPlan
}

/** The level a step of the search runs at. */
export function stepLevel(stress: StressPlan, load: number): LoadLevel {
  return stress.loop === 'rate' ? { connections: stress.connections, rate: load } : { connections: load }
}

/**
 * What broke the SLO at a step, empty when it held: a latency maximum of the scenario's thresholds
 * exceeded, the error rate above its `errorRate` maximum (or validity's `maxErrorRate`), or, in an
 * open loop, less than `follow` of the offered rate sent and answered successfully.
 */
export function stepBreaks(
  stress: StressPlan,
  load: number,
  step: Pick<RoundResult, 'latencyUs' | 'errorRate' | 'rps' | 'ok'>,
): StressBreak[] {
  const broke: StressBreak[] = []
  for (const limit of stress.slo.latencyUs) {
    if (step.latencyUs[limit.metric] > limit.max) broke.push(limit.metric)
  }
  if (step.ok === 0 || step.errorRate > stress.slo.maxErrorRate) broke.push('errorRate')
  if (stress.loop === 'rate' && step.rps < load * stress.follow) broke.push('follow')
  return broke
}

/**
 * Runs one search and returns it as a round: the numbers of the step with the highest throughput
 * that held the SLO (of the first step when none held, which makes the round invalid), with the
 * whole search in `stress`.
 */
export async function runStressRound(stress: StressPlan, context: StressRoundContext, measure: MeasureStep): Promise<RoundResult> {
  const { amount: _amount, ...steady } = context.scenario
  const scenario: ScenarioPlan = { ...steady, durationMs: stress.stepMs ?? context.scenario.durationMs }
  // A step at capacity follows the offered rate by `follow`; judging it by a stricter rate rule would
  // call the capacity's own round invalid.
  const rules: ValidityRules = { ...context.rules, minRateReached: Math.min(context.rules.minRateReached, stress.follow) }
  const settings = {
    start: stress.start,
    factor: stress.factor,
    max: stress.max,
    bisect: stress.bisect,
    integer: stress.loop === 'connections',
  }
  const searched: SearchStep[] = []
  const steps: StressStep[] = []
  const rounds: RoundResult[] = []
  for (let next = nextStep(settings, searched); next !== undefined; next = nextStep(settings, searched)) {
    const level = stepLevel(stress, next.load)
    const window = await measure(scenario, level, steps.length + 1)
    const round = assessRound(window.measurement, {
      round: context.round,
      startedAt: window.startedAt,
      level,
      rules,
      ...(window.server === undefined ? {} : { server: window.server }),
    })
    const broke = stepBreaks(stress, next.load, round)
    const sent = (round.requests / Math.max(1, round.durationMs)) * 1000
    steps.push({
      load: next.load,
      phase: next.phase,
      rps: round.rps,
      sentPerSecond: round2(sent),
      p50Us: round.latencyUs.p50,
      p95Us: round.latencyUs.p95,
      p99Us: round.latencyUs.p99,
      errorRate: round6(round.errorRate),
      held: broke.length === 0,
      ...(broke.length === 0 ? {} : { broke }),
    })
    searched.push({ load: next.load, held: broke.length === 0 })
    rounds.push(round)
  }
  let best: number | undefined
  steps.forEach((step, i) => {
    if (step.held && (best === undefined || step.rps > (steps[best]?.rps ?? 0))) best = i
  })
  const chosen = rounds[best ?? 0]
  const first = steps[0]
  if (chosen === undefined || first === undefined) throw new Error('a stress search measured no step')
  const capacityStep = best === undefined ? undefined : steps[best]
  const summary: StressRound = {
    loop: stress.loop,
    capacity: capacityStep?.rps ?? 0,
    capacityLoad: capacityStep?.load ?? 0,
    reachedMax: outcomes(searched).every((s) => s.held) && Math.max(...steps.map((s) => s.load)) >= stress.max,
    steps,
  }
  if (capacityStep !== undefined) return { ...chosen, stress: summary }
  const unit = stress.loop === 'rate' ? 'req/s' : 'connections'
  return {
    ...chosen,
    valid: false,
    problems: [
      ...chosen.problems,
      `the SLO broke already at the first step (${first.load} ${unit}): the capacity is below stress.start; lower it`,
    ],
    stress: summary,
  }
}
