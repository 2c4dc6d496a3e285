// A CPU profile folded to collapsed stacks: every distinct call stack (root first) with the CPU time
// spent with it on top. Whatever the profiler (V8's .cpuprofile, perf, a user's command), both sides of
// a comparison are brought to this one shape before they are diffed (diff.ts), so the maths never
// knows where the samples came from.

/** One function as a profile names it. */
export interface Frame {
  /** The function's name, `(anonymous)` when it has none, or `[unknown]` for an address perf could not name. */
  readonly name: string
  /** The file (relative to the app's directory when inside it) or shared object it lives in, when known. */
  readonly file?: string
  /** 1-based line of the function's start, when known. */
  readonly line?: number
}

/**
 * A folded profile. `stacks` maps a stack (frame ids, root first, joined by `;`) to the CPU time it
 * was on top, µs; `frames` names each id. An id is the function's name and file without its line,
 * so that a function that merely moved (lines added above it in the head) is still the same
 * function in both sides; anonymous functions keep their line, having nothing else to tell them apart.
 */
export interface FoldedProfile {
  readonly stacks: ReadonlyMap<string, number>
  readonly frames: ReadonlyMap<string, Frame>
  /** All the CPU time in the profile, µs. */
  readonly totalUs: number
  /** What one sample weighs, µs (the sampling period): the diff's sampling error counts samples. */
  readonly sampleUs: number
}

/** The id of a frame (see {@link FoldedProfile}); never contains `;`, which separates frames. */
export function frameId(frame: Frame): string {
  const where = frame.file === undefined ? '' : ` ${frame.file}`
  const line = frame.name === '(anonymous)' && frame.line !== undefined ? `:${frame.line}` : ''
  return `${frame.name}${where}${line}`.replace(/;/g, ',')
}

/** `name (file:line)`, how a frame is shown. */
export function frameLabel(frame: Frame): string {
  if (frame.file === undefined) return frame.name
  return `${frame.name} (${frame.file}${frame.line === undefined ? '' : `:${frame.line}`})`
}

/** Builds a FoldedProfile one sample at a time. */
export class Folder {
  private readonly stacks = new Map<string, number>()
  private readonly frames = new Map<string, Frame>()
  private totalUs = 0
  private sampleUs = 0

  /** Adds `us` of CPU time to the stack `frames` (root first). Empty stacks and non-positive times are ignored. */
  add(frames: readonly Frame[], us: number): void {
    if (frames.length === 0 || !(us > 0)) return
    const ids = frames.map((frame) => {
      const id = frameId(frame)
      if (!this.frames.has(id)) this.frames.set(id, frame)
      return id
    })
    const key = ids.join(';')
    this.stacks.set(key, (this.stacks.get(key) ?? 0) + us)
    this.totalUs += us
    if (this.sampleUs === 0) this.sampleUs = us
  }

  /** Sets the sampling period, µs, when it is known rather than seen (a count of samples times it). */
  period(sampleUs: number): this {
    if (sampleUs > 0) this.sampleUs = sampleUs
    return this
  }

  /** Adds every stack of another folded profile (several processes of one app make one profile). */
  addProfile(profile: FoldedProfile): void {
    for (const [key, us] of profile.stacks) {
      const frames = key.split(';').map((id) => profile.frames.get(id) ?? { name: id })
      this.add(frames, us)
    }
    if (this.sampleUs === 0 || profile.sampleUs > 0) this.period(profile.sampleUs)
  }

  result(): FoldedProfile {
    return { stacks: new Map(this.stacks), frames: new Map(this.frames), totalUs: this.totalUs, sampleUs: this.sampleUs }
  }
}

/**
 * The profile as collapsed-stack text (`a;b;c 1234`, one stack a line, the number in µs), the format
 * flamegraph.pl, speedscope and inferno read. Frames are shown by their labels (`name (file:line)`).
 */
export function collapsedText(profile: FoldedProfile): string {
  const lines: string[] = []
  for (const [key, us] of profile.stacks) {
    const labels = key.split(';').map((id) => {
      const frame = profile.frames.get(id)
      return (frame === undefined ? id : frameLabel(frame)).replace(/[;\n]/g, ',')
    })
    lines.push(`${labels.join(';')} ${Math.round(us)}`)
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}

/**
 * Reads collapsed-stack text as a profiler writes it (py-spy `--format raw`, async-profiler
 * `collapsed`, stackcollapse-perf.pl): `frame;frame;frame COUNT` per line, root first. Each count is
 * taken as that many samples of `sampleUs` each. A frame written `name (file:line)` or
 * `name [file:line]`, or py-spy's `name (file:line)`, keeps its file and line; anything else is a
 * name. Lines that do not end in a number are skipped (a header, a blank line).
 */
export function parseCollapsed(text: string, sampleUs: number): FoldedProfile {
  const folder = new Folder().period(sampleUs)
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    const match = /^(.*\S)\s+(\d+(?:\.\d+)?)$/.exec(line)
    if (match === null) continue
    const [, stack = '', count = '0'] = match
    folder.add(
      stack.split(';').map((part) => parseFrameLabel(part.trim())),
      Number(count) * sampleUs,
    )
  }
  return folder.result()
}

/** `name (file:line)` or `name [file:line]` back to a Frame; a bare name stays a name. */
export function parseFrameLabel(label: string): Frame {
  const match = /^(.+?)\s*[([]([^()[\]]+?)(?::(\d+))?[)\]]$/.exec(label)
  if (match === null) return { name: label === '' ? '[unknown]' : label }
  const [, name = label, file = '', line] = match
  return { name, file, ...(line === undefined ? {} : { line: Number(line) }) }
}
