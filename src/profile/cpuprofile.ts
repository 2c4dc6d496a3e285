// V8's CPU profile (`node --cpu-prof` writes one `.cpuprofile` per process at exit; Chrome DevTools and
// speedscope open it) folded to collapsed stacks, optionally only the samples taken within a window
// of time: the profiled round's measured seconds, not the app's start-up or warm-up.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Folder, type FoldedProfile, type Frame } from './folded.js'

/** A window of the monotonic clock, µs (what `process.hrtime` and V8's profile timestamps share on Linux). */
export interface WindowUs {
  readonly fromUs: number
  readonly toUs: number
}

interface ProfileNode {
  readonly id: number
  readonly frame: Frame | undefined
  readonly children: readonly number[]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function numbers(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'number') ? value : undefined
}

/** A script's URL as a path relative to `root` when it is inside it; `node:` and other URLs as they are. */
function fileOf(url: string, root: string | undefined): string | undefined {
  if (url === '') return undefined
  let file = url
  if (url.startsWith('file://')) {
    try {
      file = fileURLToPath(url)
    } catch {
      return url
    }
  }
  if (root === undefined || !path.isAbsolute(file)) return file
  const relative = path.relative(root, file)
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative
}

// V8's pseudo-frames: the root carries nothing, and idle time is no CPU spent.
const SKIPPED = new Set(['(root)'])
const NOT_CPU = '(idle)'

/**
 * Folds a parsed `.cpuprofile`, each sample counting for the median interval between samples. Files are made
 * relative to `root` (the app's directory) so that the base's checkout, in another directory, names
 * the same file alike. Throws when the document is no CPU profile.
 */
export function foldCpuProfile(profile: unknown, options: { readonly root?: string; readonly window?: WindowUs } = {}): FoldedProfile {
  if (!isRecord(profile) || !Array.isArray(profile['nodes'])) throw new Error('not a V8 CPU profile: no nodes')
  const samples = numbers(profile['samples'])
  const deltas = numbers(profile['timeDeltas'])
  const startTime = profile['startTime']
  if (samples === undefined || deltas === undefined || typeof startTime !== 'number' || samples.length !== deltas.length) {
    throw new Error('not a V8 CPU profile: samples, timeDeltas and startTime are missing or disagree')
  }
  const nodes = new Map<number, ProfileNode>()
  const parent = new Map<number, number>()
  for (const raw of profile['nodes']) {
    if (!isRecord(raw) || typeof raw['id'] !== 'number' || !isRecord(raw['callFrame'])) continue
    const call = raw['callFrame']
    const name = typeof call['functionName'] === 'string' && call['functionName'] !== '' ? call['functionName'] : '(anonymous)'
    const url = typeof call['url'] === 'string' ? call['url'] : ''
    const line = typeof call['lineNumber'] === 'number' && call['lineNumber'] >= 0 ? call['lineNumber'] + 1 : undefined
    const file = fileOf(url, options.root)
    const frame: Frame | undefined = SKIPPED.has(name)
      ? undefined
      : { name, ...(file === undefined ? {} : { file }), ...(line === undefined ? {} : { line }) }
    const children = numbers(raw['children']) ?? []
    nodes.set(raw['id'], { id: raw['id'], frame, children })
    for (const child of children) parent.set(child, raw['id'])
  }
  const stackOf = new Map<number, Frame[]>()
  const stack = (id: number): Frame[] => {
    const known = stackOf.get(id)
    if (known !== undefined) return known
    const frames: Frame[] = []
    // Walk up to the root; a cycle (a corrupt file) ends the walk rather than the process.
    const seen = new Set<number>()
    for (let at: number | undefined = id; at !== undefined && !seen.has(at); at = parent.get(at)) {
      seen.add(at)
      const frame = nodes.get(at)?.frame
      if (frame !== undefined) frames.push(frame)
    }
    frames.reverse()
    stackOf.set(id, frames)
    return frames
  }
  const times: number[] = []
  let t = startTime
  for (const delta of deltas) {
    t += delta
    times.push(t)
  }
  // Every sample counts for the typical interval (samples × period, as pprof does): the gap after a
  // sample is longer when the machine kept the app's thread waiting, which is no CPU of the app's.
  const sorted = [...deltas].filter((d) => d > 0).sort((a, b) => a - b)
  const typical = sorted[Math.floor(sorted.length / 2)] ?? 0
  const folder = new Folder().period(typical)
  for (let i = 0; i < samples.length; i++) {
    const at = times[i] ?? 0
    if (options.window !== undefined && (at < options.window.fromUs || at > options.window.toUs)) continue
    const frames = stack(samples[i] ?? -1)
    const leaf = frames.at(-1)
    if (leaf === undefined || leaf.name === NOT_CPU) continue
    folder.add(frames, typical)
  }
  return folder.result()
}
