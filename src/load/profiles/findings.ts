// What an entry's load profile found, from its rounds: the one place schedule.ts asks. Soak:
// long steady load, the server's memory and p99 fitted with a robust slope per minute
// (results/profile-summary.ts); spike: the burst and recovery of each round (spike.ts); volume:
// bytes per second at each body size (volume.ts).
import type { LoadLevel, ScenarioPlan } from '../../config/plan.js'
import type { ProfileSummary, RoundResult } from '../../results/document.js'
import { findingRounds, fitSoak, summariseSpike } from '../../results/profile-summary.js'
import { analyseSpike } from './spike.js'
import { summariseVolume } from './volume.js'

/** A round with what its profile saw in it (spike: the burst and the recovery). */
export function withRoundFindings(scenario: ScenarioPlan, round: RoundResult): RoundResult {
  if (scenario.spike === undefined || round.series === undefined) return round
  const spike = analyseSpike(round.series, scenario.spike)
  return spike === undefined ? round : { ...round, spike }
}

/** The entry's profile findings over the rounds its numbers come from (the valid ones, else all). */
export function entryFindings(scenario: ScenarioPlan, level: LoadLevel, rounds: readonly RoundResult[]): ProfileSummary | undefined {
  const used = findingRounds(rounds)
  if (scenario.profile === 'spike') return summariseSpike(used)
  if (scenario.profile === 'soak') {
    const fit = fitSoak(used)
    return fit === undefined ? undefined : { kind: 'soak', ...fit }
  }
  if (scenario.profile === 'volume' && level.bodyBytes !== undefined) return summariseVolume(scenario, level.bodyBytes, used)
  return undefined
}
