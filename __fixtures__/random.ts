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

/**
 * The lower-triangular Cholesky factor L of a positive-definite matrix A (A = L·Lᵀ): L times a vector
 * of independent standard normal draws gives draws with correlation A.
 */
export function cholesky(a: readonly (readonly number[])[]): number[][] {
  const l = a.map(() => a.map(() => 0))
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]?.[j] ?? 0
      for (let k = 0; k < j; k++) sum -= (l[i]?.[k] ?? 0) * (l[j]?.[k] ?? 0)
      const row = l[i]
      if (row !== undefined) row[j] = i === j ? Math.sqrt(sum) : sum / (l[j]?.[j] ?? 1)
    }
  }
  return l
}
