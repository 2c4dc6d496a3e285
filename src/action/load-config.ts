// The config as the action reads it: the file named by the inputs, with their overrides applied,
// its warnings and plan said in the log. Shared by every mode that measures or merges.
import * as core from '@actions/core'
import path from 'node:path'
import { loadPlan } from '../config/load.js'
import { applyOverrides } from '../config/overrides.js'
import type { Plan } from '../config/plan.js'
import { planText } from '../report/terminal.js'
import { plain } from '../report/text.js'
import type { Inputs } from './inputs.js'

/** Loads the config with the inputs' overrides (rounds, duration, shard). */
export async function loadConfig(inputs: Inputs): Promise<Plan> {
  const loaded = await loadPlan(path.join(inputs.workingDirectory, inputs.config))
  const plan = applyOverrides(loaded, {
    ...(inputs.rounds === undefined ? {} : { rounds: inputs.rounds }),
    ...(inputs.durationMs === undefined ? {} : { durationMs: inputs.durationMs }),
    ...(inputs.budgetMs === undefined ? {} : { budgetMs: inputs.budgetMs }),
    ...(inputs.shard === undefined ? {} : { shard: inputs.shard }),
  })
  for (const warning of plan.warnings) core.warning(plain(warning))
  core.info(planText(plan))
  return plan
}
