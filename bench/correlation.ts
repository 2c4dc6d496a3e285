// The Pearson correlation of two series, for the benches that ask whether one measured difference
// follows another (a launch's CPU offset and its collector's, two halves of a launch's pairs).
import { mean, stddev } from '../src/stats/stats.js'

/** Pearson's r of `a` and `b` paired by index (`b` as long as `a`); NaN when either does not vary. */
export function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a)
  const mb = mean(b)
  return a.reduce((s, x, i) => s + (x - ma) * ((b[i] ?? mb) - mb), 0) / (a.length - 1) / stddev(a) / stddev(b)
}
