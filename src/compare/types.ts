// The comparison of a head run against a baseline: plain data that the report renders and the gate
// decides on. Produced by compare() in src/compare/compare.ts.
import type { MetricName, Severity } from '../config/plan.js'
import type { Environment, ProfileSummary, ScalingSummary, StressSummary } from '../results/document.js'
import type { Direction, Verdict } from '../stats/stats.js'
import type { EntryTrend } from './round-trend.js'
import type { SlopeJudgement, Violation } from './thresholds.js'

/**
 * Metrics compared round by round between base and head. `cpu` here is server CPU time per request;
 * `capacity` (profile: stress) the highest load that kept the SLO; `recovery` (profile: spike) the
 * time p99 took to come back after the burst.
 */
export const COMPARED_METRICS = ['rps', 'p50', 'p90', 'p95', 'p99', 'p999', 'errorRate', 'cpu', 'rss', 'capacity', 'recovery'] as const
/** A metric compared between base and head. */
export type ComparedMetric = (typeof COMPARED_METRICS)[number] & MetricName

/** One metric of one entry, base against head. */
export interface MetricComparison {
  readonly metric: ComparedMetric
  readonly direction: Direction
  /** Median over the valid rounds, in the metric's unit (µs, req/s, fraction, µs CPU per request, bytes). */
  readonly base: number
  readonly head: number
  /**
   * Relative change head/base - 1 and its 95 % bootstrap CI (0.05 = 5 % more). For errorRate the
   * change is absolute (percentage points as a fraction), since a baseline of 0 errors has no ratio.
   */
  readonly change: number
  readonly low: number
  readonly high: number
  /**
   * Nominal two-sided level of `low` … `high`: the alarm level of a fixed-sample comparison (its
   * interval decides every verdict); absent for paired rounds, whose shown sequence is 95 %.
   */
  readonly confidence?: number
  /**
   * Undecided, yet the estimate is beyond twice the tolerance on the bad side and a 95 % interval
   * excludes no change: a gated one warns ("probably N× slower"), never passes silently.
   */
  readonly probable?: boolean
  /**
   * Paired rounds whose sequence left the metric undecided when the measurement ended: the verdict
   * and interval are the final look's, a fixed-sample 95 % t-interval over the pairs (sequential.ts).
   */
  readonly finalLook?: boolean
  /** Whether `change`, `low`, `high` are relative (ratio - 1) or absolute differences. */
  readonly relative: boolean
  /**
   * Paired rounds adjusted for the machine's speed (src/compare/speed-adjust.ts): the slope fitted
   * over all the pairs, the metric's log-ratio per unit of the probe's. Absent when not adjusted.
   */
  readonly speedSlope?: number
  /**
   * Paired rounds adjusted for the app's access to its CPUs too (throughput and latency, compare.ts
   * accessAdjusted): the slope fitted over all the pairs, per unit of the access's log-ratio.
   */
  readonly accessSlope?: number
  /**
   * Separate runs that both read the speed probe: the same comparison with every round taken to one
   * machine speed (compare.ts atOneSpeed), which the verdict must agree with; `machine` is how much
   * slower the head's run found the machine than the base's (1.7 = 70 % slower).
   */
  readonly oneSpeed?: {
    readonly change: number
    readonly low: number
    readonly high: number
    readonly verdict: Verdict
    readonly machine: number
    /** The measured values' own verdict (or "probably worse"), where it did not stand at one speed. */
    readonly overruled?: Verdict | 'probable'
    /**
     * Present where the values at one speed decided alone, their base branch's runs having varied
     * less than as measured (compare.ts viewThatDecides): the comparison's own fields are then this
     * view's (its columns at the head run's machine speed), and this is what the values as measured
     * said, with their run-to-run σ.
     */
    readonly measured?: {
      readonly change: number
      readonly low: number
      readonly high: number
      readonly verdict: Verdict
      readonly sigma: number
    }
  }
  /** Exact (small samples) or approximate two-sided Mann-Whitney U p-value. */
  readonly pValue: number
  /** Round-to-round coefficient of variation. */
  readonly cvBase: number
  readonly cvHead: number
  /** Smallest change this pair of samples could resolve (relative), Infinity when unknown. */
  readonly detectable: number
  /** Relative tolerance applied: the configured one, or the reporting default when the metric is not gated. */
  readonly tolerance: number
  readonly severity: Severity
  /** False when no tolerance is configured: the metric is shown but never fails the gate. */
  readonly gated: boolean
  readonly verdict: Verdict
  readonly baseRounds: number
  readonly headRounds: number
  /** Indices (0-based, within valid rounds) of rounds the MAD rule calls outliers. */
  readonly outliers: { readonly base: readonly number[]; readonly head: readonly number[] }
  /** Paired rounds: how many pairs were left out of the interval and the columns as outliers (compare/sequential.ts outlierPairs). */
  readonly outlierPairs?: number
  /**
   * Paired rounds: the 95 % interval (as `low`/`high`) that says whether a regression beyond the
   * tolerance is still plausible, the one deciding as you go stops on (compare.ts entryDecided); at
   * the final look the 90 % t-interval, whose bad end is the one-sided 95 % bound (sequential.ts). It
   * differs from the interval shown where a stricter one confirmed or refused a claimed change.
   */
  readonly clearing?: { readonly low: number; readonly high: number }
  /**
   * The base branch's run-to-run spread included in the interval (stored baselines with a history):
   * σ of the log median between runs, the runs it came from, whether it was assumed for want
   * of history, the outlier runs left out, and whether the cap bound it (compare/run-to-run.ts).
   */
  readonly runToRun?: {
    readonly sigma: number
    readonly runs: number
    readonly assumed: boolean
    readonly outliers?: readonly string[]
    readonly capped?: boolean
    /** The baseline column is the level of the base branch's last this many runs, not the baseline run's. */
    readonly level?: number
  }
}

/** How an entry relates to the baseline. */
export type EntryStatus = 'compared' | 'new' | 'removed' | 'unmeasurable'

/** One entry (scenario at a load level). */
export interface EntryComparison {
  readonly key: string
  readonly scenario: string
  /** `10 conn` or `200 req/s`. */
  readonly load: string
  readonly status: EntryStatus
  /** Empty unless status is `compared`. */
  readonly metrics: readonly MetricComparison[]
  /** Absolute threshold violations of the head run (checked whatever the status). */
  readonly violations: readonly Violation[]
  /** The scenario was edited since the baseline: its regressions warn instead of failing. */
  readonly definitionChanged?: boolean
  /**
   * Separate runs whose apps met different amounts of other work on their CPUs (app.cpus: separate):
   * the median share of those CPUs' time other processes used in each run's rounds, percent. Its
   * throughput and latency regressions warn instead of failing, and claim neither unchanged nor
   * improvement.
   */
  readonly contention?: { readonly base: number; readonly head: number }
  /**
   * Valid rounds of this run (in same-job, of both sides) whose app, keeping a quarter of a core busy or
   * more, shared its CPUs with other work beyond the rounds' warning level, and the largest share.
   */
  readonly sharedCpu?: { readonly rounds: number; readonly most: number }
  /** Same-job: pairs left out because their two rounds' shares of other work differed by more than 15 points from the pairs' usual difference. */
  readonly unevenPairs?: number
  /** This run's headline numbers, for entries shown without a comparison (new, no baseline). */
  readonly current?: { readonly rps: number; readonly errorRate: number }
  /** A monotone drift across this run's rounds (the app's state growing, say), when there is one. */
  readonly trend?: EntryTrend
  /** What the entry's load profile found in this run, and in the baseline's. */
  readonly findings?: ProfileSummary
  readonly baseFindings?: ProfileSummary
  /** A soak's slopes judged against their limits (head minus base in same-job). */
  readonly slopes?: readonly SlopeJudgement[]
  /** Latency percentiles of base and head for the chart, µs (absent when there is no base). */
  readonly percentiles?: {
    readonly base?: Readonly<Record<'p50' | 'p90' | 'p99' | 'p999', number>>
    readonly head: Readonly<Record<'p50' | 'p90' | 'p99' | 'p999', number>>
  }
  /** A stress entry's capacity and latency-vs-load curve, this run's and the baseline's (when it has one). */
  readonly stress?: { readonly base?: StressSummary; readonly head: StressSummary }
}

/** A reason the gate warns or fails, one per regression or violation (report/violation.ts words it). */
export type Finding = RegressionFinding | ProbableFinding | ViolationFinding

interface FindingOf {
  readonly severity: Severity
  readonly entry: string
  readonly metric: MetricName
}

/** A gated metric that regressed beyond its tolerance. */
export interface RegressionFinding extends FindingOf {
  readonly kind: 'regression'
  /** The metric's comparison, which report/change.ts words for logs and annotations. */
  readonly change: MetricComparison
}

/**
 * A gated metric not decided, but probably far worse (MetricComparison.probable): always a warning,
 * so that a gross slowdown is never a silent pass and `fail-on: warn` fails on it.
 */
export interface ProbableFinding extends FindingOf {
  readonly kind: 'probable'
  readonly change: MetricComparison
}

/** An absolute threshold the head run broke, or an entry with no valid round to judge. */
export interface ViolationFinding extends FindingOf {
  readonly kind: 'threshold' | 'unmeasurable'
  readonly violation: Violation
}

/** Where the baseline came from and how far to trust it. */
export interface BaselineInfo {
  /** e.g. `artifact from run 1234 (main @ abc1234)`, `file base.json`. */
  readonly description: string
  readonly sha?: string
  readonly createdAt: string
  readonly environment: Environment
  /** Differences of machine between base and head, in words; empty when alike. */
  readonly environmentDifferences: readonly string[]
  /** The config's measured parts differ (another load, other requests). */
  readonly configChanged: boolean
  /** Regressions are reported as warnings only (a different machine). */
  readonly downgraded: boolean
  /**
   * Present when the base branch's history was used: how many runs it held, and how many are needed
   * before the spread is estimated rather than assumed.
   */
  readonly runToRun?: { readonly runs: number; readonly minimum: number; readonly assumedSigma: number }
}

/** Overall outcome: `fail` fails the check, `warn` annotates, `pass` is quiet. */
export type Outcome = 'pass' | 'warn' | 'fail'

/** The whole comparison. */
export interface Comparison {
  readonly suite: string
  readonly head: {
    readonly sha?: string
    readonly createdAt: string
    readonly environment: Environment
    readonly incomplete?: string
    /** Times the head's app was started for its rounds, when more than once (same-job `app.relaunch`). */
    readonly launches?: number
    /** The MALLOC_TOP_PAD_ bytes the head's Node app kept one launch with (same-job `app.relaunch: auto`). */
    readonly heapPad?: number
    /** Rounds measured the machine's speed beside them (app.cpus: separate), so paired changes are adjusted by it. */
    readonly speedProbe?: true
    /** Paired throughput and latency were adjusted for the app's access to its CPUs too (server.cpuAccess). */
    readonly cpuAccess?: true
  }
  /** Absent when there is no baseline; `baselineMissing` then says why. */
  readonly baseline?: BaselineInfo
  readonly baselineMissing?: string
  readonly entries: readonly EntryComparison[]
  readonly findings: readonly Finding[]
  readonly outcome: Outcome
  readonly counts: {
    readonly regressions: number
    readonly improvements: number
    readonly unchanged: number
    readonly inconclusive: number
    readonly violations: number
  }
  /** Rounds per entry (the most any entry had), for the footer. */
  readonly rounds: number
  /** Median round-to-round CV of rps over the compared entries, for the footer. */
  readonly noise?: number
  /** Median smallest detectable change of rps, for the footer. */
  readonly detectable?: number
  /**
   * The suite's false-alarm bound and its split over entries and gated metrics (present with a
   * baseline; compare/family.ts); `sequential` when rounds were paired and judged by confidence sequences.
   */
  readonly errorControl?: {
    readonly suiteAlpha: number
    /** Gated comparisons (entry × gated metric). */
    readonly tests: number
    /** Entries with a gated metric: each may spend suiteAlpha / entries. */
    readonly entries: number
    readonly perEntry: number
    /** What a gated metric may spend, grouped by metric, loop type and level; `entries` share each. */
    readonly shares: readonly ShareGroup[]
    readonly sequential: boolean
  }
  /**
   * The precise mode (the base commit measured beside the head in the same job) was within reach of
   * this pull request but for a build command: the config has an app but no `app.build`.
   */
  readonly suggestAppBuild?: boolean
  /** This run's scaling summaries: one per scenario measured at several connection counts. */
  readonly scaling?: readonly ScalingSummary[]
}

/** Entries whose gated metric of one loop type may spend the same share of the suite's bound. */
export interface ShareGroup {
  readonly metric: ComparedMetric
  /** Closed loop (connections) or open loop (a rate). */
  readonly loop: 'closed' | 'open'
  /** The level of its test: a false regression of this metric has at most this chance. */
  readonly alpha: number
  /** How many entries it holds for. */
  readonly entries: number
}
