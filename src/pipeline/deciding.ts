// The decision rule of deciding as you go, composed here from the comparison and handed down to the
// measuring layer (load/ knows nothing of compare/): an entry is decided when the same anytime-valid
// test that the final comparison uses (compare.ts entryDecided, sequential.ts) decides it, at the
// same split of the suite's error bound (family.ts).
import { entryDecided } from '../compare/compare.js'
import { suiteBudget } from '../compare/family.js'
import type { Plan } from '../config/plan.js'
import { MAX_ADAPTIVE_ROUNDS } from '../load/deciding.js'
import { entriesOf, type MeasureOptions } from '../load/schedule.js'

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
