// Same-job runs measured beside other work on the apps' CPUs (AGAINST_CONTEND=1 npx tsx
// bench/against-target.ts …, kept under bench/results/against-target-contended/), judged again from
// their rounds: as built, where a pair whose two rounds met shares of other work more than 15 points
// apart is left out (compare.ts keptPairs), and with those readings left out, the rule before it. Both
// judge the final rounds as one paired comparison; the run itself decided as it went, so its exit is
// printed beside them.
//
// Run: npx tsx bench/contended-pairs.ts
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { compare } from '../src/compare/compare.js'
import type { Comparison } from '../src/compare/types.js'
import type { Results } from '../src/results/document.js'
import { parseResults } from '../src/results/io.js'

const folder = path.resolve('bench/results/against-target-contended')

async function load(file: string, strip: boolean): Promise<Results> {
  const data = JSON.parse(await readFile(file, 'utf8'))
  if (strip) for (const e of data.entries) for (const r of e.rounds) delete r.server?.othersCpuPercent
  return parseResults(data, file)
}

function outcome(c: Comparison): string {
  const gated = c.entries.flatMap((e) => e.metrics.filter((m) => m.gated))
  const decided = gated.filter((m) => m.verdict !== 'inconclusive').map((m) => `${m.metric} ${m.verdict}`)
  return `${c.outcome}${decided.length > 0 ? ` (${decided.join(', ')})` : ''}`
}

const lines = [
  '| run | pairs | pairs uneven (> 15 points) | others, base rounds (%) | others, head rounds (%) | before: outcome | now: outcome |',
  '| --- | ---: | ---: | --- | --- | --- | --- |',
]
for (const name of (await readdir(folder)).sort()) {
  const dir = path.join(folder, name)
  const [base, head] = await Promise.all([load(path.join(dir, 'base-results.json'), false), load(path.join(dir, 'results.json'), false)])
  const others = (r: Results): number[] => r.entries[0]?.rounds.map((x) => Math.round(x.server?.othersCpuPercent ?? NaN)) ?? []
  const b = others(base)
  const h = others(head)
  const uneven = h.filter((x, i) => Math.abs(x - (b[i] ?? NaN)) > 15).length
  const before = compare(await load(path.join(dir, 'base-results.json'), true), await load(path.join(dir, 'results.json'), true), {
    paired: true,
  })
  const now = compare(base, head, { paired: true })
  lines.push(
    `| ${name} | ${Math.min(b.length, h.length)} | ${uneven} | ${b.join(' ')} | ${h.join(' ')} | ${outcome(before)} | ${outcome(now)} |`,
  )
}
console.log(lines.join('\n'))
