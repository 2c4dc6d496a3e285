// The action: read inputs once, run the chosen mode, and turn any exception into a failed step.
import * as core from '@actions/core'
import { commentMode } from './action/comment-mode.js'
import { getInputs } from './action/inputs.js'
import { mergeMode } from './action/merge-mode.js'
import { runMode } from './action/run-mode.js'
import { failureText } from './errors.js'
import { readRunContext } from './github/context.js'

/** Runs the action; never throws: a failure fails the step with a message. */
export async function run(): Promise<void> {
  try {
    const inputs = getInputs()
    const ctx = readRunContext()
    if (inputs.mode === 'comment') await commentMode(inputs, ctx)
    else if (inputs.mode === 'merge') await mergeMode(inputs, ctx)
    else await runMode(inputs, ctx)
  } catch (error) {
    // Internal errors fail the step too, whatever fail-on says, and say they are a bug.
    core.setFailed(failureText(error))
  }
}
