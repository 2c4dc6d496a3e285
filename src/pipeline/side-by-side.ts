// Base beside head, the one pipeline of the action's same-job mode and `cannonade run --against`:
// prepare the base's build (the caller knows how: the action fetches the pull request's base, the CLI
// checks out a ref), measure both apps at once with their rounds interleaved A B A B and decided as
// they go (load/schedule.ts, with the rule of ./deciding.ts), write both results files, and remove
// the base's checkout whatever happens. What a failing base does is the caller's policy: the action
// measures the head on alone and compares it with the stored baseline; the CLI stops and says so.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { AppError } from '../errors.js'
import { InterruptedError } from '../interrupt.js'
import { measureSides, withHeapPad, withSeparateCpus, type Measured, type MeasureOptions, type Side } from '../load/schedule.js'
import { BASE_RESULTS_FILE } from '../results/document.js'
import type { Results } from '../results/document.js'
import { writeResults } from '../results/io.js'
import { compare } from '../compare/compare.js'
import { profileRegressions, type CpuProfileReport } from '../profile/index.js'
import { decideAsYouGo } from './deciding.js'

/** The base's build, checked out and ready to measure, and how to remove its checkout. */
export interface PreparedBase {
  /** The base as a side to measure; the pipeline sets whether it is optional, from the policy. */
  readonly side: Side
  /** The commit checked out. */
  readonly sha: string
  /** How its build was inferred, in one line, when it was. */
  readonly inferred?: string
  cleanup(): Promise<void>
}

/**
 * What a base that cannot be started, or dies, does to the run: `fall-back` sets it aside and
 * measures the head on alone (the caller then compares the head with another baseline); `stop`
 * ends the whole run there (the caller reports the failure).
 */
export type BaseFailurePolicy = 'fall-back' | 'stop'

/** Everything the pipeline needs. */
export interface SideBySideOptions<Missing extends { readonly missing: string }> {
  /** The head: the checkout this run is about. Its plan's entries are the suite; results.json goes to its outDir. */
  readonly head: Side
  /** Checks out and builds the base; returns why there is none instead when that is no error. */
  readonly prepare: () => Promise<PreparedBase | Missing>
  readonly onBaseFailure: BaseFailurePolicy
  /** Progress and warnings while measuring, and the shard recorded in both results files. */
  readonly measure?: Pick<MeasureOptions, 'shard' | 'onReady' | 'onRound' | 'onWarning'>
  /** Wraps the measurement (the action's log group); by default it just runs. */
  readonly measuring?: <T>(work: () => Promise<T>) => Promise<T>
  /** Called as soon as the last round is measured, before anything is written (the CLI ends its progress line). */
  readonly onMeasured?: () => void
  /** Writes the head's results; by default to results.json in the head's outDir. */
  readonly saveHead?: (results: Results) => Promise<void>
  /**
   * The step after measuring and writing the results, while the base's checkout still exists:
   * where extra work on both builds belongs (e.g. one profiled round a side). Its failure is the
   * caller's to handle; the checkout is removed either way.
   */
  readonly afterMeasuring?: (measured: SideBySide) => Promise<void>
  /**
   * Where the CPU-profile step says what it does (which profiler, or why none). With it, the
   * entries that got slower get one extra profiled round a side once both are measured
   * (src/profile/): labelled, never compared. Without it, no profiling.
   */
  readonly profileLog?: (line: string) => void
}

/** Both sides measured. */
export interface SideBySide {
  readonly base: Measured
  readonly head: Measured
  /** The two builds as they were measured (the base's plan runs in its own checkout). */
  readonly sides: { readonly base: Side; readonly head: Side }
  readonly sha: string
  readonly inferred?: string
  /**
   * Why the base could not be measured to the end, when it failed (an interrupt is no base
   * failure: it stops both sides alike, and the base's finished rounds are still a fair baseline).
   */
  readonly baseFailure?: AppError
  /** The CPU profiles of the entries that got slower, diffed base against head, when any were taken. */
  readonly cpuProfiles?: CpuProfileReport
}

/**
 * Prepares the base, measures it beside the head deciding as it goes, writes both results files
 * (results.json and the base's beside it) and removes the base's checkout. Returns why there is no
 * base when `prepare` says so; throws only what `prepare`, the writes or `afterMeasuring` throw.
 */
export async function measureBesideBase<Missing extends { readonly missing: string }>(
  options: SideBySideOptions<Missing>,
): Promise<SideBySide | Missing> {
  const prepared = await options.prepare()
  if ('missing' in prepared) return prepared
  try {
    // A Node app on glibc keeps one launch a side with its heap padded (app.relaunch: auto), and the
    // apps run on CPUs of their own with the speed probe beside them (app.cpus: auto), in the measured
    // rounds and the profiled ones alike.
    const asPrepared: Side = { ...prepared.side, optional: options.onBaseFailure === 'fall-back' }
    const [base = asPrepared, head = options.head] = withSeparateCpus(withHeapPad([asPrepared, options.head]))
    await mkdir(base.outDir, { recursive: true })
    const run = (): Promise<Measured[]> =>
      measureSides([base, head], { outDir: head.outDir, ...options.measure, adaptive: decideAsYouGo(head.plan) })
    const [b, h] = await (options.measuring === undefined ? run() : options.measuring(run))
    if (b === undefined || h === undefined) throw new Error('measureSides lost a side')
    options.onMeasured?.()
    await (options.saveHead === undefined ? writeResults(path.join(head.outDir, 'results.json'), h.results) : options.saveHead(h.results))
    await writeResults(path.join(head.outDir, BASE_RESULTS_FILE), b.results)
    const failed = b.failure !== undefined && !(b.failure instanceof InterruptedError)
    // Why it got slower: extra profiled rounds while the base's checkout still exists (src/profile/).
    // Only two complete sides have a comparison to explain.
    const profileLog = options.profileLog
    const cpuProfiles =
      profileLog === undefined || b.failure !== undefined || h.failure !== undefined
        ? undefined
        : await profileRegressions({
            comparison: compare(b.results, h.results, { paired: true }),
            sides: [
              { plan: base.plan, label: 'base' },
              { plan: head.plan, label: 'head' },
            ],
            outDir: head.outDir,
            log: profileLog,
          })
    const measured: SideBySide = {
      base: b,
      head: h,
      sides: { base, head },
      sha: prepared.sha,
      ...(prepared.inferred === undefined ? {} : { inferred: prepared.inferred }),
      ...(failed ? { baseFailure: b.failure } : {}),
      ...(cpuProfiles === undefined ? {} : { cpuProfiles }),
    }
    await options.afterMeasuring?.(measured)
    return measured
  } finally {
    await prepared.cleanup()
  }
}
