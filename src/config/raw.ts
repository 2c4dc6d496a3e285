// The shape of cannonade.yml as written, once src/config/schema.json has accepted it. Kept beside the
// schema so the two are changed together.
import type { Arrivals, HttpMethod, MetricName, Profile, Severity } from './plan.js'

type Scalar = string | number | boolean

/** `{ max: 50ms, severity: warn }`; `V` is what the metric's limits are written as (`50ms`, `1000`, `5%`, `200MB`). */
export interface RawLimit<V extends string | number = string | number> {
  readonly min?: V
  readonly max?: V
  readonly severity?: Severity
}

/** `5%` or `{ max: 5%, severity: warn }` */
export type RawTolerance = string | { readonly max: string; readonly severity?: Severity }

/** The `thresholds` mapping. */
export type RawThresholds = Partial<Record<Exclude<MetricName, 'rps' | 'capacity'>, RawLimit<string>>> & {
  /** Requests per second, a plain number. */
  readonly rps?: RawLimit<number>
  /** profile: stress. Requests per second, a plain number. */
  readonly capacity?: RawLimit<number>
  /** Profile findings with limits only (burst, leak, drift) take no tolerance against the baseline. */
  readonly regression?: Partial<Record<Exclude<MetricName, 'burstP99' | 'burstErrorRate' | 'leak' | 'drift'>, RawTolerance>>
}

/** The `expect` mapping. */
export interface RawExpect {
  readonly status?: number | string | readonly (number | string)[]
  readonly body?: string | { readonly equals?: string; readonly contains?: string; readonly matches?: string }
}

type RawBody = string | Readonly<Record<string, unknown>> | readonly unknown[]

/** One step of `requests`. */
export interface RawStep {
  readonly method?: HttpMethod
  readonly path: string
  readonly headers?: Readonly<Record<string, Scalar>>
  readonly body?: RawBody
  readonly expect?: RawExpect
  readonly capture?: Readonly<Record<string, RawCapture>>
}

/** One value of a step's `capture`: a JSON path, or where to find the value. */
export type RawCapture =
  string | { readonly json: string } | { readonly header: string } | { readonly regex: string; readonly group?: number }

/** One element of `scenarios`. */
export interface RawScenario {
  readonly name: string
  readonly tags?: readonly string[]
  readonly profile?: Profile
  readonly spike?: {
    readonly rate?: number
    readonly multiple?: number
    readonly burst?: string
    readonly before?: string
    readonly after?: string
    readonly recovery?: string
  }
  /** profile: volume. */
  readonly bodySize?: string | readonly string[]
  readonly method?: HttpMethod
  readonly path?: string
  readonly headers?: Readonly<Record<string, Scalar>>
  readonly body?: RawBody
  readonly requests?: readonly RawStep[]
  readonly data?: string
  readonly connections?: number | readonly number[]
  readonly rate?: number | readonly number[]
  readonly pipelining?: number
  readonly arrivals?: Arrivals
  readonly threads?: number | 'auto'
  readonly duration?: string
  readonly amount?: number
  readonly warmup?: string
  readonly rounds?: number
  readonly timeout?: string
  readonly expect?: RawExpect
  readonly thresholds?: RawThresholds
  readonly stress?: RawStress
}

/** The `stress` mapping of a `profile: stress` scenario. */
export interface RawStress {
  readonly start?: number
  readonly factor?: number
  readonly max?: number
  readonly step?: string
  readonly bisect?: number
  readonly follow?: string
}

/** The `defaults` mapping: what every scenario inherits unless it sets its own. */
export interface RawDefaults {
  readonly duration?: string
  readonly amount?: number
  readonly warmup?: string
  readonly rounds?: number
  /** A number, or a list: every scenario without its own is swept over it. */
  readonly connections?: number | readonly number[]
  readonly rate?: number | readonly number[]
  readonly pipelining?: number
  readonly arrivals?: Arrivals
  readonly threads?: number | 'auto'
  readonly timeout?: string
  readonly headers?: Readonly<Record<string, Scalar>>
  readonly thresholds?: RawThresholds
}

/** The whole document. */
export interface RawConfig {
  readonly suite?: string
  readonly budget?: string
  readonly warmupSuite?: boolean
  readonly app?: {
    readonly command: string
    /** A shell command, `auto` (infer it; the default) or `none`. */
    readonly build?: string
    readonly cwd?: string
    readonly env?: Readonly<Record<string, Scalar>>
    readonly ready?: string
    readonly readyTimeout?: string
    readonly stopTimeout?: string
    /** A shell command that stops the app (e.g. `docker compose down`), run before its group is signalled. */
    readonly stop?: string
    /** A container name or ID, or the path of its cgroup v2 directory: CPU and memory are read from it. */
    readonly container?: string
    /** `pair`: both apps of a same-job run start afresh before every pair after the first; `never`; `auto`. */
    readonly relaunch?: 'auto' | 'pair' | 'never'
    /** `separate`: the app on CPUs of its own, the load generator on another (src/app/affinity.ts); `auto` (the default): separate in same-job. */
    readonly cpus?: 'auto' | 'shared' | 'separate'
    /** `auto`, `node`, `perf`, `none`, or a command writing collapsed stacks (src/profile/). */
    readonly profile?: 'auto' | 'node' | 'perf' | 'none' | { readonly command: string; readonly interval?: string }
  }
  readonly baseUrl: string
  readonly defaults?: RawDefaults
  readonly validity?: { readonly maxErrorRate?: string; readonly minRateReached?: string }
  readonly scenarios: readonly RawScenario[]
}
