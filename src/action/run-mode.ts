// `mode: run`: find the baseline, measure (adding rounds where the verdict is unclear), then publish.
// With `shard`, measure one part of the suite and upload it for a later `mode: merge` job.
import * as core from '@actions/core'
import path from 'node:path'
import { undecided } from '../compare/compare.js'
import { loadPlan } from '../config/load.js'
import { applyOverrides } from '../config/overrides.js'
import type { Plan } from '../config/plan.js'
import { describePlan } from '../config/summary.js'
import type { RunContext } from '../github/context.js'
import { measure, type Measured } from '../load/schedule.js'
import { resultsTable, roundLine } from '../report/terminal.js'
import type { Inputs } from './inputs.js'
import { prepareDestination, publish, saveResults, upload } from './publish.js'
import { resolveBaseline, type ResolvedBaseline } from './resolve-baseline.js'

/** Loads the config with the inputs' overrides (rounds, duration, shard). */
export async function loadConfig(inputs: Inputs): Promise<Plan> {
  const loaded = await loadPlan(path.join(inputs.workingDirectory, inputs.config))
  const plan = applyOverrides(loaded, {
    ...(inputs.rounds === undefined ? {} : { rounds: inputs.rounds }),
    ...(inputs.durationMs === undefined ? {} : { durationMs: inputs.durationMs }),
    ...(inputs.shard === undefined ? {} : { shard: inputs.shard }),
  })
  core.info(describePlan(plan))
  return plan
}

function runMeasurement(plan: Plan, outDir: string, ctx: RunContext, inputs: Inputs, baseline?: ResolvedBaseline): Promise<Measured> {
  return measure(plan, {
    outDir,
    git: { ...(ctx.sha === undefined ? {} : { sha: ctx.sha }), ...(ctx.ref === undefined ? {} : { ref: ctx.ref }) },
    ...(inputs.shard === undefined ? {} : { shard: inputs.shard }),
    onReady: (ms) => core.info(`app ready after ${(ms / 1000).toFixed(1)} s`),
    onRound: (e) => core.info(`[${e.done}/${e.total}] ${roundLine(e.entry.key, e.round, e.rounds, e.result)}`),
    ...(baseline !== undefined && 'results' in baseline ? { extraRounds: { wanted: ([head]) => (head === undefined ? [] : undecided(baseline.results, head)) } } : {}),
  })
}

/** The common start of the shard artifacts' names; `mode: merge` looks for these. */
export function shardArtifactPrefix(artifactName: string): string {
  return `${artifactName}-shard-`
}

/** The artifact name of one shard. */
export function shardArtifactName(artifactName: string, shard: { index: number; count: number }): string {
  return `${shardArtifactPrefix(artifactName)}${shard.index}-of-${shard.count}`
}

/** Runs `mode: run` end to end; throws only for input errors, app failures and the gate. */
export async function runMode(inputs: Inputs, ctx: RunContext): Promise<void> {
  const plan = await core.group('Cannonade: config', () => loadConfig(inputs))
  const destination = await prepareDestination(inputs, plan.suite)
  if (inputs.shard !== undefined) {
    // A shard only measures: the merge job compares, comments and gates the whole suite at once.
    const measured = await core.group('Cannonade: measure', () => runMeasurement(plan, destination.outDir, ctx, inputs))
    await saveResults(destination, measured.results)
    if (measured.results.entries.length > 0) core.info(resultsTable(measured.results))
    await upload(shardArtifactName(destination.artifactName, inputs.shard), destination.outDir, ['results.json', 'app.log'])
    if (measured.failure !== undefined) throw measured.failure
    return
  }
  const baseline = await core.group('Cannonade: baseline', () => resolveBaseline(inputs, ctx, destination.artifactName, plan.suite))
  const measured = await core.group('Cannonade: measure', () => runMeasurement(plan, destination.outDir, ctx, inputs, baseline))
  await saveResults(destination, measured.results)
  await publish(inputs, ctx, destination, measured.results, baseline, measured.failure)
}
