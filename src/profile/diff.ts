// What grew: two folded profiles of the same scenario (the base's profiled round and the head's),
// each normalised per request served during its round, compared function by function. Pure.
//
// ## The numbers
// - **Self time per request** of a function f on a side: the CPU time of the samples whose leaf is f,
//   divided by the requests the app served in that profiled round (µs/request). Per request, because
//   a slower head serves fewer requests in the same seconds: raw time would hide the change.
// - **Change**: head − base, µs/request. The functions are ranked by it, largest growth first.
// - **Share of the regression**: f's change over the change of the whole profile (all CPU per
//   request, head − base). It is given only when the whole grew: when CPU per request did not grow,
//   the slowdown is not the app's CPU (waiting on I/O, a lock, another service) and the shares of a
//   difference near zero would mean nothing. Shares of the grown functions can add up to more than
//   100 % when others shrank.
// - **Sampling error** of a change: a profile counts samples, so f's n samples on a side are taken as
//   Poisson with variance n (independent sampling ticks; the standard model of sampling profilers,
//   e.g. Gregg, "Systems Performance", 2nd ed., §6.5.4). With period s µs and R requests, f's time per
//   request n·s/R has variance n·s²/R², and a change the sum of both sides'. `noiseUs` is twice its
//   square root (≈ 95 % under the normal approximation, fine from about 10 samples); a change within
//   it is flagged `withinNoise` and never ranked first over one that is not. It covers the sampling
//   only, not the round-to-round variation of the app itself (one profiled round per side cannot see
//   that): __tests__/profile/diff.test.ts checks the flag's false-alarm rate on simulated profiles.
// - **New in the head**: functions on no stack of the base's profile but on some of the head's,
//   ranked by their inclusive time per request in the head (a new wrapper spends little self time),
//   kept when that time is beyond twice its sampling error (more than 4 samples).
// - **The machine's speed**: one profiled round a side, taken a few seconds apart, meets the runner's
//   slow and fast stretches as any round does (a pinned app's CPU per request moved between about
//   230 and 440 µs on this project's machine). When the speed probe ran beside both rounds
//   (app.cpus: separate, src/app/speed-probe.ts), each side's times are scaled to the geometric mean
//   of the two readings, as the paired comparison adjusts a pair (src/compare/speed-adjust.ts): at
//   the slope the run's pairs fitted for CPU per request when there is one (an app may slow more than
//   the probe: 1.1–1.4 on this project's machine), else at the prior slope of 1. Done by dividing
//   the side's requests by its factor, so that times per request and their sampling variance come
//   out scaled alike.
import { frameLabel, type FoldedProfile, type Frame } from './folded.js'

/** One side of the diff: its folded profile and the requests its profiled round served. */
export interface ProfiledSide {
  readonly profile: FoldedProfile
  readonly requests: number
  /** The speed probe's reading over the side's profiled round, µs a unit (speed-probe.ts), when it ran. */
  readonly speedUs?: number
}

/** One function's change between the sides. */
export interface FunctionChange {
  readonly frame: Frame
  /** `name (file:line)`. */
  readonly label: string
  /** Self time per request, µs. */
  readonly baseUs: number
  readonly headUs: number
  /** headUs − baseUs. */
  readonly changeUs: number
  /** changeUs over the whole profile's change per request; absent when the whole did not grow. */
  readonly share?: number
  /** Twice the sampling standard error of changeUs (see the file's notes). */
  readonly noiseUs: number
  /** The change is within `noiseUs`. */
  readonly withinNoise: boolean
  /** On no stack of the base's profile. */
  readonly isNew: boolean
  /** Inclusive time per request in the head, µs (time with the function anywhere on the stack). */
  readonly headInclusiveUs: number
}

/** A node of the differential flame graph: a call path, its inclusive time per request on each side. */
export interface FlameNode {
  readonly name: string
  readonly baseUs: number
  readonly headUs: number
  readonly children: readonly FlameNode[]
}

/** The whole comparison of two profiles of one entry. */
export interface ProfileDiff {
  readonly base: SideTotals
  readonly head: SideTotals
  /** CPU per request, head − base, µs. */
  readonly changeUs: number
  /** Functions whose self time per request grew, largest change first (at most `limit`). */
  readonly grew: readonly FunctionChange[]
  /** Functions only the head's profile has, by inclusive time (at most `limit`). */
  readonly appeared: readonly FunctionChange[]
  /** The merged call tree, per request, pruned to the paths that matter. */
  readonly flame: FlameNode
  /** The speed probe's readings (µs a unit) the times were scaled by, and at what slope, when both sides had one. */
  readonly speed?: { readonly baseUs: number; readonly headUs: number; readonly slope: number }
}

/** A side's totals. */
export interface SideTotals {
  /** All CPU per request, µs. */
  readonly cpuUs: number
  readonly requests: number
  /** Samples in the profile. */
  readonly samples: number
}

/** How much of the diff to keep. */
export interface DiffOptions {
  /** Functions kept in `grew` and `appeared`. Default 20. */
  readonly limit?: number
  /** Flame graph nodes narrower than this share of the wider side's total are left out. Default 0.002. */
  readonly minFlameShare?: number
  /** Deepest call path drawn. Default 64. */
  readonly maxDepth?: number
  /** The slope of CPU per request on the probe the run's pairs fitted (speed-adjust.ts); default 1. */
  readonly speedSlope?: number
}

interface Tally {
  readonly frame: Frame
  selfUs: number
  inclusiveUs: number
}

function tally(profile: FoldedProfile): Map<string, Tally> {
  const byId = new Map<string, Tally>()
  const entry = (id: string): Tally => {
    let t = byId.get(id)
    if (t === undefined) {
      t = { frame: profile.frames.get(id) ?? { name: id }, selfUs: 0, inclusiveUs: 0 }
      byId.set(id, t)
    }
    return t
  }
  for (const [key, us] of profile.stacks) {
    const ids = key.split(';')
    // A recursive function counts once per stack for its inclusive time.
    for (const id of new Set(ids)) entry(id).inclusiveUs += us
    const leaf = ids.at(-1)
    if (leaf !== undefined) entry(leaf).selfUs += us
  }
  return byId
}

function perRequest(us: number, requests: number): number {
  return requests > 0 ? us / requests : 0
}

/** Variance of a time per request made of `us` of samples of `sampleUs` each, over `requests`. */
function samplingVariance(us: number, sampleUs: number, requests: number): number {
  return requests > 0 ? (us * sampleUs) / (requests * requests) : 0
}

interface MutableNode {
  readonly name: string
  baseUs: number
  headUs: number
  readonly children: Map<string, MutableNode>
}

function flameTree(base: ProfiledSide, head: ProfiledSide, minShare: number, maxDepth: number): FlameNode {
  const root: MutableNode = { name: 'all', baseUs: 0, headUs: 0, children: new Map() }
  const add = (side: ProfiledSide, which: 'baseUs' | 'headUs'): void => {
    for (const [key, us] of side.profile.stacks) {
      const value = perRequest(us, side.requests)
      root[which] += value
      let node = root
      for (const id of key.split(';').slice(0, maxDepth)) {
        const frame = side.profile.frames.get(id)
        const name = frame === undefined ? id : frameLabel(frame)
        let child = node.children.get(id)
        if (child === undefined) {
          child = { name, baseUs: 0, headUs: 0, children: new Map() }
          node.children.set(id, child)
        }
        child[which] += value
        node = child
      }
    }
  }
  add(base, 'baseUs')
  add(head, 'headUs')
  const floor = Math.max(root.baseUs, root.headUs) * minShare
  const freeze = (node: MutableNode): FlameNode => ({
    name: node.name,
    baseUs: node.baseUs,
    headUs: node.headUs,
    children: [...node.children.values()]
      .filter((child) => Math.max(child.baseUs, child.headUs) >= floor)
      .sort((a, b) => Math.max(b.baseUs, b.headUs) - Math.max(a.baseUs, a.headUs))
      .map(freeze),
  })
  return freeze(root)
}

/** Both sides at one machine speed (see the notes at the top of this file), or as they are without both readings. */
function atOneSpeed(
  base: ProfiledSide,
  head: ProfiledSide,
  slope: number,
): { base: ProfiledSide; head: ProfiledSide; speed?: NonNullable<ProfileDiff['speed']> } {
  const b = base.speedUs ?? 0
  const h = head.speedUs ?? 0
  if (!(b > 0 && h > 0 && Number.isFinite(slope))) return { base, head }
  const mean = Math.sqrt(b * h)
  return {
    base: { ...base, requests: base.requests * (b / mean) ** slope },
    head: { ...head, requests: head.requests * (h / mean) ** slope },
    speed: { baseUs: b, headUs: h, slope },
  }
}

/** Compares the base's and the head's profiles of one entry (see the notes at the top of this file). */
export function diffProfiles(measuredBase: ProfiledSide, measuredHead: ProfiledSide, options: DiffOptions = {}): ProfileDiff {
  const { base, head, speed } = atOneSpeed(measuredBase, measuredHead, options.speedSlope ?? 1)
  const limit = options.limit ?? 20
  const baseTally = tally(base.profile)
  const headTally = tally(head.profile)
  const baseCpu = perRequest(base.profile.totalUs, base.requests)
  const headCpu = perRequest(head.profile.totalUs, head.requests)
  const changeUs = headCpu - baseCpu
  const changes: FunctionChange[] = []
  for (const id of new Set([...baseTally.keys(), ...headTally.keys()])) {
    const b = baseTally.get(id)
    const h = headTally.get(id)
    const baseUs = perRequest(b?.selfUs ?? 0, base.requests)
    const headUs = perRequest(h?.selfUs ?? 0, head.requests)
    const variance =
      samplingVariance(b?.selfUs ?? 0, base.profile.sampleUs, base.requests) +
      samplingVariance(h?.selfUs ?? 0, head.profile.sampleUs, head.requests)
    const noiseUs = 2 * Math.sqrt(variance)
    const frame = h?.frame ?? b?.frame ?? { name: id }
    changes.push({
      frame,
      label: frameLabel(frame),
      baseUs,
      headUs,
      changeUs: headUs - baseUs,
      ...(changeUs > 0 ? { share: (headUs - baseUs) / changeUs } : {}),
      noiseUs,
      withinNoise: Math.abs(headUs - baseUs) <= noiseUs,
      isNew: b === undefined,
      headInclusiveUs: perRequest(h?.inclusiveUs ?? 0, head.requests),
    })
  }
  // A change beyond its sampling noise outranks any within it, however large.
  const grew = changes
    .filter((c) => c.changeUs > 0)
    .sort((a, b) => Number(a.withinNoise) - Number(b.withinNoise) || b.changeUs - a.changeUs)
    .slice(0, limit)
  // A new function seen in a sample or two is sampling luck: kept only when its inclusive time is
  // beyond twice its own sampling error.
  const beyondNoise = (c: FunctionChange): boolean =>
    c.headInclusiveUs > 2 * Math.sqrt(samplingVariance(c.headInclusiveUs * head.requests, head.profile.sampleUs, head.requests))
  const appeared = changes
    .filter((c) => c.isNew && c.headInclusiveUs > 0 && beyondNoise(c))
    .sort((a, b) => b.headInclusiveUs - a.headInclusiveUs)
    .slice(0, limit)
  const samples = (side: ProfiledSide): number => (side.profile.sampleUs > 0 ? Math.round(side.profile.totalUs / side.profile.sampleUs) : 0)
  return {
    base: { cpuUs: baseCpu, requests: measuredBase.requests, samples: samples(base) },
    head: { cpuUs: headCpu, requests: measuredHead.requests, samples: samples(head) },
    changeUs,
    grew,
    appeared,
    flame: flameTree(base, head, options.minFlameShare ?? 0.002, options.maxDepth ?? 64),
    ...(speed === undefined ? {} : { speed }),
  }
}
