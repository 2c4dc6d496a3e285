// Deciding as you go, the one rule for every run that measures base and head side by side (the
// action's same-job mode and `cannonade run --against`): after the configured rounds, an entry gets
// one more pair of rounds at a time until the same anytime-valid test that the final comparison
// uses (compare.ts entryDecided, sequential.ts) decides it, it has 50 rounds, or the budget is spent.
import { entryDecided } from '../compare/compare.js'
import { suiteBudget } from '../compare/family.js'
import { MAX_ROUNDS } from '../config/overrides.js'
import type { Plan } from '../config/plan.js'
import { entriesOf, type MeasureOptions } from './schedule.js'

/** The most rounds a side an entry gets when deciding as it goes (the config's own limit on rounds). */
export const MAX_ADAPTIVE_ROUNDS: number = MAX_ROUNDS

/** The `adaptive` options of measureSides for a plan whose sides are [base, head]. */
export function decideAsYouGo(plan: Plan): NonNullable<MeasureOptions['adaptive']> {
  // The same split of the suite's bound as the final comparison makes (compare.ts, family.ts): the
  // same entries, the same gated metrics, the same primary metric per loop type.
  const entries = entriesOf(plan)
  const budget = suiteBudget(entries.map((e) => ({ regression: e.scenario.regression, rate: e.level.rate })))
  const shares = new Map(entries.map((e, i) => [e.key, budget.shares[i] ?? {}]))
  return {
    decided: (entry, [base, head]) =>
      base === undefined || head === undefined || entryDecided(base, head, entry.scenario.regression, shares.get(entry.key) ?? {}),
    budgetMs: plan.budgetMs,
    maxRounds: MAX_ADAPTIVE_ROUNDS,
  }
}
