// Why it got slower (issue 21): the one entry point of src/profile/. After a same-job comparison, the
// entries that got slower get one more round per side with a CPU profiler attached; the profiles are
// folded, normalised per request and diffed. The profiled rounds are extra: they never enter the
// results or the comparison, so profiling can never change a verdict.
//
// Call site: the side-by-side pipeline (src/pipeline/side-by-side.ts), after both results files are
// written and while the base's checkout still exists, for the CLI's `run --against` and the action's
// same-job mode alike; the report it returns goes to the renderers (renderText, renderMarkdown's and
// report.html's `cpuProfiles`), and the action puts the raw files in its artifact.
import path from 'node:path'
import type { Comparison } from '../compare/types.js'
import type { Plan } from '../config/plan.js'
import { errorMessage } from '../errors.js'
import { interruption } from '../interrupt.js'
import { entriesOf } from '../load/schedule.js'
import { diffProfiles, type ProfileDiff } from './diff.js'
import { chooseProfiler, type Profiler } from './profilers.js'
import { profileRounds } from './rounds.js'
import { entriesToProfile } from './select.js'

export type { ProfileDiff, FunctionChange, FlameNode } from './diff.js'

/** The directory under the run's output directory that holds the raw profiles. */
export const PROFILES_DIR = 'profiles'

/** One profiled entry: its diff, or why there is none; the raw files, relative to the output directory. */
export interface EntryProfile {
  readonly key: string
  readonly diff?: ProfileDiff
  readonly problem?: string
  readonly files: readonly string[]
  /**
   * The compared pairs' change of CPU per request for the entry (head/base − 1 and its interval),
   * when they measured it: what the profiled rounds' own totals are read against.
   */
  readonly measuredCpu?: { readonly change: number; readonly low: number; readonly high: number }
  /** The profiled rounds' requests and seconds, per side (labelled extra rounds, not compared). */
  readonly rounds?: {
    readonly base: { readonly requests: number; readonly durationMs: number }
    readonly head: { readonly requests: number; readonly durationMs: number }
  }
}

/** What profiling found, for the reports. */
export interface CpuProfileReport {
  /** `node --cpu-prof`, `perf record`, or `your command`. */
  readonly profiler?: string
  /** Why no profile was taken, in one line (no profiler here, app.profile: none). */
  readonly unavailable?: string
  readonly entries: readonly EntryProfile[]
}

/** One side as measured: its plan and label. */
export interface ProfileRequestSide {
  readonly plan: Plan
  readonly label: 'base' | 'head'
}

/** What profileRegressions needs. */
export interface ProfileRequest {
  readonly comparison: Comparison
  readonly sides: readonly [ProfileRequestSide, ProfileRequestSide]
  /** The run's output directory: profiles go to `outDir/profiles/<side>/`. */
  readonly outDir: string
  /** Progress, one line at a time. */
  readonly log: (line: string) => void
  /** Chooses the profiler (tests pass one); default: app.profile, else by the app's command. */
  readonly choose?: (plan: Plan) => Profiler | { readonly none: string }
}

function describe(profiler: Profiler): string {
  return profiler.kind === 'node' ? 'node --cpu-prof' : profiler.kind === 'perf' ? 'perf record' : 'your command'
}

/**
 * Profiles the entries of `comparison` that got slower (src/profile/select.ts) and diffs base against
 * head. Returns undefined when no entry got slower. Never throws for a profiler or an app failing
 * (that entry gets a `problem`); throws InterruptedError when the run is interrupted.
 */
export async function profileRegressions(request: ProfileRequest): Promise<CpuProfileReport | undefined> {
  const keys = entriesToProfile(request.comparison)
  if (keys.length === 0) return undefined
  const [base, head] = request.sides
  const app = head.plan.app
  if (app === undefined) return { unavailable: 'the config starts no app, so there is no process to profile', entries: [] }
  const chosen = request.choose?.(head.plan) ?? chooseProfiler(app)
  if ('none' in chosen) {
    request.log(`no CPU profile of the slower entries: ${chosen.none}`)
    return { unavailable: chosen.none, entries: [] }
  }
  const wanted = new Set(keys)
  const entries = entriesOf(head.plan).filter((e) => wanted.has(e.key))
  const dir = path.join(request.outDir, PROFILES_DIR)
  request.log(
    `profiling ${entries.length === 1 ? 'the slower entry' : `${entries.length} slower entries`} with ${describe(chosen)}: one extra round per side, not compared`,
  )
  let profiled
  try {
    profiled = await profileRounds(
      [
        { label: 'base', plan: base.plan, dir: path.join(dir, 'base') },
        { label: 'head', plan: head.plan, dir: path.join(dir, 'head') },
      ],
      entries,
      chosen,
    )
  } catch (error) {
    if (interruption() !== undefined) throw error
    return { profiler: describe(chosen), unavailable: `profiling failed: ${errorMessage(error)}`, entries: [] }
  }
  const relative = (file: string): string => path.relative(request.outDir, file)
  const results: EntryProfile[] = entries.map((entry) => {
    const found = profiled.get(entry.key)
    const files = [...(found?.base?.files ?? []), ...(found?.head?.files ?? [])].map(relative)
    const b = found?.base
    const h = found?.head
    if (b === undefined || h === undefined) return { key: entry.key, problem: found?.problem ?? 'a side was not profiled', files }
    if (b.requests === 0 || h.requests === 0) return { key: entry.key, problem: 'a profiled round served no request', files }
    // What the pairs measured of CPU per request: the profiled rounds are scaled at its fitted slope
    // and their total read against its change.
    const cpu = request.comparison.entries.find((e) => e.key === entry.key)?.metrics.find((m) => m.metric === 'cpu')
    return {
      key: entry.key,
      diff: diffProfiles(b, h, cpu?.speedSlope === undefined ? {} : { speedSlope: cpu.speedSlope }),
      files,
      ...(cpu === undefined ? {} : { measuredCpu: { change: cpu.change, low: cpu.low, high: cpu.high } }),
      rounds: { base: { requests: b.requests, durationMs: b.durationMs }, head: { requests: h.requests, durationMs: h.durationMs } },
    }
  })
  return { profiler: describe(chosen), entries: results }
}
