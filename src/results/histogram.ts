// Latency in microseconds. autocannon's own histogram keeps whole milliseconds (a 0.7 ms endpoint
// reports p50 = 0), so every response time is recorded again here at 1 µs resolution.
import * as hdr from 'hdr-histogram-js'
import type { LatencyMetric } from '../config/plan.js'

/** The recorder type; an HDR histogram of microseconds. */
export type Histogram = hdr.Histogram

/** Longest latency we can record: one minute. Longer values are clamped to it. */
export const MAX_LATENCY_US = 60_000_000

/**
 * A new empty histogram: 1 µs to 60 s, 3 significant digits (0.1 % value error). Its counts are a
 * plain array of 32-bit integers (70 KB): recording a value costs 0.35 µs, against 1.8 µs in the
 * packed form, on the thread that times every response. Both encode to the same text.
 */
export function createHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_LATENCY_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    useWebAssembly: false,
  })
}

function toMicros(latencyMs: number): number {
  return Math.min(MAX_LATENCY_US, Math.max(1, Math.round(latencyMs * 1000)))
}

/** Records one response time given in (fractional) milliseconds. */
export function recordLatency(histogram: Histogram, latencyMs: number): void {
  histogram.recordValue(toMicros(latencyMs))
}

/** Latency statistics of one histogram, in microseconds; zeros when empty. */
export type LatencySummary = Record<LatencyMetric, number>

/** Reads the percentiles, mean and max out of a histogram. */
export function summarise(histogram: Histogram): LatencySummary {
  if (histogram.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, mean: 0, max: 0 }
  return {
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p95: histogram.getValueAtPercentile(95),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    mean: Math.round(histogram.mean * 10) / 10,
    max: histogram.maxValue,
  }
}

/** Serialises a histogram losslessly (compressed, base64) for results.json. */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram)
}

/** Reads a histogram written by encodeHistogram; throws on corrupt input. */
export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 'packed', false)
}

/** Adds several encoded histograms into one, e.g. the rounds of an entry or the shards of a suite. */
export function mergeHistograms(encoded: readonly string[]): Histogram {
  const merged = createHistogram()
  for (const text of encoded) {
    const one = decodeHistogram(text)
    merged.add(one)
    one.destroy()
  }
  return merged
}
