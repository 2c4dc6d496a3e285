// The action: read inputs once, run the pipeline, hand results to the sinks. The one place that
// turns an exception into a failed step.
import * as core from '@actions/core'
import path from 'node:path'
import { loadPlan } from './config/load.js'
import { describePlan } from './config/summary.js'
import { errorMessage } from './errors.js'

/** Everything the action reads from its inputs, read once at the start of run(). */
export interface Inputs {
  /** Path of the config file, relative to working-directory. */
  readonly config: string
  /** Directory the config path and the app command are relative to. */
  readonly workingDirectory: string
}

/** Reads and checks the action's inputs. */
export function getInputs(): Inputs {
  return {
    config: core.getInput('config') || 'cannonade.yml',
    workingDirectory: core.getInput('working-directory') || '.',
  }
}

/** Runs the action; never throws: a failure fails the step with a message. */
export async function run(): Promise<void> {
  try {
    const inputs = getInputs()
    const plan = await loadPlan(path.join(inputs.workingDirectory, inputs.config))
    core.info(describePlan(plan))
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}
