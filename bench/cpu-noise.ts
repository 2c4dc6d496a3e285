// The machine's own noise, measured the simplest way: a pure single-thread CPU loop, counted in
// one-second windows. The coefficient of variation of those counts says how much a CPU-bound route
// could move from second to second on this machine right now, whatever the code under test does.
// Every accuracy result is recorded beside it, measured right before and right after.
import os from 'node:os'

/** The CPU loop's second-to-second spread, and the load average when it was taken. */
export interface CpuNoise {
  /** Coefficient of variation of the iterations counted per window (0.05 = 5 %). */
  readonly cv: number
  /** Windows counted, and how long each was. */
  readonly windows: number
  readonly windowMs: number
  /** One-minute load average at the end. */
  readonly loadAverage: number
}

// A chunk of integer work long enough that reading the clock between chunks costs nothing.
function chunk(seed: number): number {
  let x = seed
  for (let i = 0; i < 20_000; i++) x = (x * 31 + i) % 1_000_003
  return x
}

/** Runs the loop for `windows` windows of `windowMs` each (blocking the thread) and returns their CV. */
export function cpuLoopNoise(windows = 3, windowMs = 1000): CpuNoise {
  const counts: number[] = []
  let sink = 1
  for (let w = 0; w < windows; w++) {
    const end = performance.now() + windowMs
    let count = 0
    while (performance.now() < end) {
      sink = chunk(sink)
      count++
    }
    counts.push(count)
  }
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length
  const variance = counts.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, counts.length - 1)
  // The sink keeps the loop from being optimised away; it is never 0 for this recurrence's seeds.
  if (sink < 0) throw new Error('unreachable')
  return { cv: Math.sqrt(variance) / mean, windows, windowMs, loadAverage: os.loadavg()[0] ?? NaN }
}
