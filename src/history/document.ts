// history.json, version 1: the base branch's recent runs, carried forward from each push run's
// artifact to the next, so that a run knows the spread of many runs while downloading one artifact.
// Described by src/history/schema.json; read back only through readHistory (io.ts), which validates:
// it comes from artifacts, and every string in it is untrusted.
import type { ComparedMetric } from '../compare/types.js'

/** The version written; readers refuse others (and rebuild). */
export const HISTORY_VERSION = 1

/** The file's name in the artifact, beside results.json. */
export const HISTORY_FILE = 'history.json'

/** Runs kept unless the `history` input says otherwise: weeks of pushes and a trend, small enough to carry (≈ 1–2 MB for 50 entries). */
export const MAX_HISTORY_RUNS = 100

/** One metric of one entry in one run: the median over its valid rounds and an interval for it. */
export interface HistoryPoint {
  readonly median: number
  /** Distribution-free ≥ 95 % interval of the median from order statistics (build.ts). */
  readonly low: number
  readonly high: number
}

/** One entry (scenario at a load level) of one run. */
export interface HistoryEntry {
  /** The entry's key, as in results.json: `list users @ 10 conn`. */
  readonly key: string
  readonly metrics: Partial<Readonly<Record<ComparedMetric, HistoryPoint>>>
  /**
   * The medians at one machine speed (compare.ts roundsAtSpeed: each round taken to the speed probe's
   * reference reading) of the metrics that follow it, where every valid round read the probe.
   */
  readonly oneSpeed?: Partial<Readonly<Record<ComparedMetric, number>>>
}

/** One run of the base branch. */
export interface HistoryRun {
  /** The commit measured, when known. */
  readonly sha?: string
  /** When the results were created (ISO 8601). */
  readonly date: string
  /** The workflow run, when known (a local run has none). */
  readonly runId?: number
  /** CPU model, cores, OS and Node of the machine: runs on different machines are not alike. */
  readonly runner: string
  readonly entries: readonly HistoryEntry[]
}

/** A whole history file, oldest run first. */
export interface History {
  readonly schemaVersion: typeof HISTORY_VERSION
  readonly suite: string
  readonly runs: readonly HistoryRun[]
}
