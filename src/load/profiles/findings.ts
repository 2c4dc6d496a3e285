// What an entry's load profile found, from its rounds: the one place schedule.ts asks.
import type { LoadLevel, ScenarioPlan } from '../../config/plan.js'
import type { ProfileSummary, RoundResult } from '../../results/format.js'
import { median } from '../../stats/stats.js'
import { analyseSpike } from './spike.js'
import { fitSoak } from './soak.js'
import { summariseVolume } from './volume.js'

/** A round with what its profile saw in it (spike: the burst and the recovery). */
export function withRoundFindings(scenario: ScenarioPlan, round: RoundResult): RoundResult {
  if (scenario.spike === undefined || round.series === undefined) return round
  const spike = analyseSpike(round.series, scenario.spike)
  return spike === undefined ? round : { ...round, spike }
}

/** The entry's profile findings over the rounds its numbers come from (the valid ones, else all). */
export function entryFindings(scenario: ScenarioPlan, level: LoadLevel, rounds: readonly RoundResult[]): ProfileSummary | undefined {
  const valid = rounds.filter((r) => r.valid)
  const used = valid.length > 0 ? valid : rounds
  if (scenario.profile === 'spike') {
    const spikes = used.flatMap((r) => (r.spike === undefined ? [] : [r.spike]))
    if (spikes.length === 0) return undefined
    const at = (pick: (s: (typeof spikes)[number]) => number): number => median(spikes.map(pick))
    return {
      kind: 'spike',
      recoveryMs: at((s) => s.recoveryMs),
      burstP99Us: at((s) => s.burstP99Us),
      burstErrorRate: at((s) => s.burstErrorRate),
      beforeP99Us: at((s) => s.beforeP99Us),
      unrecovered: spikes.filter((s) => !s.recovered).length,
    }
  }
  if (scenario.profile === 'soak') {
    const fit = fitSoak(used)
    return fit === undefined ? undefined : { kind: 'soak', ...fit }
  }
  if (scenario.profile === 'volume' && level.bodyBytes !== undefined) return summariseVolume(scenario, level.bodyBytes, used)
  return undefined
}
