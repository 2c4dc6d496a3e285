// Separately measured runs (a stored baseline, `run --baseline`, `cannonade compare`), by seeded
// simulation through the real decision code (__fixtures__/separate-runs.ts → compare.ts fixedVerdict,
// run-to-run.ts): false alarms of unchanged suites and the share of slowdowns that fail, for the
// issue's targets. One machine factor per run for every entry and metric, log-normal round noise,
// default gates (req/s 5 %, p50 10 %, p99 15 %); some histories wander (a random walk between runs)
// or step (a merged change every entry shares), to check the pooled level (run-to-run.ts).
//
// Run: npx tsx bench/separate-runs.ts [trials]   (default 1000 a cell; about a minute per 1000;
//   SEPARATE_ROWS=text for the rows whose name contains it)
import { rate, simulateSeparateRuns, type SeparateRunsCase } from '../__fixtures__/separate-runs.js'
import { DEFAULT_LOG_SPREAD } from '../src/compare/run-to-run.js'

const trials = Number(process.argv[2] ?? 1000)
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`
// "A spread of ±10 %": two runs drift apart by up to ±10 % at two standard deviations (the convention
// of the assumed ±39 %, run-to-run.ts DEFAULT_LOG_SPREAD), σ = ln(1.1)/(2√2) a run; and, for contrast,
// a run's own level within ±10 % at one standard deviation, σ = ln(1.1), what the report's
// "run-to-run ±10 %" shows.
const TEN_PERCENT = Math.log(1.1) / 2 / Math.SQRT2
const TEN_PERCENT_ONE_SD = Math.log(1.1)

interface Row {
  readonly name: string
  readonly c: Omit<SeparateRunsCase, 'seed'>
}
const oneRun = { entries: 1, drift: DEFAULT_LOG_SPREAD, roundCv: 0.05, rounds: 5, historyRuns: 0 }
const tenRuns = { entries: 1, drift: TEN_PERCENT, roundCv: 0.05, rounds: 5, historyRuns: 9 }
const rows: Row[] = [
  { name: 'one run of history, unchanged, 10 entries', c: { ...oneRun, entries: 10, slowdown: 1 } },
  {
    name: 'one run of history, unchanged, 10 entries, one round 3× off a side',
    c: { ...oneRun, entries: 10, slowdown: 1, outlierRound: 3 },
  },
  { name: 'one run of history, 2× slower', c: { ...oneRun, slowdown: 2 } },
  { name: 'one run of history, 3× slower', c: { ...oneRun, slowdown: 3 } },
  { name: 'one run of history, 2× slower, one round 3× off a side', c: { ...oneRun, slowdown: 2, outlierRound: 3 } },
  { name: 'one run of history, 3× slower, one round 3× off a side', c: { ...oneRun, slowdown: 3, outlierRound: 3 } },
  { name: '10 runs at ±10 %, unchanged, 10 entries', c: { ...tenRuns, entries: 10, slowdown: 1 } },
  { name: '10 runs at ±10 %, unchanged, 1 entry', c: { ...tenRuns, slowdown: 1 } },
  { name: '10 runs at ±10 %, +25 %', c: { ...tenRuns, slowdown: 1.25 } },
  { name: '10 runs at ±10 %, +25 %, 3 entries', c: { ...tenRuns, entries: 3, slowdown: 1.25 } },
  { name: '10 runs at ±10 %, +25 %, 10 rounds', c: { ...tenRuns, rounds: 10, slowdown: 1.25 } },
  {
    name: '10 runs at ±10 %, unchanged, 10 entries, level wanders as much as it drifts',
    c: { ...tenRuns, entries: 10, slowdown: 1, wander: TEN_PERCENT },
  },
  {
    name: '10 runs at ±10 %, unchanged, 10 entries, level wanders 4× as much',
    c: { ...tenRuns, entries: 10, slowdown: 1, wander: 4 * TEN_PERCENT },
  },
  { name: '10 runs at ±10 %, +25 %, level wanders as much as it drifts', c: { ...tenRuns, slowdown: 1.25, wander: TEN_PERCENT } },
  {
    name: '10 runs at ±10 %, unchanged, 10 entries, +15 % merged 3 runs back',
    c: { ...tenRuns, entries: 10, slowdown: 1, step: 1.15, stepRuns: 3 },
  },
  {
    name: '10 runs at ±10 %, unchanged, 10 entries, +10 % merged at the baseline run',
    c: { ...tenRuns, entries: 10, slowdown: 1, step: 1.1, stepRuns: 0 },
  },
  {
    name: '10 runs at ±10 %, unchanged, 10 entries, +15 % merged at the baseline run',
    c: { ...tenRuns, entries: 10, slowdown: 1, step: 1.15, stepRuns: 0 },
  },
  {
    name: '10 runs at ±10 %, unchanged, 10 entries, +25 % merged at the baseline run',
    c: { ...tenRuns, entries: 10, slowdown: 1, step: 1.25, stepRuns: 0 },
  },
  { name: '30 runs at ±30 %, unchanged, 10 entries', c: { ...tenRuns, entries: 10, slowdown: 1, drift: 0.15, historyRuns: 29 } },
  { name: '10 runs at σ = ±10 % a run, +25 %', c: { ...tenRuns, drift: TEN_PERCENT_ONE_SD, slowdown: 1.25 } },
  { name: '10 runs at σ = ±10 % a run, unchanged, 10 entries', c: { ...tenRuns, entries: 10, drift: TEN_PERCENT_ONE_SD, slowdown: 1 } },
  {
    name: '30 steady runs + one 50× outlier run, 20× slower',
    c: { ...tenRuns, drift: 0.05, historyRuns: 30, outlierFactor: 50, slowdown: 20 },
  },
]
console.log(`| setting | trials | failed | probable (warns) | improvement claimed |`)
console.log(`| --- | ---: | ---: | ---: | ---: |`)
// SEPARATE_ROWS=text runs only the rows whose name contains it (and skips the smallest-slowdown grid).
const only = process.env.SEPARATE_ROWS
for (const row of rows.filter((r) => only === undefined || r.name.includes(only))) {
  const outcomes = simulateSeparateRuns({ ...row.c, seed: row.name }, trials)
  console.log(
    `| ${row.name} | ${trials} | ${pct(rate(outcomes, (o) => o.failed))} | ${pct(rate(outcomes, (o) => !o.failed && o.probable))} | ${pct(rate(outcomes, (o) => o.improved))} |`,
  )
}

// The smallest slowdown of a grid that one entry's gate catches in ≥ 80 % of trials, per mode and
// round noise: the one-run rule is that of an artifact with one run of history, `run --baseline` and
// `cannonade compare` alike (the assumed spread, raised to the rounds' own).
const GRID = [1.1, 1.25, 1.5, 2, 3, 5]
const smallest = (c: Omit<SeparateRunsCase, 'seed' | 'slowdown'>, name: string): string => {
  for (const slowdown of GRID) {
    const caught = rate(simulateSeparateRuns({ ...c, seed: `${name}:${slowdown}`, slowdown }, Math.min(trials, 300)), (o) => o.failed)
    if (caught >= 0.8) return `×${slowdown} (${pct(caught)})`
  }
  return `beyond ×${GRID[GRID.length - 1] ?? NaN}`
}
if (only !== undefined) process.exit(0)
console.log(`\n| mode (one entry, 5 rounds a run) | 5 % round CV | 15 % round CV |`)
console.log(`| --- | ---: | ---: |`)
for (const [name, c] of [
  ['one run of history (assumed ±39 % between runs), compare, run --baseline', oneRun],
  ['10 runs of history, ±10 % between runs', tenRuns],
] as const) {
  console.log(`| ${name} | ${smallest({ ...c, roundCv: 0.05 }, `${name}:5`)} | ${smallest({ ...c, roundCv: 0.15 }, `${name}:15`)} |`)
}
