// `mode: run`: find the baseline (or measure the base commit beside the head, deciding as it goes), then publish.
// With `shard`, measure one part of the suite and upload it for a later `mode: merge` job.
import * as core from '@actions/core'
import type { Plan } from '../config/plan.js'
import type { RunContext } from '../github/context.js'
import { EnvironmentError } from '../errors.js'
import { gracefully } from '../interrupt.js'
import { measure, type Measured } from '../load/schedule.js'
import { measureBesideBase, type PreparedBase, type SideBySide } from '../pipeline/side-by-side.js'
import { fallbackLine } from '../report/fallback.js'
import { runWarningText } from '../report/run-warnings.js'
import { progressLog } from '../report/progress.js'
import { resultsTable } from '../report/terminal.js'
import type { Inputs } from './inputs.js'
import { loadConfig } from './load-config.js'
import { prepareDestination, publish, saveResults, upload, type Destination } from './publish.js'
import { baseBuildOf, prepareSameJobBase, type SameJobBase } from './same-job.js'
import { resolveBaseline, type ResolvedBaseline } from './resolve-baseline.js'
import { shardArtifactName } from './shard-artifacts.js'

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

/**
 * Runs `mode: run` end to end; throws for input errors and app failures (a failed gate calls setFailed). A cancelled
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
  let notBeside: NotBeside | undefined
  if (how !== 'stored') {
    const beside = await sameJob(inputs, ctx, plan, destination, how)
    if (!('missing' in beside)) {
      await publish(
        inputs,
        ctx,
        destination,
        beside.head.results,
        await baselineBeside(inputs, ctx, plan, destination, beside, how),
        beside.head.failure,
      )
      return
    }
    if (how === 'same-job') {
      core.warning(fallbackLine(`Cannonade: ${beside.missing}`, 'thresholds only'))
      const measured = await core.group('Cannonade: measure', () => runMeasurement(plan, destination.outDir, ctx, inputs))
      await saveResults(destination, measured.results)
      await publish(inputs, ctx, destination, measured.results, { missing: beside.missing }, measured.failure)
      return
    }
    // `auto` asked for the best baseline there is: without the base commit, that is the stored one.
    // Said in one line, in the log and the report; a warning only where something was expected to work.
    const line = fallbackLine(`Cannonade: ${beside.missing}`, 'stored baseline')
    if (beside.expected === true) core.info(line)
    else core.warning(line)
    notBeside = beside
  }
  const baseline = await core.group('Cannonade: baseline', () => resolveBaseline(inputs, ctx, destination.artifactName, plan.suite))
  const measured = await core.group('Cannonade: measure', () => runMeasurement(plan, destination.outDir, ctx, inputs))
  await saveResults(destination, measured.results)
  await publish(inputs, ctx, destination, measured.results, withFallback(baseline, notBeside), measured.failure)
}

// The precise mode: the base commit built beside the head, both measured at once, their rounds
// interleaved in pairs and decided as they go (src/pipeline/side-by-side.ts).
function sameJob(
  inputs: Inputs,
  ctx: RunContext,
  plan: Plan,
  destination: Destination,
  how: 'same-job' | 'auto-same-job',
): Promise<SideBySide | NotBeside> {
  return measureBesideBase({
    head: { plan, outDir: destination.outDir, label: 'head', git: gitOf(ctx) },
    prepare: () => core.group('Cannonade: base commit', () => prepareSameJobBase(inputs, ctx, plan, destination.outDir, how)),
    // A broken base is not the pull request's fault: the head is measured on and compared otherwise.
    onBaseFailure: 'fall-back',
    measure: {
      onReady: (ms, side) => core.info(`${side ?? 'app'} ready after ${(ms / 1000).toFixed(1)} s`),
      onRound: progressLog((line) => core.info(line)),
      onWarning: (w) => core.warning(`Cannonade: ${runWarningText(w)}`),
    },
    measuring: (work) => core.group('Cannonade: measure base and head', work),
    saveHead: (results) => saveResults(destination, results),
    profileLog: (line) => core.info(`Cannonade: ${line}`),
  })
}

/** Why the base commit was not measured beside the head. */
type NotBeside = Exclude<SameJobBase, PreparedBase>

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
function withFallback(baseline: ResolvedBaseline, notBeside: NotBeside | undefined): ResolvedBaseline {
  if (notBeside === undefined) return baseline
  const why = `the base commit was not measured in this job: ${notBeside.missing}`
  const told =
    'missing' in baseline
      ? { ...baseline, missing: `${baseline.missing}; ${why}` }
      : { ...baseline, description: `${baseline.description}; ${why}` }
  return notBeside.suggestAppBuild === true ? { ...told, suggestAppBuild: true } : told
}

// The baseline of the precise mode: the base's rounds, unless the base failed: then
// `same-job` checks absolute thresholds only and `auto` falls back to the stored baseline.
async function baselineBeside(
  inputs: Inputs,
  ctx: RunContext,
  plan: Plan,
  destination: Destination,
  beside: SideBySide,
  how: 'same-job' | 'auto-same-job',
): Promise<ResolvedBaseline> {
  const { sha } = beside
  if (beside.baseFailure === undefined) {
    // An inferred build is named in the footer: the team sees what was run and can overrule it.
    const built = beside.inferred === undefined ? '' : `, built with ${beside.inferred}`
    return {
      results: beside.base.results,
      description: `base commit ${sha.slice(0, 7)} measured in this job${built}`,
      paired: true,
      ...(beside.cpuProfiles === undefined ? {} : { cpuProfiles: beside.cpuProfiles }),
    }
  }
  const missing = `the base commit ${sha.slice(0, 7)} could not be measured: ${beside.baseFailure.message.split('\n')[0] ?? ''}`
  if (how === 'same-job') {
    core.warning(fallbackLine(`Cannonade: ${missing}`, 'thresholds only'))
    return { missing }
  }
  core.warning(fallbackLine(`Cannonade: ${missing}`, 'stored baseline'))
  const stored = await core.group('Cannonade: baseline', () => resolveBaseline(inputs, ctx, destination.artifactName, plan.suite))
  return withFallback(stored, { missing })
}
