// `cannonade run --against REF`: the precise A/B on a laptop. REF is checked out in a git worktree,
// built with the config's `app.build` (or, when it is absent or `auto`, the build inferred from REF's
// lock files and manifests, src/app/build-detect.ts; nothing found: measured as checked out), and
// started on a port of its own beside this checkout's app; their rounds are interleaved and decided
// as they go, with the same rule and budget as the action's same-job mode. The worktree is removed
// whatever happens (an error, Ctrl-C, a second Ctrl-C).
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DEFAULT_BUILD_TIMEOUT_MS, prepareCheckout } from '../app/checkout.js'
import { compare } from '../compare/compare.js'
import { checkResults } from '../compare/thresholds.js'
import type { Shard } from '../config/overrides.js'
import type { Plan } from '../config/plan.js'
import { AppError, EXIT, InputError } from '../errors.js'
import { gracefully, InterruptedError } from '../interrupt.js'
import { measureBesideBase, type PreparedBase, type SideBySide } from '../pipeline/side-by-side.js'
import { gitInfo } from '../results/git.js'
import { BASE_RESULTS_FILE } from '../results/document.js'
import { writeReportHtml } from './report-html.js'
import { renderMarkdown } from '../report/markdown.js'
import { runWarningText } from '../report/run-warnings.js'
import { renderText } from '../report/text.js'
import { resultsTable } from '../report/terminal.js'
import { comparisonVerdictLine } from '../report/verdict.js'
import { progressPrinter } from './progress.js'
import { writeExports, type ExportTarget } from '../report/export/exports.js'

/** What `run --against` needs besides the plan. */
export interface AgainstOptions {
  readonly ref: string
  readonly outDir: string
  /** Also write the report as GitHub markdown here. */
  readonly markdown?: string
  /** The shard measured, recorded in both results files. */
  readonly shard?: Shard
  /** `--export FORMAT=FILE` targets, written before the verdict decides the exit code. */
  readonly exports?: readonly ExportTarget[]
}

/**
 * Checks the plan can build another checkout: an app, and an `app.build` other than `none`. Throws
 * InputError naming the config field otherwise (exit 2), before anything is checked out. Returns the
 * command, or `infer` for `auto` (what an absent app.build means).
 */
export function checkBuildable(plan: Plan): {
  readonly how: { readonly command: string } | { readonly infer: 'or-skip' }
  readonly dir: string
} {
  const app = plan.app
  if (app === undefined) {
    throw new InputError([
      `${plan.source}: app: --against starts both checkouts' apps, so the config needs an app with a command, got none`,
    ])
  }
  if (app.build.kind === 'none') {
    throw new InputError([
      `${plan.source}: app.build: --against builds the other checkout with this shell command, e.g. "npm ci && npm run build" (or "true" if nothing needs building, or auto to infer it), got "none"`,
    ])
  }
  // With no build found, the checkout is measured as it is: there is no stored baseline to fall back
  // on here, and an app that needs no build (a dependency-free server) still deserves the comparison.
  return { how: app.build.kind === 'command' ? { command: app.build.command } : { infer: 'or-skip' }, dir: app.cwd }
}

/**
 * Checks `ref` out in a worktree beside this checkout and builds it. Throws InputError for a ref
 * git does not know (exit 2), AppError when it cannot be checked out or built.
 */
async function checkOut(plan: Plan, options: AgainstOptions, build: ReturnType<typeof checkBuildable>): Promise<PreparedBase> {
  const { ref } = options
  const checkout = await prepareCheckout({
    ref,
    from: path.dirname(path.resolve(plan.source)),
    head: plan,
    tempDir: os.tmpdir(),
    fetchMissing: false,
    build: { ...build, timeoutMs: DEFAULT_BUILD_TIMEOUT_MS, timeoutSource: 'the build time limit', output: 'stderr' },
    onBuild: (sha, command) => process.stderr.write(`building ${ref} (${sha.slice(0, 7)}) in a worktree: ${command}\n`),
    onNoBuild: (sha, why) =>
      process.stderr.write(
        `${ref} (${sha.slice(0, 7)}) is measured as checked out, not built: ${why}; set app.build if it needs a build\n`,
      ),
  })
  if ('missing' in checkout) {
    if (checkout.badRef === true) throw new InputError([`--against: ${checkout.missing}`])
    throw new AppError(`--against ${ref}: ${checkout.missing}`)
  }
  return {
    side: { plan: checkout.plan, outDir: path.join(options.outDir, 'base'), label: 'base', git: { sha: checkout.sha } },
    sha: checkout.sha,
    ...(checkout.inferred === undefined ? {} : { inferred: checkout.inferred }),
    cleanup: checkout.remove,
  }
}

/** Measures the plan here and at `ref`, side by side; returns the exit code as `run --baseline` does. */
export async function runAgainst(plan: Plan, options: AgainstOptions): Promise<number> {
  const build = checkBuildable(plan)
  const headFile = path.join(options.outDir, 'results.json')
  const baseFile = path.join(options.outDir, BASE_RESULTS_FILE)
  const progress = progressPrinter(process.stderr)
  let measured: SideBySide
  try {
    measured = await gracefully(() =>
      measureBesideBase<never>({
        head: { plan, outDir: options.outDir, label: 'head', git: gitInfo(process.cwd()) },
        prepare: () => checkOut(plan, options, build),
        // No stored baseline to fall back on here: a base that fails ends the run, and says so.
        onBaseFailure: 'stop',
        measure: {
          ...(options.shard === undefined ? {} : { shard: options.shard }),
          onReady: (ms, side) => process.stderr.write(`${side ?? 'app'} ready after ${(ms / 1000).toFixed(1)} s\n`),
          onRound: (event) => progress.onRound(event),
          onWarning: (warning) => process.stderr.write(`\nwarning: ${runWarningText(warning)}\n`),
        },
        onMeasured: () => progress.finish(),
        profileLog: (line) => process.stderr.write(`${line}\n`),
      }),
    )
  } catch (error) {
    // Interrupted while checking out or building: nothing was measured, the worktree is gone.
    if (!(error instanceof InterruptedError)) throw error
    process.stderr.write(`cannonade: ${error.message}\n`)
    return error.exitCode
  }
  const { base, head, sha: baseSha, inferred, cpuProfiles } = measured
  const violations = checkResults(head.results, base.results)
  if (head.results.entries.length > 0) process.stdout.write(`\n${resultsTable(head.results, violations)}\n`)
  const shown = (file: string): string => path.relative(process.cwd(), file) || file
  process.stdout.write(`\nresults: ${shown(headFile)}, base: ${shown(baseFile)}\n`)
  const interrupted = [head.failure, base.failure].find((f) => f instanceof InterruptedError)
  if (!(interrupted instanceof InterruptedError)) {
    if (head.failure !== undefined) throw head.failure
    if (base.failure !== undefined) throw new AppError(`--against ${options.ref} (${baseSha.slice(0, 7)}): ${base.failure.message}`)
  }
  const comparison = compare(base.results, head.results, {
    baselineDescription: `${options.ref} (${baseSha.slice(0, 7)}) measured beside this checkout${inferred === undefined ? '' : `, built with ${inferred}`}`,
    paired: true,
  })
  // An interrupted run's rounds get their report too, as `run` writes one for its own.
  const report = await writeReportHtml(options.outDir, {
    results: head.results,
    comparison,
    base: base.results,
    paired: true,
    ...(cpuProfiles === undefined ? {} : { cpuProfiles }),
  })
  if (report !== undefined) process.stdout.write(`report: ${shown(report)}\n`)
  const exported = await writeExports(options.exports ?? [], comparison, head.results)
  if (exported.length > 0) process.stdout.write(`exports: ${exported.map(shown).join(', ')}\n`)
  if (interrupted instanceof InterruptedError) {
    process.stderr.write(`cannonade: ${interrupted.message}\n`)
    return interrupted.exitCode
  }
  const shownProfiles = cpuProfiles === undefined ? {} : { cpuProfiles }
  process.stdout.write(`\n${renderText(comparison, shownProfiles)}\n`)
  if (options.markdown !== undefined) await writeFile(options.markdown, `${renderMarkdown(comparison, shownProfiles)}\n`)
  process.stdout.write(`${comparisonVerdictLine(comparison)}\n`)
  return comparison.outcome === 'fail' ? EXIT.gateFailed : EXIT.ok
}
