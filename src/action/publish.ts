// Everything after measuring, shared by `mode: run` and `mode: merge`: make the plan (publish-plan.ts:
// compare with the baseline, what to write, post and decide), then let each sink (sinks.ts) carry out
// its part. What was measured is uploaded whatever fails after it.
import * as core from '@actions/core'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import type { RunContext } from '../github/context.js'
import type { Results } from '../results/document.js'
import { writeResults } from '../results/io.js'
import { OUTPUT, type Inputs } from './inputs.js'
import { StepOutputs } from './outputs.js'
import { ARTIFACT_FILES, planPublish, type PublishPlan } from './publish-plan.js'
import type { ResolvedBaseline } from './resolve-baseline.js'
import { SINKS, step, upload, type Sink, type SinkTarget } from './sinks.js'

export { ARTIFACT_FILES } from './publish-plan.js'
export { upload } from './sinks.js'

/** Where a run writes, and under which names it publishes. */
export interface Destination {
  readonly outDir: string
  readonly artifactName: string
  readonly suite: string
  /** The step outputs; one that cannot be set does not stop the rest of the publishing. */
  readonly outputs: StepOutputs
}

/** Where this run's files go; removes a previous run's files there, so none leaks into this artifact. */
export async function prepareDestination(inputs: Inputs, suite: string): Promise<Destination> {
  const outDir = path.resolve(inputs.workingDirectory, 'cannonade-results')
  await Promise.all(ARTIFACT_FILES.map((f) => rm(path.join(outDir, f), { force: true })))
  return { outDir, artifactName: inputs.artifactName || `cannonade-${suite}`, suite, outputs: new StepOutputs() }
}

/** Writes results.json and sets the results-path output. */
export async function saveResults(destination: Destination, results: Results): Promise<void> {
  const resultsPath = path.join(destination.outDir, 'results.json')
  await writeResults(resultsPath, results)
  destination.outputs.set(OUTPUT.resultsPath, resultsPath)
}

/**
 * Runs the sinks over a plan in order. Each is independent: one failing is a warning and the others
 * still run; only the last, the gate, ends the step (by throwing or failing it).
 */
export async function runSinks(plan: PublishPlan, target: SinkTarget, sinks: readonly Sink[] = SINKS): Promise<void> {
  for (const [i, sink] of sinks.entries()) {
    if (i === sinks.length - 1) await sink.run(plan, target)
    else await step(sink.what, () => sink.run(plan, target))
  }
}

/**
 * Compares saved results with the baseline and publishes the outcome everywhere (report files,
 * artifact, log and job summary, annotations, comment, outputs). Then throws `failure` (the app could
 * not be measured) if given, else applies the gate, and finally fails the step if the push run's
 * artifact or an output could not be written.
 */
export async function publish(
  inputs: Inputs,
  ctx: RunContext,
  destination: Destination,
  results: Results,
  baseline: ResolvedBaseline,
  failure?: Error,
): Promise<void> {
  const { outDir, outputs } = destination
  let plan: PublishPlan
  try {
    plan = planPublish({
      results,
      baseline,
      settings: inputs,
      ctx,
      suite: destination.suite,
      artifactName: destination.artifactName,
      outDir,
      ...(failure === undefined ? {} : { failure }),
    })
  } catch (error) {
    // Nothing to report without a comparison, but what was measured is still kept.
    await upload(destination.artifactName, outDir, ARTIFACT_FILES)
    throw error
  }
  for (const warning of plan.warnings) core.warning(warning)
  await runSinks(plan, { outDir, outputs })
}
