// Does adding rounds when a verdict is inconclusive (adaptive rounds) raise the false-alarm rate?
// Simulated with normal round-to-round noise, through the real verdict code. Base has R rounds, head
// R rounds; when the verdict is inconclusive, head gets more rounds either one at a time (re-judged
// after each, up to R more) or as one batch of R. The batch is what Cannonade does.
// Run: npm run bench:adaptive   (about 20 s; BENCH_TRIALS, BENCH_NOISE, BENCH_ROUNDS change it)
import { bootstrapRatio, classify, seededRandom } from '../src/compare/stats.js'

const trials = Number(process.env.BENCH_TRIALS ?? 2000)
const noise = Number(process.env.BENCH_NOISE ?? 0.04)
const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const tolerance = 0.05

const random = seededRandom('adaptive')
function gaussian(): number {
  // Box-Muller from the seeded generator, so the simulation is repeatable.
  const u = Math.max(random(), 1e-12)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
}
const sample = (n: number, factor: number): number[] => Array.from({ length: n }, () => 1000 * factor * (1 + noise * gaussian()))
const judge = (base: number[], head: number[], seed: string): string =>
  classify(bootstrapRatio(base, head, { seed, resamples: 2000 }), 'lower-is-better', tolerance)
const pct = (n: number): string => `${((n / trials) * 100).toFixed(1)} %`

console.log(`| true change | fixed ${rounds} rounds | one at a time, up to +${rounds} | one batch of +${rounds} (Cannonade) |`)
console.log('| ---: | ---: | ---: | ---: |')
for (const change of [1, 1.05, 1.1, 1.2]) {
  let fixed = 0
  let sequential = 0
  let batch = 0
  for (let t = 0; t < trials; t++) {
    const base = sample(rounds, 1)
    const head = sample(rounds, change)
    const first = judge(base, head, `${t}`)
    if (first === 'regression') fixed++
    let verdict = first
    const grown = [...head]
    for (let extra = 1; extra <= rounds && verdict === 'inconclusive'; extra++) {
      grown.push(...sample(1, change))
      verdict = judge(base, grown, `${t}:s${extra}`)
    }
    if (verdict === 'regression') sequential++
    const second = first === 'inconclusive' ? judge(base, [...head, ...sample(rounds, change)], `${t}:b`) : first
    if (second === 'regression') batch++
  }
  console.log(`| ${((change - 1) * 100).toFixed(0)} % | ${pct(fixed)} | ${pct(sequential)} | ${pct(batch)} |`)
}
console.log(`\nshare of trials judged a regression (latency metric, tolerance 5 %, ${(noise * 100).toFixed(0)} % noise, ${trials} trials)`)
