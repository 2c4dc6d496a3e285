// The body of the worker thread that samples the app's process group, so that no /proc scan and no
// `ps` ever runs on the thread that times responses (a synchronous scan of a few hundred processes
// blocks it for milliseconds, which lands in p99 of a fast route).
//
// It is sent to the worker as source text (`new Worker(code, { eval: true })`) because a bundle has
// no worker file beside it. So this function must be self-contained: no imports, no outer names;
// the modules it needs come in as arguments, required inside the worker.

/** What the sampler needs to know, passed as the worker's data. */
export interface SamplerOptions {
  readonly pgid: number
  readonly intervalMs: number
  /** How often /proc is listed for new members of the group; known members are read every interval. */
  readonly rescanMs: number
  /** The kernel page size, asked once by the main thread before any measuring. */
  readonly pageBytes: number
  readonly linux: boolean
  /** A cgroup v2 directory to read instead of the group (`app.container`): cpu.stat and memory.current. */
  readonly cgroupDir?: string
  /**
   * The CPUs the group runs on alone (app.cpus: separate, Linux): each window also says how much of
   * their time other processes took.
   */
  readonly ownCpus?: readonly number[]
}

/**
 * Main thread to sampler. `begin` may name processes of Cannonade's own that run on the group's CPUs
 * (the speed probe), which are not counted as other work there.
 */
export type SamplerRequest = { readonly type: 'begin'; readonly ours?: readonly number[] } | { readonly type: 'end' }

/** What the group used during one window (also the reply to `end`). */
export interface SampledWindow {
  readonly type: 'window'
  /** CPU used as a percentage of one core (200 % = two cores busy). */
  readonly cpuPercent: number
  readonly cpuMs: number
  readonly rssMaxBytes: number
  readonly rssMeanBytes: number
  /** Memory at the end of the window, to follow growth from round to round. */
  readonly rssEndBytes: number
  /** Second by second from the start of the window (whole seconds only): CPU % of one core, RSS at the second's end. */
  readonly perSecond: { readonly cpuPercent: number[]; readonly rssBytes: number[] }
  /**
   * With `ownCpus`: the CPU time other processes used on those CPUs during the window, as a percentage
   * of their time (100 % = other work had them all).
   */
  readonly othersCpuPercent?: number
  /**
   * On Linux (not a container): the group's access to a CPU during the window, its threads' time on
   * one over their time on one and runnable waiting for one (/proc/PID/task/TID/schedstat), 0–1.
   */
  readonly cpuAccess?: number
}

/**
 * Runs inside the worker. Membership of the group is cached: /proc is listed at most every
 * `rescanMs` (and at the edges of a window), and only processes not seen before have their stat read
 * to learn their group; every interval only the known members' stat files are read. A pid reused by
 * a new member of the group between two listings would be missed, which the kernel's increasing pid
 * allocation makes rare.
 */
export function samplerMain(
  threads: typeof import('node:worker_threads'),
  fs: typeof import('node:fs'),
  childProcess: typeof import('node:child_process'),
): void {
  const port = threads.parentPort
  const options: SamplerOptions = threads.workerData
  if (port === null) return
  // Linux reports CPU in clock ticks of 1/100 s on every architecture Node supports (USER_HZ).
  const TICK_MS = 10
  const members = new Set<string>()
  const seen = new Set<string>()
  let lastRescan = -Infinity

  // The /proc/PID/stat fields after the command name; undefined once the process is gone.
  const statFields = (pid: string): string[] | undefined => {
    let stat: string
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      return undefined
    }
    // The command name is in parentheses and may hold spaces; fields after it are fixed.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  }
  const rescan = (): void => {
    lastRescan = performance.now()
    const listed = new Set(fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)))
    for (const pid of seen) if (!listed.has(pid)) seen.delete(pid)
    for (const pid of listed) {
      if (seen.has(pid)) continue
      seen.add(pid)
      const fields = statFields(pid)
      if (fields !== undefined && Number(fields[2]) === options.pgid) members.add(pid)
    }
  }
  const readLinux = (): { cpuMs: number; rssBytes: number } => {
    if (performance.now() - lastRescan >= options.rescanMs) rescan()
    let cpuMs = 0
    let rssBytes = 0
    for (const pid of members) {
      const fields = statFields(pid)
      if (fields === undefined) {
        members.delete(pid)
        continue
      }
      cpuMs += (Number(fields[11]) + Number(fields[12])) * TICK_MS
      rssBytes += Number(fields[21]) * options.pageBytes
    }
    return { cpuMs, rssBytes }
  }
  // `[[dd-]hh:]mm:ss[.cc]` as ps prints cputime, in ms.
  const psTimeMs = (text: string): number => {
    const [days, clock] = text.includes('-') ? text.split('-') : ['0', text]
    let seconds = 0
    for (const part of (clock ?? '').split(':')) seconds = seconds * 60 + Number(part)
    return (Number(days) * 86_400 + seconds) * 1000
  }
  // Elsewhere (a laptop running the CLI) ps is the portable way to see a process group.
  const readPs = (): { cpuMs: number; rssBytes: number } => {
    const out = childProcess.execFileSync('ps', ['-A', '-o', 'pgid=,rss=,time='], { encoding: 'utf8' })
    let cpuMs = 0
    let rssBytes = 0
    for (const line of out.split('\n')) {
      const [group, rssKb, time] = line.trim().split(/\s+/)
      if (Number(group) !== options.pgid || time === undefined) continue
      cpuMs += psTimeMs(time)
      rssBytes += Number(rssKb) * 1024
    }
    return { cpuMs, rssBytes }
  }
  // A container's cgroup counts every process in it, however it was started: CPU in µs since it began,
  // memory as the kernel charges it (page cache included, which RSS leaves out).
  const readCgroup = (dir: string): { cpuMs: number; rssBytes: number } => {
    const usage = /^usage_usec (\d+)$/m.exec(fs.readFileSync(`${dir}/cpu.stat`, 'utf8'))?.[1]
    return { cpuMs: Number(usage ?? 0) / 1000, rssBytes: Number(fs.readFileSync(`${dir}/memory.current`, 'utf8').trim()) }
  }
  // The group's CPUs' busy and total time (ms) from /proc/stat, less what `ours` used: time neither the
  // group nor Cannonade spent there, seen from outside. Steal counts as time the CPUs had, not as busy.
  const ownCpus = options.ownCpus ?? []
  let ours: readonly number[] = []
  const cpuTime = (): { busyMs: number; totalMs: number; oursMs: number } | undefined => {
    if (ownCpus.length === 0 || !options.linux) return undefined
    let busyMs = 0
    let totalMs = 0
    try {
      for (const line of fs.readFileSync('/proc/stat', 'utf8').split('\n')) {
        const match = /^cpu(\d+) +(.*)$/.exec(line)
        if (match === null || !ownCpus.includes(Number(match[1]))) continue
        const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = (match[2] ?? '')
          .split(' ')
          .map(Number)
        const busy = user + nice + system + irq + softirq
        busyMs += busy * TICK_MS
        totalMs += (busy + idle + iowait + steal) * TICK_MS
      }
    } catch {
      return undefined
    }
    let oursMs = 0
    for (const pid of ours) {
      const fields = statFields(String(pid))
      if (fields !== undefined) oursMs += (Number(fields[11]) + Number(fields[12])) * TICK_MS
    }
    return { busyMs, totalMs, oursMs }
  }
  // Each thread of the group's time on a CPU and time runnable but waiting for one (ns), by thread id.
  // A thread that ends within a window takes its times with it; one that starts counts from zero.
  const schedTimes = (): Map<string, readonly [number, number]> | undefined => {
    if (!options.linux || options.cgroupDir !== undefined) return undefined
    const times = new Map<string, readonly [number, number]>()
    for (const pid of members) {
      let threads: string[]
      try {
        threads = fs.readdirSync(`/proc/${pid}/task`)
      } catch {
        continue // a process that ended meanwhile: the others' threads still say how the group fared
      }
      for (const tid of threads) {
        try {
          const [run = NaN, wait = NaN] = fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number)
          if (Number.isFinite(run) && Number.isFinite(wait)) times.set(tid, [run, wait])
        } catch {
          // the thread ended meanwhile
        }
      }
    }
    // No thread read (no schedstat on this kernel): the window says nothing.
    return times.size > 0 ? times : undefined
  }
  const accessBetween = (
    from: Map<string, readonly [number, number]> | undefined,
    to: Map<string, readonly [number, number]> | undefined,
  ): number | undefined => {
    if (from === undefined || to === undefined) return undefined
    let run = 0
    let wait = 0
    for (const [tid, [r, w]] of to) {
      const [r0, w0] = from.get(tid) ?? [0, 0]
      run += Math.max(0, r - r0)
      wait += Math.max(0, w - w0)
    }
    return run + wait > 0 ? run / (run + wait) : undefined
  }
  const read = (): { atMs: number; cpuMs: number; rssBytes: number } => {
    const atMs = performance.now()
    try {
      if (options.cgroupDir !== undefined) return { atMs, ...readCgroup(options.cgroupDir) }
      return { atMs, ...(options.linux ? readLinux() : readPs()) }
    } catch {
      return { atMs, cpuMs: 0, rssBytes: 0 } // no /proc or no ps: nothing to report, never a crash
    }
  }

  let timer: NodeJS.Timeout | undefined
  let start = read()
  let startCpus: ReturnType<typeof cpuTime>
  let startSched: ReturnType<typeof schedTimes>
  let rss: number[] = []
  // The reading at (or just after) each whole second of the window, for the per-second series; the
  // rest are only kept as RSS for the mean and peak.
  let marks: { atMs: number; cpuMs: number; rssBytes: number }[] = []
  const sample = (): { atMs: number; cpuMs: number; rssBytes: number } => {
    const reading = read()
    rss.push(reading.rssBytes)
    if (reading.atMs - start.atMs >= marks.length * 1000) marks.push(reading)
    return reading
  }
  port.on('message', (request: SamplerRequest) => {
    if (request.type === 'begin') {
      clearInterval(timer)
      if (options.linux) rescan()
      ours = request.ours ?? []
      startCpus = cpuTime()
      startSched = schedTimes()
      start = read()
      rss = [start.rssBytes]
      marks = [start]
      timer = setInterval(sample, options.intervalMs)
      return
    }
    clearInterval(timer)
    timer = undefined
    if (options.linux) rescan()
    const last = sample()
    const endCpus = cpuTime()
    const access = accessBetween(startSched, schedTimes())
    // The window was opened on another thread a moment before this one heard of it, so its last whole
    // second may end just after this final reading: within two intervals, the reading stands for it.
    const lastMark = marks[marks.length - 1]
    if (lastMark !== last && last.atMs - start.atMs >= marks.length * 1000 - 2 * options.intervalMs) marks.push(last)
    const cpuPercent: number[] = []
    const rssBytes: number[] = []
    for (let i = 1; i < marks.length; i++) {
      const from = marks[i - 1]
      const to = marks[i]
      if (from === undefined || to === undefined) break
      cpuPercent.push(Math.max(0, ((to.cpuMs - from.cpuMs) / Math.max(1, to.atMs - from.atMs)) * 100))
      rssBytes.push(to.rssBytes)
    }
    const elapsedMs = Math.max(1, last.atMs - start.atMs)
    // A process that exits during the window takes its CPU time with it; never report negative use.
    const cpuMs = Math.max(0, last.cpuMs - start.cpuMs)
    // Other work on the group's CPUs: their busy time less the group's and ours. Ticks are 10 ms, so a
    // few of them either way; never below 0.
    const others =
      startCpus === undefined || endCpus === undefined || endCpus.totalMs <= startCpus.totalMs
        ? undefined
        : (Math.max(0, endCpus.busyMs - startCpus.busyMs - cpuMs - (endCpus.oursMs - startCpus.oursMs)) /
            (endCpus.totalMs - startCpus.totalMs)) *
          100
    const window: SampledWindow = {
      type: 'window',
      cpuPercent: (cpuMs / elapsedMs) * 100,
      cpuMs,
      rssMaxBytes: Math.max(...rss),
      rssMeanBytes: rss.reduce((a, b) => a + b, 0) / rss.length,
      rssEndBytes: last.rssBytes,
      perSecond: { cpuPercent, rssBytes },
      ...(others === undefined ? {} : { othersCpuPercent: others }),
      ...(access === undefined ? {} : { cpuAccess: access }),
    }
    port.postMessage(window)
  })
}
