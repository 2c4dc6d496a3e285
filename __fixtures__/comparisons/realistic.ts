// Hand-built comparisons of the demo suite, with numbers of the size a GitHub-hosted runner produces
// (5 rounds, a few % noise). Shared by the report tests; each export is a complete, consistent value.
import type { Severity } from '../../src/config/plan.js'
import type { Direction, Verdict } from '../../src/stats/stats.js'
import type { Violation } from '../../src/compare/thresholds.js'
import type { BaselineInfo, ComparedMetric, Comparison, EntryComparison, Finding, MetricComparison } from '../../src/compare/types.js'
import type { Environment } from '../../src/results/document.js'

/** The GitHub-hosted runner both realistic runs used. */
export const runnerEnvironment: Environment = {
  cpuModel: 'AMD EPYC 7763 64-Core Processor',
  cores: 4,
  memoryBytes: 16_766_029_824,
  os: 'linux 6.8.0-1017-azure x64',
  node: 'v20.18.1',
  runner: { name: 'GitHub Actions 12', os: 'Linux', arch: 'X64', environment: 'github-hosted' },
}

/** An older runner generation, for the machine-mismatch variant. */
export const otherEnvironment: Environment = {
  cpuModel: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz',
  cores: 2,
  memoryBytes: 7_281_278_976,
  os: 'linux 6.5.0-1025-azure x64',
  node: 'v20.18.1',
  runner: { name: 'GitHub Actions 7', os: 'Linux', arch: 'X64', environment: 'github-hosted' },
}

/** Options of {@link metric} beyond the numbers every metric has. */
export interface MetricOptions {
  readonly pValue?: number
  readonly cv?: readonly [number, number]
  readonly detectable?: number
  readonly tolerance?: number
  readonly gated?: boolean
  readonly severity?: Severity
  readonly rounds?: readonly [number, number]
  readonly outliers?: { readonly base: readonly number[]; readonly head: readonly number[] }
}

/**
 * One compared metric. `change` follows from base and head (a ratio, or for the error rate a
 * difference); `low` and `high` are the bootstrap CI ends in the same form.
 */
export function metric(
  name: ComparedMetric,
  base: number,
  head: number,
  ci: readonly [number, number],
  verdict: Verdict,
  options: MetricOptions = {},
): MetricComparison {
  const relative = name !== 'errorRate'
  const direction: Direction = name === 'rps' ? 'higher-is-better' : 'lower-is-better'
  const [cvBase, cvHead] = options.cv ?? [0.03, 0.03]
  const [baseRounds, headRounds] = options.rounds ?? [5, 5]
  return {
    metric: name,
    direction,
    base,
    head,
    change: relative ? head / base - 1 : head - base,
    low: ci[0],
    high: ci[1],
    relative,
    pValue: options.pValue ?? 0.55,
    cvBase,
    cvHead,
    detectable: options.detectable ?? 0.06,
    tolerance: options.tolerance ?? 0.2,
    severity: options.severity ?? 'fail',
    gated: options.gated ?? false,
    verdict,
    baseRounds,
    headRounds,
    outliers: options.outliers ?? { base: [], head: [] },
  }
}

const gatedRps = { gated: true, tolerance: 0.05 } as const
const gatedP50 = { gated: true, tolerance: 0.1 } as const
const gatedP99 = { gated: true, tolerance: 0.15 } as const

function percentiles(p50: number, p90: number, p99: number, p999: number): Record<'p50' | 'p90' | 'p99' | 'p999', number> {
  return { p50, p90, p99, p999 }
}

const rpsWarning: Violation = {
  entry: 'list users @ 1 conn',
  metric: 'rps',
  severity: 'warn',
  actual: 471.8,
  threshold: { metric: 'rps', bound: 'min', limit: 500, severity: 'warn' },
}

/** The scenario name that tries to break the table, inject markup and mention someone. */
export const hostileScenario = 'admin | <b>export</b> `csv` @octocat'

const listUsers1: EntryComparison = {
  key: 'list users @ 1 conn',
  scenario: 'list users',
  load: '1 conn',
  status: 'compared',
  metrics: [
    metric('rps', 476.3, 471.8, [-0.031, 0.012], 'unchanged', { ...gatedRps, pValue: 0.42, cv: [0.021, 0.018], detectable: 0.041 }),
    metric('p50', 1840, 1862, [-0.008, 0.031], 'unchanged', { ...gatedP50, pValue: 0.31 }),
    metric('p90', 2310, 2347, [-0.012, 0.04], 'unchanged', { pValue: 0.42 }),
    metric('p95', 2620, 2661, [-0.019, 0.047], 'unchanged', { pValue: 0.55 }),
    metric('p99', 3904, 3981, [-0.035, 0.071], 'unchanged', { ...gatedP99, pValue: 0.69 }),
    metric('p999', 7210, 7655, [-0.041, 0.158], 'unchanged', { pValue: 0.31, cv: [0.06, 0.08] }),
    metric('errorRate', 0, 0, [0, 0], 'unchanged', { pValue: 1 }),
    metric('cpu', 1240, 1262, [-0.006, 0.041], 'unchanged', { pValue: 0.22 }),
    metric('rss', 61_027_942, 61_762_355, [-0.004, 0.027], 'unchanged', { pValue: 0.42 }),
  ],
  violations: [rpsWarning],
  percentiles: { base: percentiles(1840, 2310, 3904, 7210), head: percentiles(1862, 2347, 3981, 7655) },
}

const listUsers10: EntryComparison = {
  key: 'list users @ 10 conn',
  scenario: 'list users',
  load: '10 conn',
  status: 'compared',
  metrics: [
    metric('rps', 3952, 4276, [0.051, 0.11], 'improvement', { ...gatedRps, pValue: 0.0079, cv: [0.024, 0.029], detectable: 0.047 }),
    metric('p50', 2410, 2219, [-0.108, -0.046], 'unchanged', { ...gatedP50, pValue: 0.0079 }),
    metric('p90', 3620, 3388, [-0.097, -0.031], 'unchanged', { pValue: 0.016 }),
    metric('p95', 4105, 3890, [-0.094, -0.012], 'unchanged', { pValue: 0.032 }),
    metric('p99', 6480, 6290, [-0.081, 0.022], 'unchanged', { ...gatedP99, pValue: 0.22 }),
    metric('p999', 11_840, 11_620, [-0.102, 0.087], 'unchanged', { pValue: 0.84, cv: [0.07, 0.09] }),
    metric('errorRate', 0, 0, [0, 0], 'unchanged', { pValue: 1 }),
    metric('cpu', 398, 371, [-0.094, -0.031], 'unchanged', { pValue: 0.0079 }),
    metric('rss', 64_487_424, 64_905_216, [-0.002, 0.016], 'unchanged', { pValue: 0.31 }),
  ],
  violations: [],
  percentiles: { base: percentiles(2410, 3620, 6480, 11_840), head: percentiles(2219, 3388, 6290, 11_620) },
}

function searchEntry(p99: MetricComparison): EntryComparison {
  // The chart's head p99 must agree with the table's.

  return {
    key: 'search @ 10 conn',
    scenario: 'search',
    load: '10 conn',
    status: 'compared',
    metrics: [
      metric('rps', 1812, 1768, [-0.049, 0.003], 'unchanged', { ...gatedRps, pValue: 0.095, cv: [0.019, 0.023], detectable: 0.038 }),
      metric('p50', 4950, 5120, [0.008, 0.061], 'unchanged', { ...gatedP50, pValue: 0.032 }),
      metric('p90', 6870, 7412, [0.041, 0.122], 'unchanged', { pValue: 0.0079 }),
      metric('p95', 7420, 8350, [0.087, 0.171], 'unchanged', { pValue: 0.0079 }),
      p99,
      metric('p999', 14_820, 16_030, [0.021, 0.142], 'unchanged', { pValue: 0.056, cv: [0.08, 0.11] }),
      metric('errorRate', 0, 0, [0, 0], 'unchanged', { pValue: 1 }),
      metric('cpu', 412, 418, [-0.012, 0.037], 'unchanged', { pValue: 0.42 }),
      metric('rss', 71_303_168, 71_827_456, [-0.003, 0.019], 'unchanged', { pValue: 0.55 }),
    ],
    violations: [],
    percentiles: { base: percentiles(4950, 6870, p99.base, 14_820), head: percentiles(5120, 7412, p99.head, 16_030) },
  }
}

const searchRegression = metric('p99', 8100, 10_052, [0.18, 0.302], 'regression', {
  ...gatedP99,
  pValue: 0.0079,
  cv: [0.031, 0.044],
  detectable: 0.072,
  outliers: { base: [], head: [3] },
})

const createUser: EntryComparison = {
  key: 'create user @ 300 req/s',
  scenario: 'create user',
  load: '300 req/s',
  status: 'new',
  metrics: [],
  violations: [],
  percentiles: { head: percentiles(1210, 1905, 4420, 9870) },
}

const hostile: EntryComparison = {
  key: `${hostileScenario} @ 10 conn`,
  scenario: hostileScenario,
  load: '10 conn',
  status: 'compared',
  metrics: [
    metric('rps', 612, 581, [-0.119, 0.014], 'inconclusive', {
      ...gatedRps,
      pValue: 0.15,
      cv: [0.061, 0.072],
      detectable: 0.12,
      rounds: [5, 8],
    }),
    metric('p50', 14_900, 15_310, [-0.018, 0.064], 'unchanged', { ...gatedP50, pValue: 0.38 }),
    metric('p99', 38_400, 39_950, [-0.031, 0.092], 'unchanged', { ...gatedP99, pValue: 0.44 }),
    metric('errorRate', 0.0004, 0.0006, [-0.0003, 0.0008], 'unchanged', { pValue: 0.6 }),
  ],
  violations: [],
  percentiles: { base: percentiles(14_900, 22_100, 38_400, 61_000), head: percentiles(15_310, 22_800, 39_950, 63_500) },
}

const legacySearch: EntryComparison = {
  key: 'legacy search @ 10 conn',
  scenario: 'legacy search',
  load: '10 conn',
  status: 'removed',
  metrics: [],
  violations: [],
}

function counts(entries: readonly EntryComparison[]): Comparison['counts'] {
  const verdicts = entries.flatMap((e) => e.metrics.map((m) => m.verdict))
  const count = (v: Verdict): number => verdicts.filter((x) => x === v).length
  return {
    regressions: count('regression'),
    improvements: count('improvement'),
    unchanged: count('unchanged'),
    inconclusive: count('inconclusive'),
    violations: entries.reduce((n, e) => n + e.violations.length, 0),
  }
}

const baseline: BaselineInfo = {
  description: 'artifact from run 11872304561 (main @ 4f1c2d9)',
  sha: '4f1c2d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e',
  createdAt: '2025-03-14T09:12:44.000Z',
  environment: runnerEnvironment,
  environmentDifferences: [],
  configChanged: false,
  downgraded: false,
}

const head = {
  sha: '9b8e7d6c5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c',
  createdAt: '2025-03-15T16:40:02.000Z',
  environment: runnerEnvironment,
}

const warningFinding: Finding = {
  severity: 'warn',
  kind: 'threshold',
  entry: rpsWarning.entry,
  metric: 'rps',
  violation: rpsWarning,
}

const realisticEntries = [listUsers1, listUsers10, searchEntry(searchRegression), createUser, hostile, legacySearch]

/**
 * A pull request that slowed `search` down: one failing p99 regression, one rps improvement, one
 * inconclusive rps (on the scenario with a hostile name), one absolute threshold warning, a new
 * entry, a removed entry, and the rest unchanged.
 */
export const realistic: Comparison = {
  suite: 'demo',
  head,
  baseline,
  entries: realisticEntries,
  findings: [
    {
      severity: 'fail',
      kind: 'regression',
      entry: 'search @ 10 conn',
      metric: 'p99',
      change: searchRegression,
    },
    warningFinding,
  ],
  outcome: 'fail',
  counts: counts(realisticEntries),
  rounds: 5,
  noise: 0.024,
  detectable: 0.047,
}

function headOnly(entry: EntryComparison): EntryComparison {
  const head = entry.percentiles?.head
  return {
    key: entry.key,
    scenario: entry.scenario,
    load: entry.load,
    status: 'new',
    metrics: [],
    violations: entry.violations,
    ...(head === undefined ? {} : { percentiles: { head } }),
  }
}

const firstRunEntries = [listUsers1, listUsers10, searchEntry(searchRegression), createUser].map(headOnly)

/** The first run of the suite: nothing to compare against, so only the absolute thresholds count. */
export const noBaseline: Comparison = {
  suite: 'demo',
  head,
  baselineMissing: 'no successful run of cannonade.yml on main has uploaded the cannonade-demo artifact',
  entries: firstRunEntries,
  findings: [warningFinding],
  outcome: 'warn',
  counts: counts(firstRunEntries),
  rounds: 5,
}

const mismatchRegression = metric('p99', 8100, 11_460, [0.33, 0.502], 'regression', {
  gated: true,
  tolerance: 0.3,
  severity: 'warn',
  pValue: 0.0079,
  cv: [0.031, 0.052],
  detectable: 0.081,
})

const mismatchEntries = [listUsers1, listUsers10, searchEntry(mismatchRegression), createUser]

/** The baseline came from another runner generation: the regression is reported as a warning. */
export const machineMismatch: Comparison = {
  suite: 'demo',
  head,
  baseline: {
    ...baseline,
    environment: otherEnvironment,
    environmentDifferences: [
      `CPU ${otherEnvironment.cpuModel} vs ${runnerEnvironment.cpuModel}`,
      `${otherEnvironment.cores} vs ${runnerEnvironment.cores} cores`,
    ],
    downgraded: true,
  },
  entries: mismatchEntries,
  findings: [
    {
      severity: 'warn',
      kind: 'regression',
      entry: 'search @ 10 conn',
      metric: 'p99',
      change: mismatchRegression,
    },
    warningFinding,
  ],
  outcome: 'warn',
  counts: counts(mismatchEntries),
  rounds: 5,
  noise: 0.031,
  detectable: 0.058,
}

/**
 * A suite of `size` entries (for size limits): every entry has nine metrics, one of which is notable
 * (a p99 regression, an rps improvement or an inconclusive p50, in turn), the rest unchanged.
 */
export function largeComparison(size: number): Comparison {
  const entries = Array.from({ length: size }, (_, i): EntryComparison => {
    const scenario = `endpoint ${String(i).padStart(4, '0')} | GET /api/v1/resources/${i}`
    const notable = i % 3
    return {
      key: `${scenario} @ 10 conn`,
      scenario,
      load: '10 conn',
      status: 'compared',
      metrics: [
        notable === 1
          ? metric('rps', 2000, 2210, [0.06, 0.15], 'improvement', gatedRps)
          : metric('rps', 2000, 1990, [-0.02, 0.01], 'unchanged', gatedRps),
        notable === 2
          ? metric('p50', 3000, 3150, [-0.02, 0.13], 'inconclusive', gatedP50)
          : metric('p50', 3000, 3010, [-0.01, 0.02], 'unchanged', gatedP50),
        metric('p90', 5000, 5020, [-0.01, 0.02], 'unchanged'),
        metric('p95', 6000, 6010, [-0.01, 0.02], 'unchanged'),
        notable === 0
          ? metric('p99', 9000, 11_000, [0.15, 0.29], 'regression', { ...gatedP99, pValue: 0.0079 })
          : metric('p99', 9000, 9050, [-0.02, 0.03], 'unchanged', gatedP99),
        metric('p999', 15_000, 15_100, [-0.03, 0.04], 'unchanged'),
        metric('errorRate', 0, 0, [0, 0], 'unchanged'),
        metric('cpu', 500, 505, [-0.01, 0.03], 'unchanged'),
        metric('rss', 80_000_000, 80_100_000, [-0.01, 0.01], 'unchanged'),
      ],
      violations: [],
      percentiles: { base: percentiles(3000, 5000, 9000, 15_000), head: percentiles(3010, 5020, 11_000, 15_100) },
    }
  })
  return {
    ...realistic,
    suite: 'large',
    entries,
    findings: [],
    counts: counts(entries),
  }
}
