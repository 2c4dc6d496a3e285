// The typed, defaulted form of cannonade.yml that every later stage consumes. Units are fixed here once:
// latency in microseconds, durations in milliseconds, sizes in bytes, rates and shares as fractions.

/** Latency metrics, all in microseconds; lower is better. */
export const LATENCY_METRICS = ['p50', 'p90', 'p95', 'p99', 'p999', 'mean', 'max'] as const
/** A latency statistic of one round. */
export type LatencyMetric = (typeof LATENCY_METRICS)[number]

/** Narrows a metric name to a latency metric. */
export function isLatencyMetric(metric: string): metric is LatencyMetric {
  return (LATENCY_METRICS as readonly string[]).includes(metric)
}

/**
 * Metrics only a load profile measures (src/load/profiles/): spike recovery time (ms), p99 (µs) and
 * failed share during the burst; soak RSS growth (bytes per minute) and p99 drift (µs per minute).
 */
export const PROFILE_METRICS = ['recovery', 'burstP99', 'burstErrorRate', 'leak', 'drift'] as const
/** A metric only a load profile measures. */
export type ProfileMetric = (typeof PROFILE_METRICS)[number]

/** Narrows a metric name to a profile metric. */
export function isProfileMetric(metric: string): metric is ProfileMetric {
  return (PROFILE_METRICS as readonly string[]).includes(metric)
}

/** Every metric a threshold can name. */
export const METRICS = [...LATENCY_METRICS, 'rps', 'errorRate', 'cpu', 'rss', 'capacity', ...PROFILE_METRICS] as const
/** A metric name as written in `thresholds`. */
export type MetricName = (typeof METRICS)[number]

/** What a violated threshold does to the check. */
export type Severity = 'warn' | 'fail'

/** An absolute limit on one metric of one entry, e.g. p99 at most 50 ms. */
export interface AbsoluteThreshold {
  readonly metric: MetricName
  /** `max`: the value must be at most `limit`; `min`: at least `limit`. */
  readonly bound: 'min' | 'max'
  /** In the metric's unit: µs for latency, req/s, a fraction for errorRate, percent of one core for cpu, bytes for rss. */
  readonly limit: number
  readonly severity: Severity
}

/** The relative change against the baseline that is still acceptable for one metric. */
export interface RegressionTolerance {
  readonly metric: MetricName
  /** A fraction: 0.05 allows a 5 % change for the worse. */
  readonly tolerance: number
  readonly severity: Severity
}

/** What a correct response looks like. */
export interface Expectation {
  /** Accepted status codes; `2xx`-style classes are expanded to their hundred codes. */
  readonly status: readonly number[]
  readonly body?: { readonly kind: 'equals' | 'contains' | 'matches'; readonly value: string }
}

/** The request methods a scenario may use (the schema's `method` enum). */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'

/** One HTTP request of a scenario. */
export interface RequestStep {
  readonly method: HttpMethod
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
  readonly expect: Expectation
  /** Values this step's response gives the steps after it (src/load/flow.ts). */
  readonly captures?: readonly Capture[]
  /** The body was written as a mapping or list (sent as JSON): values fill its templates JSON-escaped. */
  readonly jsonBody?: true
}

/**
 * One value taken from a step's response into `{{name}}`: from the JSON body by a path of keys and
 * indexes, from a header, or from the body by a regular expression's group (RE2 syntax).
 */
export type Capture =
  | { readonly name: string; readonly from: 'json'; readonly path: readonly (string | number)[]; readonly source: string }
  | { readonly name: string; readonly from: 'header'; readonly header: string }
  | { readonly name: string; readonly from: 'regex'; readonly pattern: string; readonly group: number }

/** `data`: rows of a CSV or JSON file, one per pass through a scenario's steps, as `{{column}}`. */
export interface DataSet {
  /** The file as the config names it (for messages). */
  readonly file: string
  readonly columns: readonly string[]
  /** Each row's values in the order of `columns`. */
  readonly rows: readonly (readonly string[])[]
}

/**
 * The search of a stress scenario: the load rises geometrically from `start` by `factor` until a step
 * breaks the SLO (or `max` is reached), then `bisect` steps halve the gap between the last step that
 * held and the first that broke (geometric midpoints).
 */
export interface StressPlan {
  /** What is stepped: the open-loop rate (req/s), or the connections of a closed-loop scenario. */
  readonly loop: 'rate' | 'connections'
  readonly start: number
  readonly factor: number
  readonly max: number
  /** Measured time per step; undefined: the scenario's `durationMs` (each step warms up for `warmupMs` first). */
  readonly stepMs?: number
  readonly bisect: number
  /** Open loop: a step whose achieved rate is below this share of the offered rate broke the SLO. */
  readonly follow: number
  /** Connections of an open-loop search (the rate is stepped over them). */
  readonly connections: number
  /** The SLO a step must meet: latency maxima (µs) and the most errors allowed (a fraction). */
  readonly slo: StressSlo
}

/** The limits a stress step must stay within to count as holding. */
export interface StressSlo {
  readonly latencyUs: readonly { readonly metric: Exclude<LatencyMetric, 'max'>; readonly max: number }[]
  readonly maxErrorRate: number
}

/** How open-loop requests are spread in time. */
export type Arrivals = 'even' | 'poisson'

/** One load level of a scenario: closed loop (connections only) or open loop (a rate over connections). */
export interface LoadLevel {
  readonly connections: number
  /** Requests per second over all connections; absent for closed loop. */
  readonly rate?: number
  /** profile: volume. The body size of this level, bytes (see src/load/profiles/volume.ts). */
  readonly bodyBytes?: number
}

/**
 * What kind of load test a scenario is: `steady` a fixed load level (each entry of a sweep), `stress`
 * the highest load that still meets the scenario's SLO (src/load/profiles/stress.ts), `spike`, `soak`
 * and `volume` (src/load/profiles/).
 */
export const PROFILES = ['steady', 'stress', 'spike', 'soak', 'volume'] as const
/** A scenario's `profile`. */
export type Profile = (typeof PROFILES)[number]

/** profile: spike. A steady rate, a burst at a multiple of it, the steady rate again. */
export interface SpikePlan {
  /** The steady rate, req/s. */
  readonly rate: number
  /** The burst rate is `rate * multiple`. */
  readonly multiple: number
  readonly beforeMs: number
  readonly burstMs: number
  readonly afterMs: number
  /** Recovered when p99 is back within this fraction above its pre-spike value (0.2 = 20 %). */
  readonly recoveryTolerance: number
}

/** A scenario with every default filled in. */
export interface ScenarioPlan {
  readonly name: string
  readonly tags: readonly string[]
  /** What kind of load test it is (steady unless the config says otherwise). */
  readonly profile: Profile
  /** Set when profile is spike: the rate schedule of each round (its duration is before + burst + after). */
  readonly spike?: SpikePlan
  /** The requests each connection sends in turn; one element for a single-request scenario. */
  readonly requests: readonly RequestStep[]
  /** Rows that fill `{{column}}` templates, one per pass through `requests` (src/load/flow.ts). */
  readonly data?: DataSet
  /** One measured entry per level: a sweep gives several. */
  readonly levels: readonly LoadLevel[]
  readonly pipelining: number
  /** Open loop: evenly spaced requests, or Poisson arrivals of the same mean rate. */
  readonly arrivals: Arrivals
  /** Load threads for one entry, or `auto` (see src/load/threads.ts threadCount). */
  readonly threads: number | 'auto'
  /** Measured time per round; ignored when `amount` is set. */
  readonly durationMs: number
  /** Requests per round instead of a duration. */
  readonly amount?: number
  readonly warmupMs: number
  readonly rounds: number
  readonly timeoutMs: number
  readonly thresholds: readonly AbsoluteThreshold[]
  readonly regression: readonly RegressionTolerance[]
  /** Set for `profile: stress`: each round is one search for the capacity. */
  readonly stress?: StressPlan
}

/** Written in `app.command` or an `app.env` value, it is replaced by the port the app is to listen on. */
export const PORT_PLACEHOLDER = '{port}'

/** How to start and stop the app under test. */
export interface AppPlan {
  readonly command: string
  /**
   * How another checkout of the repository (the base commit of a pull request, `run --against`) is
   * built so that `command` can start it: see {@link BuildPlan}.
   */
  readonly build: BuildPlan
  /** Absolute directory the command runs in. */
  readonly cwd: string
  readonly env: Readonly<Record<string, string>>
  /** Polled until it answers 2xx; when absent, the base URL is polled until it answers at all. */
  readonly readyUrl?: string
  readonly readyTimeoutMs: number
  readonly stopTimeoutMs: number
  /**
   * The port this side's app is to listen on: baseUrl's (another checkout's is its own free port).
   * It replaces `{port}` in `command` and in `env` values, and is passed as `PORT` unless `env` sets
   * PORT itself. Absent: the port of the URL the app is probed at.
   */
  readonly port?: number
  /** A shell command that stops the app, run before its process group is signalled (`app.stop`). */
  readonly stop?: string
  /**
   * `app.relaunch`: with several sides, `pair` starts every side's app afresh before each pair of
   * rounds after the first; `never` keeps one launch a side; `auto` (also what absent means)
   * pads a Node app's glibc heap ({@link heapPad}) or else relaunches a Node app while a start is
   * cheap (load/schedule.ts relaunchOf, withHeapPad, autoRelaunches).
   */
  readonly relaunch?: 'auto' | 'pair' | 'never'
  /**
   * Set by same-job `app.relaunch: auto` for a Node app on glibc (load/schedule.ts withHeapPad): the
   * MALLOC_TOP_PAD_ bytes in the app's environment, so that each side keeps one launch. Never in a config.
   */
  readonly heapPad?: number
  /** The container whose cgroup CPU and memory are read from: a name or ID, or a cgroup v2 directory (`app.container`). */
  readonly container?: string
  /**
   * `app.cpus`: `separate`, the app on every CPU but the first, the load generator on the first
   * (src/app/affinity.ts); `shared`, the scheduler's choice. Absent is `auto`: same-job makes it
   * `separate` (load/schedule.ts withSeparateCpus) for same-job and for a run of one side alike,
   * unless the app is in a container.
   */
  readonly cpus?: 'shared' | 'separate'
  /** `app.profile`: the CPU profiler for the extra round of a regressed entry (src/profile/); absent means auto. */
  readonly profile?: ProfileSetting
}

/**
 * `app.profile`: which CPU profiler runs the extra, profiled round of a regressed entry in same-job
 * mode (`auto` picks by the app's command), or a command of the user's writing collapsed stacks,
 * each count a sample of `sampleUs`.
 */
export type ProfileSetting =
  { readonly kind: 'auto' | 'node' | 'perf' | 'none' } | { readonly kind: 'command'; readonly command: string; readonly sampleUs: number }

/**
 * `app.build`: a shell command run in `cwd` inside the other checkout; `auto` (also what an absent
 * `app.build` means) to infer one from that checkout's files (src/app/build-detect.ts); or `none`:
 * nothing is built and a pull request on `baseline: auto` keeps to the stored baseline.
 */
export type BuildPlan = { readonly kind: 'command'; readonly command: string } | { readonly kind: 'auto' } | { readonly kind: 'none' }

/**
 * Reads `app.build` as written: the words `auto` and `none` (any case, spaces around ignored), else a
 * command. A command literally named `auto` or `none` can be written `./auto`; `true` builds nothing.
 */
export function buildPlanOf(text: string | undefined): BuildPlan {
  const word = text?.trim().toLowerCase()
  if (word === undefined || word === 'auto') return { kind: 'auto' }
  if (word === 'none') return { kind: 'none' }
  return { kind: 'command', command: text ?? '' }
}

/** When a round cannot be trusted. */
export interface ValidityRules {
  /** A round with a larger share of failed requests is invalid. */
  readonly maxErrorRate: number
  /** An open-loop round that reaches less than this share of its target rate is invalid. */
  readonly minRateReached: number
}

/** The whole run, ready to execute. */
export interface Plan {
  /** The file it came from, as the user named it (for messages). */
  readonly source: string
  /** sha256 of the canonical plan, so a baseline taken with another config can be recognised. */
  readonly configHash: string
  readonly suite: string
  readonly app?: AppPlan
  readonly baseUrl: string
  readonly validity: ValidityRules
  /**
   * How long a same-job run may measure the suite, from its first round: undecided entries get more
   * rounds until it is spent (or they reach the round cap).
   */
  readonly budgetMs: number
  /**
   * Before round 1, every entry runs once for its warm-up duration and is discarded, so the JIT
   * warm-up of the app (and of the load generator) does not fall on the first round.
   */
  readonly warmupSuite: boolean
  readonly scenarios: readonly ScenarioPlan[]
  /** What the config probably did not mean, one `file:line:col: field: ...` line each; printed, never fatal. */
  readonly warnings: readonly string[]
}

/** Whether a bigger value of the metric is better. */
export function biggerIsBetter(metric: MetricName): boolean {
  return metric === 'rps' || metric === 'capacity'
}

/**
 * Whether a change in the metric is relative (head / base − 1, tolerances in %) rather than absolute
 * (head − base): every metric but the error rate, whose tolerance is in percentage points.
 */
export function changeIsRelative(metric: MetricName): boolean {
  return metric !== 'errorRate'
}
