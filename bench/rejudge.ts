// Recorded same-job runs judged again by today's rule: each run directory that bench/against-target.ts
// (or bench/accuracy-one.ts) kept holds the base's and the head's results.json, rounds in full, so
// the comparison, a pure function of them, can be re-applied. Per run: the gated metrics' verdicts by
// the anytime-valid sequence alone (what a run reads while it is still measuring) and by compare()
// at the end (the final look included: src/compare/sequential.ts), with the pair noise of req/s.
// The pairs are the ones the run measured under the rule of its day, so where that rule stopped a
// run early, the re-judged run has as many pairs as it had then.
//
// Run: npx tsx bench/rejudge.ts [RUN_DIR ...]   (default: every run under bench/results/against-target)
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { compare, gatedAndOpen, pairedValues } from '../src/compare/compare.js'
import { suiteBudget } from '../src/compare/family.js'
import { sequentialVerdict } from '../src/compare/sequential.js'
import { COMPARED_METRICS, type ComparedMetric, type MetricComparison } from '../src/compare/types.js'
import type { Results } from '../src/results/document.js'
import { stddev } from '../src/stats/stats.js'

const root = path.resolve('bench/results/against-target')
const given = process.argv.slice(2)
const dirs = (given.length > 0 ? given : readdirSync(root).map((d) => path.join(root, d))).filter(
  (d) => existsSync(path.join(d, 'results.json')) && existsSync(path.join(d, 'base-results.json')),
)

// A pass with no gated metric left open (every one unchanged or not worse than its tolerance) is "cleared".
const outcomeOf = (outcome: string, gated: readonly MetricComparison[]): string =>
  outcome === 'pass' && !gated.some(gatedAndOpen) && gated.every((m) => m.verdict !== 'regression') ? 'pass, cleared' : outcome

const short = (v: string): string => ({ regression: 'REG', unchanged: 'unch', improvement: 'impr', inconclusive: '?' })[v] ?? v

console.log('| run | pairs | req/s pair SD | req/s change | sequence alone (rps, p50, p99) | with the final look | outcome |')
console.log('| --- | ---: | ---: | ---: | --- | --- | --- |')
for (const dir of dirs.sort()) {
  const head: Results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'))
  const base: Results = JSON.parse(readFileSync(path.join(dir, 'base-results.json'), 'utf8'))
  const comparison = compare(base, head, { paired: true })
  const budget = suiteBudget(head.entries)
  for (const [i, entry] of head.entries.entries()) {
    const b = base.entries.find((e) => e.key === entry.key)
    const compared = comparison.entries.find((e) => e.key === entry.key)
    if (b === undefined || compared === undefined) continue
    const gated = compared.metrics.filter((m) => m.gated)
    const alone = gated.map((m) => {
      const values = pairedValues(b.rounds, entry.rounds, m.metric as ComparedMetric)
      if (values === undefined) return '–'
      const rule = {
        relative: m.relative,
        direction: m.direction,
        tolerance: m.tolerance,
        alarmAlpha: budget.shares[i]?.[m.metric] ?? 0,
        ...(values.noise === undefined ? {} : { noise: values.noise }),
      }
      return short(sequentialVerdict(values.base, values.head, rule).verdict)
    })
    const rps = pairedValues(b.rounds, entry.rounds, 'rps')
    const ys = rps === undefined ? [] : rps.head.map((h, k) => Math.log(h / (rps.base[k] ?? NaN)))
    const change = compared.metrics.find((m) => m.metric === 'rps')?.change ?? NaN
    const final = gated.map((m) => `${short(m.verdict)}${m.finalLook === true ? '*' : ''}`)
    console.log(
      `| ${path.basename(dir)} | ${ys.length} | ${stddev(ys).toFixed(3)} | ${(change * 100).toFixed(1)} % | ${alone.join(', ')} | ${final.join(', ')} | ${outcomeOf(comparison.outcome, gated)} |`,
    )
  }
}
console.log(
  `\n\\* decided (or left open) by the final look. Gated: ${COMPARED_METRICS.length} compared metrics, of which the config gates those listed.`,
)
