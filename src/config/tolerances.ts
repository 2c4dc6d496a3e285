// The tolerances Cannonade uses when a config names none, in one table: the ones that gate by default
// (a config without `regression` fails on these) and the ones that only label a change in the report.
import type { MetricName, Profile, Severity } from './plan.js'

/**
 * The allowed change for the worse of every metric the comparison looks at, as a fraction (0.05 is
 * 5 %); errorRate's is absolute, in percentage points (0.01 is 1 pp). Tight on throughput, looser
 * on the tail, where a few slow responses move the number most.
 */
export const DEFAULT_TOLERANCE = {
  rps: 0.05,
  p50: 0.1,
  p90: 0.1,
  p95: 0.15,
  p99: 0.15,
  p999: 0.25,
  errorRate: 0.01,
  cpu: 0.1,
  rss: 0.1,
  // profile: stress; a drop in capacity is the change for the worse.
  capacity: 0.1,
  // profile: spike. Recovery is counted in whole seconds: one second more of a 2 s recovery is already +50 %.
  recovery: 0.5,
} as const satisfies Partial<Record<MetricName, number>>

/** The metrics that fail the check by default, at their DEFAULT_TOLERANCE, when a config sets no `regression`. */
export const GATED_BY_DEFAULT = ['rps', 'p50', 'p99'] as const satisfies readonly (keyof typeof DEFAULT_TOLERANCE)[]

/**
 * The severity of a default gate: `fail`, but `warn` for p99. Two launches of the same node service
 * read p99 −19.6 … +18.4 % apart on this machine with one CPU busy (bench/placement.ts), and a
 * same-job pair has one launch a side, so no number of pairs averages that out: of the kept
 * one-scenario `run --against` runs, two unchanged node heads failed on p99 alone (+76 %, +90 %, every
 * pair), while no slowed head of the 30 was caught by p99 alone. A tail regression still shows as a
 * ⚠️ warning, an annotation, and fails with `fail-on: warn`; `regression: { p99: 15% }` in the config
 * makes it fail again.
 */
export function defaultSeverity(metric: MetricName): Severity {
  return metric === 'p99' ? 'warn' : 'fail'
}

/**
 * What is gated by default when Cannonade starts the app (`app`), so that the server's CPU time per
 * request is measured: the above and `cpu`. Replayed from the 36 kept `run --against` runs
 * (bench/cpu-gate-replay.ts), gating it at 10 % beside rps (still the closed loop's primary, family.ts)
 * caught a +25 % CPU slowdown in 94.5 % of busy-machine trials instead of 62.2 %, a +10 % one in
 * 31.1 % instead of 11.6 %, false alarms 0.5 % (bound 1 %), and a slowdown that adds no CPU (a wait)
 * about as often as before; README, "Server CPU per request".
 */
export const GATED_BY_DEFAULT_WITH_APP = [...GATED_BY_DEFAULT, 'cpu'] as const satisfies readonly (keyof typeof DEFAULT_TOLERANCE)[]

/**
 * What a `profile: stress` scenario gates by default instead: its capacity. Its rps and latencies are
 * those of the step at capacity, a different load for base and head, so they are not gated unless asked.
 */
export const GATED_BY_DEFAULT_STRESS = ['capacity'] as const satisfies readonly (keyof typeof DEFAULT_TOLERANCE)[]

/**
 * The default gating tolerance of `metric` in a scenario of `profile`, or undefined for a metric that no
 * default gates. `startsApp`: the config has an `app`, so `cpu` is measured and gated too.
 */
export function defaultRegression(metric: MetricName, profile: Profile = 'steady', startsApp = false): number | undefined {
  const defaults = profile === 'stress' ? GATED_BY_DEFAULT_STRESS : startsApp ? GATED_BY_DEFAULT_WITH_APP : GATED_BY_DEFAULT
  const gated = defaults.find((m) => m === metric)
  return gated === undefined ? undefined : DEFAULT_TOLERANCE[gated]
}
