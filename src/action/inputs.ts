// The action's inputs and outputs: names in one place, read and checked once at the start of run().
import * as core from '@actions/core'
import { DEFAULT_BUILD_TIMEOUT_MS } from '../app/checkout.js'
import { parseOverrideTexts, type Shard } from '../config/overrides.js'
import { MAX_MS } from '../config/load.js'
import { parseBoundedDurationMs } from '../config/units.js'
import { InputError } from '../errors.js'
import { MAX_HISTORY_RUNS } from '../history/document.js'
import { parseExports, type ExportTarget } from '../report/export/exports.js'

/** Input names as action.yml declares them. */
export const INPUT = {
  config: 'config',
  workingDirectory: 'working-directory',
  token: 'github-token',
  baseline: 'baseline',
  baselineBranch: 'baseline-branch',
  baselineBuild: 'baseline-build',
  baselineBuildTimeout: 'baseline-build-timeout',
  artifactName: 'artifact-name',
  comment: 'comment',
  failOn: 'fail-on',
  mode: 'mode',
  rounds: 'rounds',
  duration: 'duration',
  budget: 'budget',
  shard: 'shard',
  history: 'history',
  export: 'export',
} as const

/** Output names as action.yml declares them. */
export const OUTPUT = {
  verdict: 'verdict',
  regressions: 'regressions',
  resultsPath: 'results-path',
  reportPath: 'report-path',
  commentUrl: 'comment-url',
  baselineRunId: 'baseline-run-id',
} as const

/**
 * Where the baseline comes from: found automatically, forced from artifacts, none, the base commit
 * measured in this job beside the head, or a file.
 */
export type BaselineSource = { readonly kind: 'auto' | 'artifact' | 'none' | 'same-job' } | { readonly kind: 'file'; readonly path: string }

/** When to post the sticky comment on a pull request. */
export type CommentPolicy = 'auto' | 'always' | 'on-change' | 'never'

/** Everything the action reads from its inputs. */
export interface Inputs {
  /** Config file, relative to workingDirectory. */
  readonly config: string
  /** Directory the config, the app command and the results are relative to. */
  readonly workingDirectory: string
  /** Token for the REST API and artifact downloads; empty means no GitHub calls. */
  readonly token: string
  readonly baseline: BaselineSource
  /** Branch whose latest results are the baseline; empty: the PR's base branch, or the pushed branch. */
  readonly baselineBranch: string
  /** The command that builds the base commit's checkout (e.g. `npm ci`), overriding the config's `app.build`; empty: that. */
  readonly baselineBuild: string
  /** How long the base's build may run before its process group is stopped. */
  readonly baselineBuildTimeoutMs: number
  /** Artifact name; empty: `cannonade-<suite>`. */
  readonly artifactName: string
  readonly comment: CommentPolicy
  /**
   * Lowest outcome that fails the step; `inconclusive` fails like `warn` and also when a gated
   * metric was left undecided (for teams that want every gated metric answered).
   */
  readonly failOn: 'fail' | 'warn' | 'inconclusive' | 'never'
  /**
   * `run` measures; `comment` posts a report made by another (fork) run, from a workflow_run
   * workflow; `merge` combines the shards measured by earlier jobs of this run and reports once.
   */
  readonly mode: 'run' | 'comment' | 'merge'
  readonly rounds?: number
  readonly durationMs?: number
  /** Time budget of deciding as you go (same-job), overriding the config's `budget`. */
  readonly budgetMs?: number
  /** Measure only this shard of the scenarios (`2/4`) and upload it for `mode: merge`. */
  readonly shard?: Shard
  /** Base-branch runs history.json keeps (default {@link MAX_HISTORY_RUNS}). */
  readonly historyRuns: number
  /** Results for other tools (`junit=perf.xml` lines), paths relative to workingDirectory; absent: none. */
  readonly exports?: readonly ExportTarget[]
}

function oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = core.getInput(name).trim() || fallback
  const match = allowed.find((a) => a === value)
  if (match === undefined) throw new InputError([`input '${name}': must be one of ${allowed.join(', ')}, got "${value}"`])
  return match
}

// The characters @actions/artifact refuses in an artifact name (upload/path-and-artifact-name-validation),
// checked before measuring rather than at upload, minutes later. `..` is refused too: the name also
// becomes part of paths (shard artifacts, downloads).
const ARTIFACT_NAME_FORBIDDEN = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/']

function artifactName(): string {
  const name = core.getInput(INPUT.artifactName).trim()
  const bad = ARTIFACT_NAME_FORBIDDEN.find((c) => name.includes(c)) ?? (name.includes('..') ? '..' : undefined)
  if (bad !== undefined) {
    throw new InputError([
      `input '${INPUT.artifactName}': must not contain ${JSON.stringify(bad)} (artifact names cannot hold / \\ : * ? " < > | or ..), got ${JSON.stringify(name)}`,
    ])
  }
  return name
}

// A job runs for at most 6 hours on GitHub's runners: a longer build timeout means none, as for the budget.
const MAX_JOB_MS = MAX_MS.budget

/** A positive duration input (`500ms`, `5s`, `10m`) of at most `maxMs`; undefined when empty. */
function durationInput(name: string, maxMs: number): number | undefined {
  const text = core.getInput(name).trim()
  return text === '' ? undefined : parseBoundedDurationMs(text, `input '${name}'`, maxMs)
}

/** Reads and checks every input; throws InputError naming the input for a bad value. */
export function getInputs(): Inputs {
  const baselineText = core.getInput(INPUT.baseline).trim() || 'auto'
  const baseline: BaselineSource =
    baselineText === 'auto' || baselineText === 'artifact' || baselineText === 'none' || baselineText === 'same-job'
      ? { kind: baselineText }
      : { kind: 'file', path: baselineText }
  const given = (name: string): string | undefined => core.getInput(name).trim() || undefined
  const overrides = parseOverrideTexts(
    { rounds: given(INPUT.rounds), duration: given(INPUT.duration), budget: given(INPUT.budget), shard: given(INPUT.shard) },
    (key) => `input '${INPUT[key]}'`,
  )
  const baselineBuildTimeoutMs = durationInput(INPUT.baselineBuildTimeout, MAX_JOB_MS) ?? DEFAULT_BUILD_TIMEOUT_MS
  const historyText = core.getInput(INPUT.history).trim()
  const historyRuns = historyText === '' ? MAX_HISTORY_RUNS : Number(historyText)
  // history.json's schema takes at most 1000 runs; one run is no history (no spread, no trend).
  if (!Number.isInteger(historyRuns) || historyRuns < 2 || historyRuns > 1000) {
    throw new InputError([`input '${INPUT.history}': must be an integer from 2 to 1000 (runs kept), got "${historyText}"`])
  }
  return {
    config: core.getInput(INPUT.config).trim() || 'cannonade.yml',
    workingDirectory: core.getInput(INPUT.workingDirectory).trim() || '.',
    token: core.getInput(INPUT.token).trim(),
    baseline,
    baselineBranch: core.getInput(INPUT.baselineBranch).trim(),
    baselineBuild: core.getInput(INPUT.baselineBuild).trim(),
    baselineBuildTimeoutMs,
    artifactName: artifactName(),
    comment: oneOf(INPUT.comment, ['auto', 'always', 'on-change', 'never'] as const, 'auto'),
    failOn: oneOf(INPUT.failOn, ['fail', 'warn', 'inconclusive', 'never'] as const, 'fail'),
    mode: oneOf(INPUT.mode, ['run', 'comment', 'merge'] as const, 'run'),
    historyRuns,
    exports: parseExports(core.getMultilineInput(INPUT.export), `input '${INPUT.export}'`),
    ...overrides,
  }
}
