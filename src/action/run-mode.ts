// `mode: run`: find the baseline (or measure the base commit beside the head, deciding as it goes), then publish.
// With `shard`, measure one part of the suite and upload it for a later `mode: merge` job.
import * as core from '@actions/core'
import path from 'node:path'
import { loadPlan } from '../config/load.js'
import { applyOverrides } from '../config/overrides.js'
import type { Plan } from '../config/plan.js'
import type { RunContext } from '../github/context.js'
import { EnvironmentError } from '../errors.js'
import { gracefully, InterruptedError } from '../interrupt.js'
import { decideAsYouGo } from '../load/deciding.js'
import { measure, measureSides, type Measured, type Side } from '../load/schedule.js'
import { writeResults } from '../results/io.js'
import { runWarningText } from '../report/run-warnings.js'
import { progressLog } from '../report/progress.js'
import { planText, resultsTable } from '../report/terminal.js'
import { plain } from '../report/text.js'
import type { Inputs } from './inputs.js'
import { prepareDestination, publish, saveResults, upload, type Destination } from './publish.js'
import { baseBuildOf, prepareSameJobBase, type SameJobBase } from './same-job.js'
import { resolveBaseline, type ResolvedBaseline } from './resolve-baseline.js'
import { BASE_RESULTS_FILE } from '../results/format.js'

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

/** The commit being measured, as results files record it. */
function gitOf(ctx: RunContext): { sha?: string; ref?: string } {
  return { ...(ctx.sha === undefined ? {} : { sha: ctx.sha }), ...(ctx.ref === undefined ? {} : { ref: ctx.ref }) }
}

// Against a stored baseline the rounds are fixed: its side cannot grow, and more head rounds do not
// shrink the drift between runs, so adaptive rounds would buy confidence the comparison lacks.
function runMeasurement(plan: Plan, outDir: string, ctx: RunContext, inputs: Inputs): Promise<Measured> {
  return measure(plan, {
    outDir,
    git: gitOf(ctx),
    ...(inputs.shard === undefined ? {} : { shard: inputs.shard }),
    onReady: (ms) => core.info(`app ready after ${(ms / 1000).toFixed(1)} s`),
    onRound: progressLog((line) => core.info(line)),
    onWarning: (w) => core.warning(`Cannonade: ${runWarningText(w)}`),
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

/**
 * Runs `mode: run` end to end; throws only for input errors, app failures and the gate. A cancelled
 * job (SIGINT, then SIGTERM from the runner) stops the app and still saves and uploads the rounds
 * finished so far.
 */
export function runMode(inputs: Inputs, ctx: RunContext): Promise<void> {
  return gracefully(() => measureAndPublish(inputs, ctx))
}

async function measureAndPublish(inputs: Inputs, ctx: RunContext): Promise<void> {
  const plan = await core.group('Cannonade: config', () => loadConfig(inputs))
  const destination = await prepareDestination(inputs, plan.suite)
  if (inputs.shard !== undefined) {
    // A shard only measures: the merge job compares, comments and gates the whole suite at once.
    const measured = await core.group('Cannonade: measure', () => runMeasurement(plan, destination.outDir, ctx, inputs))
    await saveResults(destination, measured.results)
    if (measured.results.entries.length > 0) core.info(resultsTable(measured.results))
    const name = shardArtifactName(destination.artifactName, inputs.shard)
    const uploaded = await upload(name, destination.outDir, ['results.json', 'app.log'])
    if (measured.failure !== undefined) throw measured.failure
    // The merge job reads every shard's artifact and fails naming a missing one; failing here too
    // says which job to re-run, where the merge job could only say which part is absent.
    if (uploaded === undefined) {
      throw new EnvironmentError(
        `the shard artifact ${name} could not be uploaded, so the merge job will miss this part of the suite. The files are in ${destination.outDir}; re-run this job.`,
      )
    }
    destination.outputs.check()
    return
  }
  const how = baselineWay(inputs, ctx, plan)
  let notBeside: Exclude<SameJobBase, { side: Side }> | undefined
  if (how !== 'stored') {
    const base = await core.group('Cannonade: base commit', () => prepareSameJobBase(inputs, ctx, plan, destination.outDir, how))
    if ('side' in base) {
      try {
        await measureBesideBase(inputs, ctx, plan, destination, base, how)
      } finally {
        await base.cleanup()
      }
      return
    }
    if (how === 'same-job') {
      core.warning(`Cannonade: ${base.missing}. Checking absolute thresholds only.`)
      const measured = await core.group('Cannonade: measure', () => runMeasurement(plan, destination.outDir, ctx, inputs))
      await saveResults(destination, measured.results)
      await publish(inputs, ctx, destination, measured.results, { missing: base.missing }, measured.failure)
      return
    }
    // `auto` asked for the best baseline there is: without the base commit, that is the stored one.
    // Said in one line, in the log and the report; a warning only where something was expected to work.
    const line = `Cannonade: ${base.missing}. Comparing with the stored baseline instead.`
    if (base.expected === true) core.info(line)
    else core.warning(line)
    notBeside = base
  }
  const baseline = await core.group('Cannonade: baseline', () => resolveBaseline(inputs, ctx, destination.artifactName, plan.suite))
  const measured = await core.group('Cannonade: measure', () => runMeasurement(plan, destination.outDir, ctx, inputs))
  await saveResults(destination, measured.results)
  await publish(inputs, ctx, destination, measured.results, withFallback(baseline, notBeside), measured.failure)
}

/**
 * How this run gets its baseline: `same-job` as asked; `auto-same-job` for `baseline: auto` on a
 * pull request with an app whose build is known or can be tried (a command in `app.build` or the
 * `baseline-build` input, or `app.build: auto`, the default, inferred from the repository's files),
 * falling back to the stored baseline if the base cannot be measured; else `stored` (an artifact, a
 * file, or none), which `app.build: none` and `baseline: artifact` ask for. Push runs always record
 * and compare with the stored baseline.
 */
function baselineWay(inputs: Inputs, ctx: RunContext, plan: Plan): 'same-job' | 'auto-same-job' | 'stored' {
  if (inputs.baseline.kind === 'same-job') return 'same-job'
  const canBuild = plan.app !== undefined && baseBuildOf(inputs, plan) !== undefined
  return inputs.baseline.kind === 'auto' && ctx.pullRequest !== undefined && canBuild ? 'auto-same-job' : 'stored'
}

// A pull request on `baseline: auto` whose base could not be measured beside the head: the report's
// footer says why in one line (beside where the stored baseline came from, or why there is none),
// and when a build command would have made it, the report's note says how to get the precise mode.
function withFallback(baseline: ResolvedBaseline, notBeside: Exclude<SameJobBase, { side: Side }> | undefined): ResolvedBaseline {
  if (notBeside === undefined) return baseline
  const why = `the base commit was not measured in this job: ${notBeside.missing}`
  const told =
    'missing' in baseline
      ? { ...baseline, missing: `${baseline.missing}; ${why}` }
      : { ...baseline, description: `${baseline.description}; ${why}` }
  return notBeside.suggestAppBuild === true ? { ...told, suggestAppBuild: true } : told
}

// The precise mode: base and head run at once, their rounds interleaved in pairs, deciding as it goes:
// entries still undecided after the configured rounds get one more pair at a time (compare.ts
// entryDecided, an anytime-valid rule; load/deciding.ts) until decided, 50 rounds, or the budget is spent.
async function measureBesideBase(
  inputs: Inputs,
  ctx: RunContext,
  plan: Plan,
  destination: Destination,
  prepared: { readonly side: Side; readonly sha: string; readonly inferred?: string },
  how: 'same-job' | 'auto-same-job',
): Promise<void> {
  const { side: base, sha } = prepared
  const head: Side = {
    plan,
    outDir: destination.outDir,
    label: 'head',
    git: gitOf(ctx),
  }
  const [b, h] = await core.group('Cannonade: measure base and head', () =>
    measureSides([base, head], {
      outDir: destination.outDir,
      onReady: (ms, side) => core.info(`${side ?? 'app'} ready after ${(ms / 1000).toFixed(1)} s`),
      onRound: progressLog((line) => core.info(line)),
      onWarning: (w) => core.warning(`Cannonade: ${runWarningText(w)}`),
      adaptive: decideAsYouGo(plan),
    }),
  )
  if (b === undefined || h === undefined) throw new Error('measureSides lost a side')
  await saveResults(destination, h.results)
  await writeResults(path.join(destination.outDir, BASE_RESULTS_FILE), b.results)
  // An inferred build is named in the footer: the team sees what was run and can overrule it.
  const built = prepared.inferred === undefined ? '' : `, built with ${prepared.inferred}`
  let baseline: ResolvedBaseline = {
    results: b.results,
    description: `base commit ${sha.slice(0, 7)} measured in this job${built}`,
    paired: true,
  }
  // An interrupt stops both sides alike: the base's finished rounds are still a fair baseline.
  if (b.failure !== undefined && !(b.failure instanceof InterruptedError)) {
    const missing = `the base commit ${sha.slice(0, 7)} could not be measured: ${b.failure.message.split('\n')[0] ?? ''}`
    if (how === 'same-job') {
      core.warning(`Cannonade: ${missing}. Checking absolute thresholds only.`)
      baseline = { missing }
    } else {
      core.warning(`Cannonade: ${missing}. Comparing with the stored baseline instead.`)
      const stored = await core.group('Cannonade: baseline', () => resolveBaseline(inputs, ctx, destination.artifactName, plan.suite))
      baseline = withFallback(stored, { missing })
    }
  }
  await publish(inputs, ctx, destination, h.results, baseline, h.failure)
}
