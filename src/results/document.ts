// results.json, version 1: what one run measured, with enough detail (per-round numbers and µs
// histograms) for a later run to compare against it statistically. Described by
// src/results/schema.json; read back only through readResults, which validates.
import type { AbsoluteThreshold, RegressionTolerance } from '../config/plan.js'
import { levelLabel } from '../config/describe-plan.js'
import type { LatencySummary } from './histogram.js'

/** The version written; readers refuse others. */
export const SCHEMA_VERSION = 1

/** The base commit's results beside results.json, when base and head are measured side by side. */
export const BASE_RESULTS_FILE = 'base-results.json'

/** What a suite name may be, in the config and in results files alike (both schemas carry it). */
export const SUITE_NAME = /^[A-Za-z0-9._-]{1,64}$/

/** The machine a run was measured on; two runs on different machines are not directly comparable. */
export interface Environment {
  readonly cpuModel: string
  readonly cores: number
  readonly memoryBytes: number
  /** e.g. `linux 6.1.0 x64` */
  readonly os: string
  readonly node: string
  /** `RUNNER_NAME` etc. when in GitHub Actions. */
  readonly runner?: { readonly name?: string; readonly os?: string; readonly arch?: string; readonly environment?: string }
}

/** What the server used in one round's measured window. */
export interface ServerRound {
  readonly cpuPercent: number
  /** Server CPU time per successful response, µs. */
  readonly cpuUsPerRequest: number
  readonly rssMaxBytes: number
  readonly rssMeanBytes: number
  readonly rssEndBytes: number
  /**
   * The CPU time other processes used on the app's CPUs during the window, as a percentage of those
   * CPUs' time (app.cpus: separate, the app not in a container): work that competed with the app for
   * them. Absent elsewhere and in files written before 2026-12-05.
   */
  readonly othersCpuPercent?: number
  /**
   * The app's access to a CPU during the window, 0–1: its threads' time on a CPU over their time on
   * one and runnable waiting for one (the kernel's schedstat; Linux, the app not in a container). How
   * much of the time the app wanted a CPU it got: other work on its CPUs lowers it, and so do the
   * app's own threads competing with each other, which a change of code can add (bench/cpu-access.ts:
   * a route made to wait moved it 1 %, a busy worker thread 7 %). Same-job takes other work out of
   * paired throughput and latency by it while the head's CPU per request shows no change (compare.ts
   * accessAdjusted, since 2026-12-06). Absent elsewhere and in files written before 2026-12-05 23:00.
   */
  readonly cpuAccess?: number
}

/**
 * What the load generator saw, second by second through a round's measured window (whole seconds
 * only), as parallel lists of integers: element i is second i of the window.
 */
export interface LoadSeries {
  /** Successful responses completed in that second. */
  readonly rps: readonly number[]
  /** Requests that failed in that second: no response, or not the expected one. */
  readonly errors: readonly number[]
  /** Latency of that second's successful responses, µs (0 for a second without any). */
  readonly p50Us: readonly number[]
  readonly p99Us: readonly number[]
}

/** A round's per-second series: the load generator's, and the server's when an app was started. */
export interface RoundSeries extends LoadSeries {
  /** Server CPU in that second, percent of one core, rounded. */
  readonly cpuPercent?: readonly number[]
  /** Server resident memory at the end of that second, KiB. */
  readonly rssKiB?: readonly number[]
}

/** A Node app's JS heap in use right after each full garbage collection, in time order. */
export interface HeapPoints {
  /** Seconds from the start of the round's window. */
  readonly seconds: readonly number[]
  /** The heap in use then (V8's used_heap_size), KiB. */
  readonly usedKiB: readonly number[]
}

/** profile: spike. What one round's burst did (src/load/profiles/spike.ts). */
export interface SpikeRound {
  /** Median per-second p99 before the burst, µs: the level recovery is judged against. */
  readonly beforeP99Us: number
  /** p99 and failed share of the requests of the burst seconds. */
  readonly burstP99Us: number
  readonly burstErrorRate: number
  /**
   * From the end of the burst to the end of the first second from which p99 stays within tolerance,
   * ms, in whole seconds (1000 when the burst left no trace); the time measured after it when p99
   * never came back (`recovered` false).
   */
  readonly recoveryMs: number
  readonly recovered: boolean
}

/**
 * A Theil–Sen slope per minute with its 95 % interval, widened for serial correlation
 * (src/stats/theil-sen.ts).
 */
export interface SlopeFit {
  readonly perMinute: number
  readonly low: number
  readonly high: number
  /** Points the fit used (seconds, or averaged blocks of seconds on a long soak). */
  readonly points: number
  /** Independent points they were worth once their serial correlation is allowed for (absent in older files). */
  readonly effectivePoints?: number
  /** The fit began at this second of the window (memory: its later half); absent when it used all of it. */
  readonly fromSecond?: number
}

/** What an entry's profile found, over its valid rounds. */
export type ProfileSummary =
  | {
      readonly kind: 'spike'
      /** Medians over the rounds of each round's value (SpikeRound). */
      readonly recoveryMs: number
      readonly burstP99Us: number
      readonly burstErrorRate: number
      readonly beforeP99Us: number
      /** Rounds whose p99 never came back within tolerance. */
      readonly unrecovered: number
    }
  | {
      readonly kind: 'soak'
      /** Server RSS growth, bytes per minute; absent when no app was started (nothing sampled). */
      readonly rss?: SlopeFit
      /** A Node app's JS heap after each full garbage collection, bytes per minute (later half of the window). */
      readonly heap?: SlopeFit
      /** p99 latency growth, µs per minute. */
      readonly p99: SlopeFit
    }
  | {
      readonly kind: 'volume'
      readonly bodyBytes: number
      /** Medians over the rounds: request bodies sent, response bytes received, per second. */
      readonly sentBytesPerSec: number
      readonly receivedBytesPerSec: number
    }

/** One round of one entry. */
export interface RoundResult {
  /** 1-based round number within the run. */
  readonly round: number
  readonly startedAt: string
  readonly durationMs: number
  /** Successful responses (meeting the expectation) per second. */
  readonly rps: number
  readonly latencyUs: LatencySummary
  readonly requests: number
  readonly responses: number
  readonly ok: number
  readonly errors: number
  readonly timeouts: number
  readonly unexpectedStatus: number
  readonly bodyMismatches: number
  /** Failed share of requests: errors, timeouts, unexpected status and body mismatches. */
  readonly errorRate: number
  readonly bytes: number
  readonly statusCodes: Readonly<Record<string, number>>
  readonly histogram: string
  readonly loadgenCpuPercent: number
  /**
   * How late the load generator's event loop ran during the window (99th percentile and max, ms).
   * Absent in files written before it was recorded.
   */
  readonly loadgenLoopDelayMs?: { readonly p99: number; readonly max: number }
  readonly server?: ServerRound
  /**
   * The machine's speed on the app's CPUs during the window (app.cpus: separate): the CPU µs the
   * speed probe's reference unit of work (500 digests) took at its mean speed over the window
   * (src/app/speed-probe.ts meanSpeedUs and PRODUCT_PROBE; files written before 2026-12-04 21:00 hold
   * the median). Same-job pairs are adjusted
   * by it (src/compare/speed-adjust.ts). Absent without the probe.
   */
  readonly speedProbeUs?: number
  /** Second by second through the window. Absent in files written before it was recorded. */
  readonly series?: RoundSeries
  /** profile: soak, a Node app: its JS heap right after each full garbage collection in the window (src/app/heap-watch.ts). */
  readonly heap?: HeapPoints
  /** profile: spike. */
  readonly spike?: SpikeRound
  /** False when the numbers cannot be trusted; `problems` says why. Invalid rounds are left out of summaries. */
  readonly valid: boolean
  readonly problems: readonly string[]
  /** Worth knowing but not disqualifying, e.g. a saturated load generator. */
  readonly warnings: readonly string[]
  /**
   * A stress round: the whole search. The round's own numbers above (rps, latency, histogram, server)
   * are those of the step at capacity (of the first step when none held).
   */
  readonly stress?: StressRound
}

/** What a stress step is checked against, and what broke it: a latency limit, the error rate, or an open-loop rate not followed. */
export type StressBreak = 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'mean' | 'errorRate' | 'follow'

/** One load level a stress search measured. */
export interface StressStep {
  /** The load tried: req/s offered (open loop) or connections (closed loop). */
  readonly load: number
  /**
   * `step`: a geometric step; `bisect`: a step between the last that held and the first that broke;
   * `retry`: a load that broke, measured once more (it holds when either measurement held).
   */
  readonly phase: 'step' | 'bisect' | 'retry'
  /** Successful responses per second. */
  readonly rps: number
  /** Requests sent (answered or not) per second: with `load`, whether an open loop kept up. */
  readonly sentPerSecond: number
  readonly p50Us: number
  readonly p95Us: number
  readonly p99Us: number
  readonly errorRate: number
  readonly held: boolean
  /** What broke the SLO, when it did not hold. */
  readonly broke?: readonly StressBreak[]
}

/** One stress round: one search for the capacity. */
export interface StressRound {
  /** What was stepped. */
  readonly loop: 'rate' | 'connections'
  /** The highest throughput (req/s) of a step that held the SLO; 0 when even the first step broke it. */
  readonly capacity: number
  /** The load of that step (0 when none held). */
  readonly capacityLoad: number
  /** Every step held up to the search's `max`: the capacity is at least this, not where the SLO breaks. */
  readonly reachedMax: boolean
  readonly steps: readonly StressStep[]
}

/** A load level of a stress entry over its rounds: medians over the rounds that measured it. */
export interface StressCurvePoint {
  readonly load: number
  /** Rounds that measured this load. */
  readonly rounds: number
  /** Of those, rounds whose step held the SLO. */
  readonly held: number
  readonly rps: number
  readonly p50Us: number
  readonly p99Us: number
  readonly errorRate: number
  /** What broke the SLO at this load, in any round (absent when it held in every round). */
  readonly broke?: readonly StressBreak[]
}

/** A stress entry's capacity over its rounds, and its latency-vs-load curve. */
export interface StressSummary {
  readonly loop: 'rate' | 'connections'
  /** Median capacity over the valid rounds, req/s. */
  readonly capacity: number
  /** Distribution-free interval of the median over rounds (the range below six rounds), req/s. */
  readonly low: number
  readonly high: number
  /** The least chance that [low, high] covers the true median capacity (75 % at 3 rounds, 94 % at 5, ≥ 95 % from 6). */
  readonly coverage: number
  readonly rounds: number
  /** Rounds whose every step held up to `max`: their capacity is a lower bound. */
  readonly reachedMax: number
  /** Every load measured, ascending. */
  readonly curve: readonly StressCurvePoint[]
}

/** Server usage over all valid rounds of an entry. */
export interface ServerSummary {
  /** Median of the rounds' CPU percentages. */
  readonly cpuPercent: number
  /** Median of the rounds' CPU time per response, µs. */
  readonly cpuUsPerRequest: number
  readonly rssMaxBytes: number
  readonly rssMeanBytes: number
  /** End-of-round memory of the last valid round minus the first: a steady climb hints at a leak. */
  readonly rssGrowthBytes: number
}

/** One scenario at one load level, over all its rounds. */
export interface EntryResult {
  /** Stable identity for comparisons: scenario name and load level. */
  readonly key: string
  readonly scenario: string
  readonly tags: readonly string[]
  readonly connections: number
  readonly rate?: number
  /** profile: volume. The body size of this entry, bytes. */
  readonly bodyBytes?: number
  readonly pipelining: number
  /** The scenario's profile; absent for steady (and in files written before profiles). */
  readonly profile?: 'stress' | 'spike' | 'soak' | 'volume'
  /** What the profile found. */
  readonly findings?: ProfileSummary
  /** Hash of what this entry sends (requests, load, durations); differs when the scenario was edited. */
  readonly definitionHash: string
  readonly rounds: readonly RoundResult[]
  /** Median of the valid rounds' rps. */
  readonly rps: number
  /** Median over the valid rounds of each round's percentile: the number compared and checked. */
  readonly latencyUs: LatencySummary
  /** The failed share of all the rounds' requests, invalid rounds included (entry-numbers.ts pooledErrorRate). */
  readonly errorRate: number
  /** Merged µs histogram of the valid rounds. */
  readonly histogram: string
  readonly server?: ServerSummary
  readonly validRounds: number
  /**
   * `validity.maxErrorRate` as configured: a round whose failed share is larger is invalid, and so is
   * the entry whose requests over all rounds failed more than this (thresholds.ts checkEntry). Absent
   * in files written before 2026-12-05.
   */
  readonly maxErrorRate?: number
  /** The scenario's absolute thresholds and regression tolerances, so a results file judges itself. */
  readonly thresholds: readonly AbsoluteThreshold[]
  readonly regression: readonly RegressionTolerance[]
  /** Set for a `profile: stress` entry: its capacity and latency-vs-load curve. */
  readonly stress?: StressSummary
}

/** Throughput and p99 against concurrency for a scenario measured at several connection counts. */
export interface ScalingSummary {
  readonly scenario: string
  /** One point per level, by connections ascending. */
  readonly points: readonly {
    readonly connections: number
    readonly rps: number
    readonly p99Us: number
    /** rps(c) / (c · rps(c₀)/c₀): 1 when throughput grows in proportion to the connections. */
    readonly efficiency: number
  }[]
  /** The first level where p99 rose by a larger factor than throughput did from the level before; absent when none. */
  readonly kneeConnections?: number
}

/** A whole results file. */
export interface Results {
  readonly schemaVersion: typeof SCHEMA_VERSION
  readonly tool: { readonly name: 'cannonade'; readonly version: string }
  readonly suite: string
  readonly createdAt: string
  readonly configHash: string
  readonly git?: { readonly sha?: string; readonly ref?: string }
  readonly environment: Environment
  /**
   * Set when merged from shards that ran on different kinds of machine: each distinct one, the first
   * being `environment`. Entries of different shards are then not directly comparable with each other.
   */
  readonly shardEnvironments?: readonly Environment[]
  /** `complete`, or `incomplete` when the run stopped early (the app died); `error` says why. */
  readonly status: 'complete' | 'incomplete'
  readonly error?: string
  /** Set when this run measured one shard of the suite (`--shard 2/3`); merged results have none. */
  readonly shard?: { readonly index: number; readonly count: number }
  /**
   * Set when the app was started more than once for the measured rounds because same-job mode
   * started it afresh for every pair (`app.relaunch`): how many times it was started.
   */
  readonly launches?: number
  /**
   * Set when same-job mode kept one launch of a Node app a side with glibc's heap top padded
   * (`app.relaunch: auto`, load/schedule.ts withHeapPad): the MALLOC_TOP_PAD_ bytes the app ran with.
   */
  readonly heapPad?: number
  readonly entries: readonly EntryResult[]
  /** One per scenario measured at two or more connection counts (a closed-loop sweep). */
  readonly scaling?: readonly ScalingSummary[]
}

/** The key of an entry: `list users @ 10 conn`, `create user @ 200 req/s`. */
export function entryKey(scenario: string, level: Parameters<typeof levelLabel>[0]): string {
  return `${scenario} @ ${levelLabel(level)}`
}
