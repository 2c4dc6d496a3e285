/**
 * How throughput and tail latency scale with concurrency, from a sweep over connection counts.
 *
 * - Scaling efficiency at c connections: rps(c) / (c · rps(c₀)/c₀), with c₀ the lowest level
 *   measured: the share of perfectly linear scaling from the lowest level (1 at c₀; 0.5 when twice the
 *   connections of c₀ gave the same throughput as c₀). With c₀ = 1 it is the classic
 *   rps(c) / (c · rps(1)).
 * - The knee: the first level c at which p99 grew by a larger factor than throughput from the level
 *   before (p99(c)/p99(prev) > rps(c)/rps(prev)), i.e. where added concurrency starts buying more
 *   queueing than throughput. By Little's law, in-flight work = throughput × latency, so below the
 *   knee the extra connections mostly add throughput and beyond it mostly wait.
 */

/** One level of a sweep. */
export interface ScalingPoint {
  readonly connections: number
  readonly rps: number
  readonly p99: number
}

/** Efficiency per level and the knee, for levels in any order (sorted by connections here). */
export function scaling(points: readonly ScalingPoint[]): {
  readonly points: readonly (ScalingPoint & { readonly efficiency: number })[]
  readonly knee?: number
} {
  const sorted = [...points].sort((a, b) => a.connections - b.connections)
  const [lowest] = sorted
  if (lowest === undefined) return { points: [] }
  const perConnection = lowest.rps / lowest.connections
  const withEfficiency = sorted.map((p) => ({
    ...p,
    efficiency: perConnection > 0 ? p.rps / (p.connections * perConnection) : 0,
  }))
  let knee: number | undefined
  for (let i = 1; i < sorted.length && knee === undefined; i++) {
    const before = sorted[i - 1]
    const at = sorted[i]
    if (before === undefined || at === undefined || before.p99 <= 0 || before.rps <= 0) continue
    if (at.p99 / before.p99 > at.rps / before.rps) knee = at.connections
  }
  return { points: withEfficiency, ...(knee === undefined ? {} : { knee }) }
}
