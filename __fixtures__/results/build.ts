// Builds valid results files from a few numbers per round, for comparison tests that need exact
// control over what base and head measured.
import type { AbsoluteThreshold, RegressionTolerance } from '../../src/config/plan.js'
import { summariseEntry } from '../../src/results/entry-numbers.js'
import { createHistogram, encodeHistogram } from '../../src/results/histogram.js'
import type { EntryResult, Environment, Results, RoundResult } from '../../src/results/document.js'
import { median } from '../../src/stats/stats.js'

/** The machine every synthetic result claims, unless a test overrides it. */
export const ENVIRONMENT: Environment = {
  cpuModel: 'Test CPU @ 3.0GHz',
  cores: 2,
  memoryBytes: 8 * 1024 ** 3,
  os: 'linux 6.1.0 x64',
  node: 'v20.20.2',
}

/** Per-round numbers of one synthetic entry; arrays must have one value per round. */
export interface SyntheticEntry {
  readonly scenario: string
  readonly connections?: number
  readonly rps: readonly number[]
  /** p50 latency per round, µs; the other percentiles are derived from it. */
  readonly p50Us: readonly number[]
  readonly p99Us?: readonly number[]
  readonly errorRate?: readonly number[]
  readonly cpuUsPerRequest?: readonly number[]
  readonly invalid?: readonly number[]
  readonly thresholds?: readonly AbsoluteThreshold[]
  readonly regression?: readonly RegressionTolerance[]
  readonly definitionHash?: string
  /** profile: spike. Recovery time per round, ms; makes the entry a spike entry. */
  readonly recoveryMs?: readonly number[]
}

function round(entry: SyntheticEntry, i: number): RoundResult {
  const rps = entry.rps[i] ?? 0
  const p50 = entry.p50Us[i] ?? 0
  const p99 = entry.p99Us?.[i] ?? p50 * 3
  const histogram = createHistogram()
  for (let k = 0; k < 98; k++) histogram.recordValue(p50)
  histogram.recordValue(p99)
  histogram.recordValue(p99)
  const errorRate = entry.errorRate?.[i] ?? 0
  const requests = Math.round(rps * 2)
  const invalid = entry.invalid?.includes(i) === true
  const result: RoundResult = {
    round: i + 1,
    startedAt: '2026-11-21T10:00:00.000Z',
    durationMs: 2000,
    rps,
    latencyUs: { p50, p90: p50 * 2, p95: p50 * 2, p99, p999: p99, mean: p50 * 1.2, max: p99 },
    requests,
    responses: requests,
    ok: Math.round(requests * (1 - errorRate)),
    errors: 0,
    timeouts: 0,
    unexpectedStatus: Math.round(requests * errorRate),
    bodyMismatches: 0,
    errorRate,
    bytes: requests * 100,
    statusCodes: { '200': requests },
    histogram: encodeHistogram(histogram),
    loadgenCpuPercent: 50,
    server: {
      cpuPercent: 80,
      cpuUsPerRequest: entry.cpuUsPerRequest?.[i] ?? 100,
      rssMaxBytes: 60 * 1024 * 1024,
      rssMeanBytes: 58 * 1024 * 1024,
      rssEndBytes: 60 * 1024 * 1024,
    },
    ...(entry.recoveryMs === undefined
      ? {}
      : { spike: { beforeP99Us: p99, burstP99Us: p99 * 10, burstErrorRate: 0, recoveryMs: entry.recoveryMs[i] ?? 0, recovered: true } }),
    valid: !invalid,
    problems: invalid ? ['no successful response'] : [],
    warnings: [],
  }
  histogram.destroy()
  return result
}

/** One synthetic entry as measured. */
export function syntheticEntry(entry: SyntheticEntry): EntryResult {
  const connections = entry.connections ?? 10
  return summariseEntry(
    {
      key: `${entry.scenario} @ ${connections} conn`,
      scenario: entry.scenario,
      tags: [],
      connections,
      pipelining: 1,
      definitionHash: entry.definitionHash ?? 'same',
      ...(entry.recoveryMs === undefined
        ? {}
        : {
            profile: 'spike' as const,
            findings: {
              kind: 'spike' as const,
              recoveryMs: median([...entry.recoveryMs]),
              burstP99Us: 0,
              burstErrorRate: 0,
              beforeP99Us: 0,
              unrecovered: 0,
            },
          }),
      thresholds: entry.thresholds ?? [],
      regression: entry.regression ?? [
        { metric: 'rps', tolerance: 0.05, severity: 'fail' },
        { metric: 'p50', tolerance: 0.1, severity: 'fail' },
        { metric: 'p99', tolerance: 0.15, severity: 'fail' },
      ],
    },
    entry.rps.map((_, i) => round(entry, i)),
  )
}

/** A whole synthetic results file. */
export function syntheticResults(
  entries: readonly SyntheticEntry[],
  options: { sha?: string; environment?: Environment; configHash?: string; suite?: string } = {},
): Results {
  return {
    schemaVersion: 1,
    tool: { name: 'cannonade', version: '0.0.0-test' },
    suite: options.suite ?? 'demo',
    createdAt: '2026-11-21T10:00:00.000Z',
    configHash: options.configHash ?? 'cfg',
    git: { sha: options.sha ?? 'abc1234' },
    environment: options.environment ?? ENVIRONMENT,
    status: 'complete',
    entries: entries.map(syntheticEntry),
  }
}
