// Seeded random draws for simulations in tests and benches, so every synthetic data set is fixed.
import { seededRandom } from '../src/stats/stats.js'

/** Standard normal draws from a seeded uniform source (Box–Muller). */
export function normalSource(seed: string): () => number {
  const uniform = seededRandom(seed)
  return () => {
    let u = 0
    while (u === 0) u = uniform()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform())
  }
}
