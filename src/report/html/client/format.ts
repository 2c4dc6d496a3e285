// Numbers as the charts show them: values with their unit in legends, bare numbers on axis ticks
// (the axis label carries the unit), percentiles from the `1 / (1 − p)` axis.
import type { XScale, YUnit } from '../page-types.js'

function trimmed(value: number, digits: number): string {
  return Number(value.toFixed(digits)).toLocaleString('en-US', { maximumFractionDigits: digits })
}

function digitsFor(value: number): number {
  const abs = Math.abs(value)
  return abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3
}

/** A value in its unit, with as many digits as its size deserves. */
export function formatValue(value: number, unit: YUnit): string {
  return unit === '%' ? `${trimmed(value, digitsFor(value))} %` : `${trimmed(value, digitsFor(value))} ${unit}`
}

/** `latency p99 (ms)`; a label that already names its unit keeps it once. */
export function axisLabel(label: string, unit: YUnit): string {
  return label.endsWith(`(${unit})`) ? label : `${label} (${unit})`
}

/** An axis tick: the number alone, as the axis label carries the unit. */
export function tickLabel(value: number): string {
  return trimmed(value, digitsFor(value))
}

/** `1 / (1 − p)` back to the percentile it stands for: 10 → `90 %`, 1000 → `99.9 %`. */
export function percentileLabel(x: number): string {
  return `${Number((100 * (1 - 1 / x)).toPrecision(6))} %`
}

/** An x value in the legend: a percentile, a date, or the number after the legend's name. */
export function xValueLabel(scale: XScale, value: number): string {
  if (scale === 'percentile') return percentileLabel(value)
  if (scale === 'time') return new Date(value * 1000).toISOString().slice(0, 16).replace('T', ' ')
  return tickLabel(value)
}
