// The sinks that carry out a publishing plan (publish-plan.ts), in the order they run: the artifact
// (files written, then uploaded: it is what keeps the measurement when time runs out), the log and job
// summary, the annotations, the comment, the outputs, and last the gate. A sink never throws for its
// own trouble (it warns and the others run); only the gate ends the step.
import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { uploadFiles, type Uploaded } from '../github/artifact.js'
import { findStickyComment, tokenLogin, upsertComment } from '../github/comment.js'
import { describeHttpError, refusalHint } from '../github/http-error.js'
import { createOctokit } from '../github/octokit.js'
import { errorMessage } from '../errors.js'
import type { StepOutputs } from './outputs.js'
import { OUTPUT } from './inputs.js'
import type { PublishPlan } from './publish-plan.js'
import { writeExports } from '../report/export/exports.js'

/** Where the sinks publish, and what an earlier sink left for a later one. */
export interface SinkTarget {
  readonly outDir: string
  readonly outputs: StepOutputs
  /** Set by the artifact sink: where the artifact went, or undefined when it could not be uploaded. */
  uploaded?: Uploaded | undefined
}

/** One sink: `what` names it in the warning when it fails unexpectedly. */
export interface Sink {
  readonly what: string
  run(plan: PublishPlan, target: SinkTarget): Promise<void>
}

/** Runs one publishing step; its failure is a warning, so every other step still runs. */
export async function step(what: string, work: () => unknown): Promise<void> {
  try {
    await work()
  } catch (error) {
    core.warning(`Cannonade could not ${what}: ${errorMessage(error)}. The other reports are not affected.`)
  }
}

/**
 * Uploads the files of `outDir` that exist as one artifact; a failure is a warning, never fatal.
 * Returns where it went, or undefined when it could not be uploaded.
 */
export async function upload(name: string, outDir: string, files: readonly string[]): Promise<Uploaded | undefined> {
  const present = files.map((f) => path.join(outDir, f)).filter((f) => existsSync(f))
  try {
    const uploaded = await uploadFiles(name, present, outDir)
    core.info(
      `artifact ${name} uploaded (${present.map((f) => path.basename(f)).join(', ')}${uploaded.size === undefined ? '' : `, ${uploaded.size} bytes`})`,
    )
    return uploaded
  } catch (error) {
    core.warning(`Cannonade could not upload the artifact ${name}: ${describeHttpError(error)}. The files stay in ${outDir}.`)
    return undefined
  }
}

// Written whole or not at all: a half-written report or history must not be uploaded as if it were one.
async function writeWhole(file: string, text: string): Promise<void> {
  const partial = `${file}.partial`
  try {
    await writeFile(partial, text)
    await rename(partial, file)
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined)
    throw error
  }
}

/** Writes the plan's files (each on its own: one failing leaves the rest) and uploads the artifact. */
export const artifactSink: Sink = {
  what: 'upload the artifact',
  async run(plan, target) {
    for (const file of plan.files) {
      await step(`write ${file.name}`, async () => {
        const where = path.join(target.outDir, file.name)
        await writeWhole(where, file.render())
        if (file.output !== undefined) target.outputs.set(file.output, where)
      })
    }
    target.uploaded = await upload(plan.artifact.name, target.outDir, plan.artifact.files)
  },
}

/** The files for other tools (`export` input), before the gate: a failing run's JUnit file is what the test report shows. */
export const exportsSink: Sink = {
  what: 'write the exports',
  async run(plan) {
    const { targets, results, baseDir } = plan.exports
    if (targets.length === 0) return
    await step('write the exports', async () => {
      for (const file of await writeExports(targets, plan.comparison, results, baseDir)) core.info(`export: ${file}`)
    })
  },
}

/** The plain-text report in the log, and the markdown one in the job summary (linking to the artifact). */
export const summarySink: Sink = {
  what: 'write the job summary',
  async run(plan, target) {
    await core.group('Cannonade: report', async () => {
      core.info(plan.text)
      // Outside a runner (act, a local dry run) there is no summary file to write to.
      if (process.env['GITHUB_STEP_SUMMARY'] !== undefined)
        await step('write the job summary', () => core.summary.addRaw(plan.report(target.uploaded?.id), true).write())
    })
  },
}

/** One annotation per finding and change point. */
export const annotationsSink: Sink = {
  what: 'annotate',
  async run(plan) {
    for (const group of ['the findings', 'the change points'] as const) {
      const annotations = plan.annotations.filter((a) => a.group === group)
      if (annotations.length === 0) continue
      await step(`annotate ${group}`, () => {
        for (const a of annotations) core[a.level](a.message, { title: a.title })
      })
    }
  },
}

/** Creates or updates the sticky comment, or says why there is none. */
export const commentSink: Sink = {
  what: 'comment on the pull request',
  async run(plan, target) {
    const comment = plan.comment
    if (comment.kind === 'none') return
    if (comment.kind === 'held') {
      core[comment.level](comment.message)
      return
    }
    await step('comment on the pull request', async () => {
      const octokit = createOctokit(comment.token, comment.apiUrl)
      const where = { owner: comment.owner, repo: comment.repo, issueNumber: comment.issueNumber }
      try {
        if (comment.kind === 'update-only') {
          const existing = await findStickyComment(octokit, where, comment.marker, await tokenLogin(octokit))
          if (existing === undefined) return
        }
        const result = await upsertComment(octokit, where, comment.marker, plan.report(target.uploaded?.id))
        core.info(`comment ${result.action}: ${result.url}`)
        target.outputs.set(OUTPUT.commentUrl, result.url)
      } catch (error) {
        const hint = refusalHint(error, 'pull-requests: write')
        core.warning(
          `Cannonade could not comment on #${comment.issueNumber}: ${describeHttpError(error)}.${hint} The report is in the job summary and the artifact.`,
        )
      }
    })
  },
}

/** The verdict, the regressions and the baseline's run as step outputs. */
export const outputsSink: Sink = {
  what: 'set the step outputs',
  run(plan, target) {
    for (const [name, value] of Object.entries(plan.outputs)) target.outputs.set(name, value)
    return Promise.resolve()
  },
}

/**
 * Ends the step: throws the measurement's failure if there was one, else fails the step when the gate
 * fails, then throws when a push run's artifact was lost or an output could not be set.
 */
export const gateSink: Sink = {
  what: 'apply the gate',
  run(plan, target) {
    // A promise either way: the caller awaits the step's end, thrown or not.
    return new Promise((resolve) => {
      const gate = plan.gate
      if (gate.failure !== undefined) throw gate.failure
      if (gate.failText !== undefined) core.setFailed(gate.failText)
      if (gate.artifactRequired !== undefined && target.uploaded === undefined) throw gate.artifactRequired
      target.outputs.check()
      resolve()
    })
  },
}

/** Every sink, in the order publishing runs them; the gate last, since it may end the step. */
export const SINKS: readonly Sink[] = [artifactSink, exportsSink, summarySink, annotationsSink, commentSink, outputsSink, gateSink]
