// What publishing will do, decided before anything is done: a pure function from what was measured,
// the baseline, the inputs and the run's context to a plan (the files to write, the report for the
// summary and the comment, the annotations, the comment to post or why not, the outputs and the
// gate). The sinks (sinks.ts) carry it out; each can be tested alone against this plan.
import type { Comparison } from '../compare/types.js'
import { commentMarker } from '../github/comment.js'
import { artifactUrlOf, runUrlOf, type RunContext } from '../github/context.js'
import { EnvironmentError } from '../errors.js'
import { InterruptedError } from '../interrupt.js'
import { HISTORY_FILE } from '../history/document.js'
import type { NewestChanges } from '../history/change-points.js'
import { pushHistory } from '../history/push.js'
import { BASE_RESULTS_FILE, type Results } from '../results/document.js'
import { renderMarkdown } from '../report/markdown.js'
import { renderText } from '../report/text.js'
import { gateFailureText } from '../report/verdict.js'
import { findingSentence } from '../report/violation.js'
import { CHANGE_POINT_TITLE, changePointSentence, changePointsMarkdown, isSlower } from '../report/change-points.js'
import { REPORT_HTML_FILE, renderReportHtml } from '../report/html/report-page.js'
import type { ExportTarget } from '../report/export/exports.js'
import { gateFails, shouldComment } from './gate.js'
import { HANDOFF_FILE, handoffText } from './handoff.js'
import { OUTPUT, type Inputs } from './inputs.js'
import { compareWith, type ResolvedBaseline } from './resolve-baseline.js'

/** The inputs publishing reads. */
export type PublishSettings = Pick<Inputs, 'comment' | 'failOn' | 'historyRuns' | 'token'> &
  Partial<Pick<Inputs, 'exports' | 'workingDirectory'>>

/** Everything a plan is made from. */
export interface PublishInput {
  readonly results: Results
  readonly baseline: ResolvedBaseline
  readonly settings: PublishSettings
  readonly ctx: RunContext
  readonly suite: string
  readonly artifactName: string
  /** Where the files are written; named in the message when a push run's artifact is lost. */
  readonly outDir: string
  /** Why the measurement stopped early (the app crashed, the job was cancelled), if it did. */
  readonly failure?: Error
}

/** A file written into the results directory before the upload. */
export interface PlannedFile {
  readonly name: string
  /** Rendered when written: a file that cannot be rendered is a warning, not a lost run. */
  readonly render: () => string
  /** The step output set to the file's path once it is written. */
  readonly output?: string
}

/** The `export` input's files: paths relative to `baseDir`, made from the comparison and the results. */
export interface ExportPlan {
  readonly targets: readonly ExportTarget[]
  readonly results: Results
  readonly baseDir: string
}

/** A workflow annotation; `group` is what a failing batch is called in the warning. */
export interface Annotation {
  readonly level: 'error' | 'warning' | 'notice'
  readonly message: string
  readonly title: string
  readonly group: 'the findings' | 'the change points'
}

/** What happens to the sticky comment. */
export type CommentPlan =
  | { readonly kind: 'none' }
  /** Not posted, and the log says why at `level`. */
  | { readonly kind: 'held'; readonly level: 'info' | 'notice' | 'warning'; readonly message: string }
  | {
      /** `update-only` corrects an existing comment but starts none (`comment: on-change`, nothing notable). */
      readonly kind: 'post' | 'update-only'
      readonly owner: string
      readonly repo: string
      readonly issueNumber: number
      readonly marker: string
      readonly token: string
      readonly apiUrl: string
    }

/** How the step ends once everything is published. */
export interface GatePlan {
  /** The measurement's own failure, thrown first. */
  readonly failure?: Error
  /** The gate failed: the step fails with this text. */
  readonly failText?: string
  /** A push run whose artifact did not upload fails with this error (the branch's next baseline is lost). */
  readonly artifactRequired?: Error
}

/** Everything publishing will write, post and decide. */
export interface PublishPlan {
  readonly comparison: Comparison
  /** The plain-text report for the log. */
  readonly text: string
  /** The markdown report for the summary and the comment; with the artifact's id once it is uploaded. */
  report(artifactId?: number): string
  /** Warnings to log before anything is written. */
  readonly warnings: readonly string[]
  readonly files: readonly PlannedFile[]
  /** Results for other tools (JUnit, BMF, github-action-benchmark), written before the gate decides. */
  readonly exports: ExportPlan
  /** The artifact's name and the files it takes from the results directory when they exist. */
  readonly artifact: { readonly name: string; readonly files: readonly string[] }
  readonly annotations: readonly Annotation[]
  readonly comment: CommentPlan
  /** Step outputs known before anything is published. */
  readonly outputs: Readonly<Record<string, string>>
  readonly gate: GatePlan
}

/** What the artifact holds, when present: everything measured, the report, the app's log, the hand-off. */
export const ARTIFACT_FILES = [
  'results.json',
  'report.md',
  REPORT_HTML_FILE,
  'app.log',
  HANDOFF_FILE,
  BASE_RESULTS_FILE,
  HISTORY_FILE,
] as const

const FINDING_KINDS = {
  regression: 'regression',
  probable: 'probably slower, undecided',
  threshold: 'threshold',
  unmeasurable: 'not measurable',
} as const

/**
 * The plan for publishing `input`. Throws only when the results cannot be compared with the baseline
 * (then there is nothing to report; the caller still uploads what was measured).
 */
export function planPublish(input: PublishInput): PublishPlan {
  const { results, baseline, settings, ctx, failure } = input
  const comparison = compareWith(baseline, results)
  const marker = commentMarker(input.suite)
  const pr = ctx.pullRequest
  const paired = 'paired' in baseline && baseline.paired === true
  const baseHistory = 'history' in baseline ? baseline.history : undefined
  // Pull requests show each entry's trend over the base branch; push runs report change points instead.
  const trendHistory = pr !== undefined ? baseHistory : undefined
  const cpuProfiles = 'cpuProfiles' in baseline && baseline.cpuProfiles !== undefined ? { cpuProfiles: baseline.cpuProfiles } : {}
  const warnings: string[] = []
  const files: PlannedFile[] = []
  // A push run carries the base branch's history forward and says where it moved beyond the
  // history's spread: the summary and report.md get a section.
  let pushed: ReturnType<typeof pushHistory> | undefined
  if (pr === undefined && !paired) {
    pushed = pushHistory(baseHistory, results, ctx.runId > 0 ? ctx.runId : undefined, settings.historyRuns)
    const history = pushed.history
    // Compact, since it is carried from artifact to artifact.
    files.push({ name: HISTORY_FILE, render: () => `${JSON.stringify(history)}\n` })
    if (pushed.problem !== undefined) warnings.push(`Cannonade could not look for change points: ${pushed.problem}.`)
  }
  const changes = pushed?.changes
  const changeSection = changes === undefined ? '' : changePointsMarkdown(changes, ctx.branch)
  const report = (artifactId?: number): string => {
    const links = {
      run: runUrlOf(ctx, ctx.runId),
      ...(artifactId === undefined ? {} : { artifact: artifactUrlOf(ctx, ctx.runId, artifactId) }),
    }
    const markdown = renderMarkdown(comparison, {
      marker,
      links,
      ...cpuProfiles,
      ...(trendHistory === undefined ? {} : { history: trendHistory }),
    })
    return changeSection === '' ? markdown : `${markdown}\n${changeSection}\n`
  }
  // Rendered now, not when written: a comparison the renderer cannot take fails before anything is written.
  const reportMd = report()
  files.push({ name: 'report.md', render: () => `${reportMd}\n`, output: OUTPUT.reportPath })
  files.push({
    name: REPORT_HTML_FILE,
    render: () => {
      const base = 'results' in baseline ? { base: baseline.results } : {}
      // A pull request's page shows the base branch's trend with this run marked beside it.
      const trend =
        pushed !== undefined ? { history: pushed.history, inHistory: true } : baseHistory !== undefined ? { history: baseHistory } : {}
      return renderReportHtml({ results, comparison, ...base, paired, ...trend, ...cpuProfiles })
    },
  })
  if (pr !== undefined) {
    const handoff = { pullRequest: pr.number, headSha: pr.headSha }
    files.push({ name: HANDOFF_FILE, render: () => handoffText(handoff) })
  }
  const outputs: Record<string, string> = {
    ...('runId' in baseline && baseline.runId !== undefined ? { [OUTPUT.baselineRunId]: String(baseline.runId) } : {}),
    [OUTPUT.verdict]: failure === undefined ? comparison.outcome : 'error',
    [OUTPUT.regressions]: String(comparison.findings.filter((f) => f.kind === 'regression').length),
  }
  return {
    comparison,
    text: renderText(comparison, cpuProfiles),
    report,
    warnings,
    files,
    exports: { targets: input.settings.exports ?? [], results: input.results, baseDir: input.settings.workingDirectory ?? '.' },
    // The raw profiles of a same-job regression travel with the results (they open in DevTools, speedscope).
    artifact: {
      name: input.artifactName,
      files: [...ARTIFACT_FILES, ...(cpuProfiles.cpuProfiles?.entries.flatMap((e) => e.files) ?? [])],
    },
    annotations: [...findingAnnotations(comparison), ...changeAnnotations(changes)],
    comment: commentPlan(input, comparison, marker),
    outputs,
    gate: gatePlan(input, comparison),
  }
}

function findingAnnotations(comparison: Comparison): Annotation[] {
  return comparison.findings.map((finding) => ({
    level: finding.severity === 'fail' ? 'error' : 'warning',
    message: findingSentence(finding),
    title: `Cannonade: ${FINDING_KINDS[finding.kind]}`,
    group: 'the findings',
  }))
}

// A slower base branch is a warning (someone should look at the commit range); a faster one a notice.
function changeAnnotations(found: NewestChanges | undefined): Annotation[] {
  return (found?.changes ?? []).map((change) => ({
    level: isSlower(change) ? 'warning' : 'notice',
    message: changePointSentence(change),
    title: CHANGE_POINT_TITLE,
    group: 'the change points',
  }))
}

function commentPlan(input: PublishInput, comparison: Comparison, marker: string): CommentPlan {
  // A cancelled run's partial report must not replace the comment of the run that superseded it.
  if (input.failure instanceof InterruptedError) {
    return { kind: 'held', level: 'info', message: 'Cannonade was interrupted: no comment; the finished rounds are in the artifact.' }
  }
  const { ctx, settings } = input
  const pr = ctx.pullRequest
  if (pr === undefined) return { kind: 'none' }
  const policy = shouldComment(settings.comment, comparison)
  if (policy === 'skip') return { kind: 'none' }
  if (pr.fromFork) {
    return {
      kind: 'held',
      level: 'notice',
      message:
        'This pull request comes from a fork, so this run cannot comment. The report is in the artifact; ' +
        'a workflow_run workflow with `mode: comment` posts it (see examples/).',
    }
  }
  if (settings.token === '') {
    return {
      kind: 'held',
      level: 'warning',
      message: 'No github-token: the report is in the job summary and the artifact, but not commented.',
    }
  }
  return { kind: policy, owner: ctx.owner, repo: ctx.repo, issueNumber: pr.number, marker, token: settings.token, apiUrl: ctx.apiUrl }
}

function gatePlan(input: PublishInput, comparison: Comparison): GatePlan {
  const { ctx } = input
  return {
    ...(input.failure === undefined ? {} : { failure: input.failure }),
    ...(gateFails(input.settings.failOn, comparison) ? { failText: gateFailureText(comparison) } : {}),
    // A push run's artifact is the base branch's next baseline and history: without it, pull requests
    // quietly compare with an older run (or none) and nobody is told. The step fails so someone re-runs it.
    ...(ctx.eventName === 'push'
      ? {
          artifactRequired: new EnvironmentError(
            `the artifact ${input.artifactName} could not be uploaded, so this push leaves no baseline or history for ${ctx.branch ?? 'its branch'}: pull requests will compare with an older run, or with none. The files are in ${input.outDir}; re-run this job.`,
          ),
        }
      : {}),
  }
}
