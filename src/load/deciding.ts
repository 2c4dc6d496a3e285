// Deciding as you go, the one rule for every run that measures base and head side by side (the
// action's same-job mode and `cannonade run --against`): after the configured rounds, an entry gets
// one more pair of rounds at a time until the same anytime-valid test that the final comparison
// uses (compare.ts entryDecided, sequential.ts) decides it, it has 50 rounds, or the budget is spent.
import { entryDecided } from '../compare/compare.js'
import { errorBudget, gatedCount } from '../compare/family.js'
import type { Plan } from '../config/plan.js'
import { entriesOf, type MeasureOptions } from './schedule.js'

/** The most rounds a side an entry gets when deciding as it goes (the config's own limit on rounds). */
export const MAX_ADAPTIVE_ROUNDS = 50

/** The `adaptive` options of measureSides for a plan whose sides are [base, head]. */
export function decideAsYouGo(plan: Plan): NonNullable<MeasureOptions['adaptive']> {
  // Split over the same gated metrics as the final comparison counts (compare.ts, family.ts).
  const alarmAlpha = errorBudget(gatedCount(entriesOf(plan).map((e) => e.scenario))).perTest
  return {
    decided: (entry, [base, head]) =>
      base === undefined || head === undefined || entryDecided(base, head, entry.scenario.regression, alarmAlpha),
    budgetMs: plan.budgetMs,
    maxRounds: MAX_ADAPTIVE_ROUNDS,
  }
}
