// Per-second numbers of one measured window: successful responses, failures, and p50/p99 of that
// second's successful responses. A response counts in the second it completed in. Only whole seconds
// are kept: the last, partial second would show a fraction of the throughput and read as a drop.
import type { LoadSeries } from '../results/document.js'
import { createHistogram, recordLatency, type Histogram } from '../results/histogram.js'

/** How much of its last second a window may miss and still count it (timer jitter). */
const SHORT_SECOND_MS = 50

/** Collects one window's per-second series on the measuring thread: one small histogram, reset each second. */
export class SecondRecorder {
  private readonly histogram: Histogram = createHistogram()
  private startMs = 0
  private current = 0
  private okCount = 0
  private failedCount = 0
  private readonly series = { rps: [] as number[], errors: [] as number[], p50Us: [] as number[], p99Us: [] as number[] }

  /** Opens the window at `startMs` (performance.now() clock). */
  start(startMs: number): void {
    this.startMs = startMs
    this.current = 0
    this.okCount = 0
    this.failedCount = 0
    this.histogram.reset()
    for (const list of Object.values(this.series)) list.length = 0
  }

  /** A response that met the expectation, timed at `latencyMs`. */
  ok(latencyMs: number): void {
    this.advance(performance.now())
    this.okCount++
    recordLatency(this.histogram, latencyMs)
  }

  /** A request that failed (no response, or not the expected one). */
  failed(): void {
    this.advance(performance.now())
    this.failedCount++
  }

  /** The series of a window that lasted `durationMs`; the recorder's memory is released. */
  finish(durationMs: number): LoadSeries {
    // The window's end is timed on another clock than its start, so a 9 s window can measure a few ms
    // short; a last second missing less than this much still counts as whole.
    const whole = Math.floor((durationMs + SHORT_SECOND_MS) / 1000)
    while (this.series.rps.length < whole) this.flush()
    const trim = (list: number[]): number[] => list.slice(0, whole)
    const out: LoadSeries = {
      rps: trim(this.series.rps),
      errors: trim(this.series.errors),
      p50Us: trim(this.series.p50Us),
      p99Us: trim(this.series.p99Us),
    }
    this.histogram.destroy()
    return out
  }

  private advance(nowMs: number): void {
    const second = Math.floor((nowMs - this.startMs) / 1000)
    while (this.current < second) this.flush()
  }

  private flush(): void {
    const empty = this.histogram.totalCount === 0
    this.series.rps.push(this.okCount)
    this.series.errors.push(this.failedCount)
    this.series.p50Us.push(empty ? 0 : this.histogram.getValueAtPercentile(50))
    this.series.p99Us.push(empty ? 0 : this.histogram.getValueAtPercentile(99))
    this.histogram.reset()
    this.okCount = 0
    this.failedCount = 0
    this.current++
  }
}
