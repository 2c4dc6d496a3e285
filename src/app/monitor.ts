// CPU and memory of the app's whole process tree. The app runs in its own process group, so "the app"
// is every process in that group: a shell, npm, node and any workers it forks are all counted.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { samplerMain, type SampledWindow, type SamplerOptions, type SamplerRequest } from './sampler.js'

/** One reading of a process group. */
export interface Usage {
  /** When it was taken (performance.now() clock). */
  readonly atMs: number
  /** Total CPU time (user + system) the group's live processes have used so far. */
  readonly cpuMs: number
  /** Resident memory of the group's processes added together. */
  readonly rssBytes: number
}

// Linux reports CPU in clock ticks of 1/100 s on every architecture Node supports (USER_HZ).
const TICK_MS = 10

let pageBytes: number | undefined

/**
 * The kernel's page size, which /proc/PID/stat counts RSS in: 4 KiB on most x86, but 16 KiB or 64 KiB
 * on some arm64 and ppc64 kernels. Asked once, before any measuring, and kept.
 */
export function pageSizeBytes(): number {
  if (pageBytes === undefined) {
    try {
      const answer = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim())
      pageBytes = Number.isInteger(answer) && answer > 0 ? answer : 4096
    } catch {
      pageBytes = 4096 // no getconf: the common size
    }
  }
  return pageBytes
}

/** The /proc/PID/stat fields after the command name, for every process in a group (Linux only). */
function groupStats(pgid: number): string[][] {
  return groupMembers(pgid).map((member) => member.fields)
}

/** The process ids of a group's members, zombies included (Linux only). */
export function groupPids(pgid: number): string[] {
  return groupMembers(pgid).map((member) => member.pid)
}

/** The process ids of a group's members still running (no zombies), e.g. to attach a profiler to (Linux only). */
export function liveGroupPids(pgid: number): number[] {
  return groupMembers(pgid)
    .filter((member) => member.fields[0] !== 'Z')
    .map((member) => Number(member.pid))
}

function groupMembers(pgid: number): { pid: string; fields: string[] }[] {
  const members: { pid: string; fields: string[] }[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue // the process ended between the listing and the read
    }
    // The command name is in parentheses and may hold spaces; fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(fields[2]) === pgid) members.push({ pid: name, fields })
  }
  return members
}

// A process is over when every thread of it is: its main thread can be a zombie while others still
// run (they exit one by one, or it called pthread_exit), and they hold its files, listening sockets
// among them, until the last one ends.
function anyThreadLive(pid: string): boolean {
  let tasks: string[]
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    return false // gone between the listing and now
  }
  return tasks.some((tid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
      return state !== 'Z' && state !== 'X'
    } catch {
      return false
    }
  })
}

function readLinux(pgid: number): { cpuMs: number; rssBytes: number } {
  let cpuMs = 0
  let rssBytes = 0
  const page = pageSizeBytes()
  for (const fields of groupStats(pgid)) {
    cpuMs += (Number(fields[11]) + Number(fields[12])) * TICK_MS
    rssBytes += Number(fields[21]) * page
  }
  return { cpuMs, rssBytes }
}

/**
 * Whether any process of the group is still running. A process that has exited but not yet been
 * reaped (a zombie: its parent, often init, collects it later) still answers kill(0), so on Linux
 * the process states are read instead: those of every thread, since a main thread shows `Z` while
 * the process's other threads are still exiting, holding its sockets open (a stopped server's port
 * then still answered for a moment after the group looked gone).
 */
export function groupRunning(pgid: number): boolean {
  if (process.platform === 'linux') {
    return groupMembers(pgid).some(({ pid, fields }) => (fields[0] !== 'Z' && fields[0] !== 'X') || anyThreadLive(pid))
  }
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/** `[[dd-]hh:]mm:ss[.cc]` as ps prints cputime, in ms. */
export function parsePsTime(text: string): number {
  const [days, clock] = text.includes('-') ? text.split('-') : ['0', text]
  const parts = (clock ?? '').split(':').map(Number)
  let seconds = 0
  for (const part of parts) seconds = seconds * 60 + part
  return (Number(days) * 86_400 + seconds) * 1000
}

// Elsewhere (a laptop running the CLI) ps is the portable way to see a process group.
function readPs(pgid: number): { cpuMs: number; rssBytes: number } {
  const out = execFileSync('ps', ['-A', '-o', 'pgid=,rss=,time='], { encoding: 'utf8' })
  let cpuMs = 0
  let rssBytes = 0
  for (const line of out.split('\n')) {
    const [group, rssKb, time] = line.trim().split(/\s+/)
    if (Number(group) !== pgid || time === undefined) continue
    cpuMs += parsePsTime(time)
    rssBytes += Number(rssKb) * 1024
  }
  return { cpuMs, rssBytes }
}

/** Reads the CPU time and memory of every live process in a process group. */
export function readGroupUsage(pgid: number): Usage {
  const atMs = performance.now()
  const usage = process.platform === 'linux' ? readLinux(pgid) : readPs(pgid)
  return { atMs, ...usage }
}

/** What the app did during one measured window. */
export type WindowUsage = Omit<SampledWindow, 'type'>

/**
 * Samples a process group every `intervalMs` on a worker thread of its own, never on the thread that
 * times responses. `begin()` and `end()` bracket one measured window and the sampler takes readings
 * of its own there, so CPU is exact over the window whatever the sampling interval; memory peaks
 * between samples can be missed by up to one interval.
 */
export class GroupMonitor {
  private readonly worker: Worker
  private failed = false
  private waiting: ((usage: WindowUsage | undefined) => void) | undefined

  /**
   * `cgroupDir`: read that cgroup v2 directory (a container's, see container.ts) instead of the group.
   * `ownCpus`: the CPUs the group runs on alone (app.cpus: separate), whose time other work took is
   * measured too.
   */
  constructor(pgid: number, intervalMs = 100, cgroupDir?: string, ownCpus?: readonly number[]) {
    // getconf runs here, when the app is started, not inside a measured window.
    const options: SamplerOptions = {
      pgid,
      intervalMs,
      rescanMs: 1000,
      pageBytes: process.platform === 'linux' ? pageSizeBytes() : 4096,
      linux: process.platform === 'linux',
      ...(cgroupDir === undefined ? {} : { cgroupDir }),
      ...(ownCpus === undefined || cgroupDir !== undefined ? {} : { ownCpus }),
    }
    // Run from the TypeScript sources through tsx (the benches), the function's text calls the
    // transpiler's `__name` helper, which the worker would not have: it is defined as a no-op.
    const code = `var __name = (f) => f; (${samplerMain.toString()})(require('node:worker_threads'), require('node:fs'), require('node:child_process'))`
    this.worker = new Worker(code, { eval: true, workerData: options })
    // Only a pending end() keeps the process alive for the sampler.
    this.worker.unref()
    this.worker.on('message', (message: SampledWindow) => {
      const { type: _type, ...usage } = message
      this.settle(usage)
    })
    const fail = (): void => {
      this.failed = true
      this.settle(undefined)
    }
    this.worker.on('error', fail)
    this.worker.on('exit', fail)
  }

  /**
   * Starts a window: the sampler takes a reading and samples until end(). `ours`: processes of
   * Cannonade's own on the group's CPUs (the speed probe), not counted as other work there.
   */
  begin(ours?: readonly number[]): void {
    if (!this.failed) this.worker.postMessage({ type: 'begin', ...(ours === undefined ? {} : { ours }) } satisfies SamplerRequest)
  }

  /** Ends the window; resolves with what the group used during it (undefined if the sampler died). */
  end(): Promise<WindowUsage | undefined> {
    if (this.failed) return Promise.resolve(undefined)
    this.worker.ref()
    const answer = new Promise<WindowUsage | undefined>((resolve) => (this.waiting = resolve))
    this.worker.postMessage({ type: 'end' } satisfies SamplerRequest)
    return answer
  }

  /** Stops the sampler. */
  async close(): Promise<void> {
    this.failed = true
    this.settle(undefined)
    await this.worker.terminate()
  }

  private settle(usage: WindowUsage | undefined): void {
    this.worker.unref()
    const waiting = this.waiting
    this.waiting = undefined
    waiting?.(usage)
  }
}
