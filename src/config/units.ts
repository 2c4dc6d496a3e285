// Parsers for the human units users write in cannonade.yml. The JSON Schema checks the shape of each
// string with the same patterns, so by the time these run the input is known to be well formed; they
// still throw on bad input because the CLI flags (--duration) reach them without the schema.
import { InputError } from '../errors.js'

/** Pattern of a duration: a non-negative number followed by `ms`, `s` or `m`. */
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m)$'
/** Pattern of a size: a non-negative number followed by B, KB, MB, GB (or KiB, MiB, GiB). */
export const SIZE_PATTERN = '^[0-9]+(\\.[0-9]+)?(B|KB|MB|GB|KiB|MiB|GiB)$'
/** Pattern of a percentage: a non-negative number followed by `%`. */
export const PERCENT_PATTERN = '^[0-9]+(\\.[0-9]+)?%$'

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 }
// Memory sizes are powers of 1024, as ps, top and the kernel report them.
const SIZE_BYTES: Record<string, number> = {
  B: 1,
  KB: 1024,
  KiB: 1024,
  MB: 1024 ** 2,
  MiB: 1024 ** 2,
  GB: 1024 ** 3,
  GiB: 1024 ** 3,
}

function parseWithUnit(text: string, pattern: string, units: Record<string, number>, what: string): number {
  const match = new RegExp(pattern).exec(text.trim())
  const unit = match?.[2] ?? match?.[3]
  const factor = unit === undefined ? undefined : units[unit]
  if (match === null || factor === undefined) throw new Error(`expected ${what}, got ${JSON.stringify(text)}`)
  return Number.parseFloat(text) * factor
}

/** Parses `500ms`, `5s`, `1.5m` into milliseconds. */
export function parseDurationMs(text: string): number {
  return parseWithUnit(text, DURATION_PATTERN, DURATION_MS, 'a duration like 500ms, 5s or 1m')
}

/** Parses `200MB`, `1.5GB`, `512KiB` into bytes. */
export function parseSizeBytes(text: string): number {
  return parseWithUnit(text, SIZE_PATTERN, SIZE_BYTES, 'a size like 512KB, 200MB or 1GB')
}

/** Parses `5%` into the fraction 0.05. */
export function parsePercent(text: string): number {
  if (!new RegExp(PERCENT_PATTERN).test(text.trim())) {
    throw new Error(`expected a percentage like 5%, got ${JSON.stringify(text)}`)
  }
  return Number.parseFloat(text) / 100
}

/** Formats a duration in ms the way users write it, for messages and summaries. */
export function formatDurationMs(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`
  if (ms >= 1000) return `${ms / 1000}s`
  return `${ms}ms`
}

/** Formats a size in bytes the way users write it: `512B`, `64KB`, `1.5MB`. */
export function formatSizeBytes(bytes: number): string {
  for (const [unit, factor] of [
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ] as const) {
    if (bytes >= factor) return `${Number((bytes / factor).toFixed(2))}${unit}`
  }
  return `${bytes}B`
}

/**
 * A duration given on the command line or as an action input, where no schema has looked at it yet:
 * more than 0 and at most `maxMs`, else an InputError naming `what` (`--duration`, `input 'budget'`).
 */
export function parseBoundedDurationMs(text: string, what: string, maxMs: number): number {
  let ms = 0
  try {
    ms = parseDurationMs(text)
  } catch {
    // reported below, with what was given and where
  }
  if (ms <= 0 || ms > maxMs) {
    throw new InputError([`${what}: must be a duration like 500ms, 5s or 1m, at most ${formatDurationMs(maxMs)}, got "${text}"`])
  }
  return ms
}
