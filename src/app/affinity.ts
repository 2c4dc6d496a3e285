// `app.cpus: separate`: the app on CPUs of its own, the load generator (this process) on another.
// On a busy runner the scheduler moves the app between CPUs and beside whatever else runs, and a
// same-job pair's two apps do not get the same CPUs: bench/process-offset.ts measured, on this
// 2-CPU machine at load 3–13, the standard error of 6 pairs of CPU per request at a median of 2.4 %
// with both apps pinned to one CPU and the load on the other, against 4.0 % free, and the offset
// between two launches of identical code at 6.1 % (SD) against 12.8 %. While an app runs pinned, a
// speed probe runs on its CPUs too (speed-probe.ts): pinned, the machine's slow stretches on those
// CPUs are what moves the app, and the probe measures them. Linux only, with 2 or more CPUs and
// `taskset` (util-linux); elsewhere the setting leaves everything as it is.
import { execFileSync } from 'node:child_process'
import { startSpeedProbe, type SpeedProbe } from './speed-probe.js'

/** Which CPUs (taskset lists) the app and the load generator get. */
export interface CpuSplit {
  /** Every CPU this process may use but the first: both sides' apps, so that neither runs where the other cannot. */
  readonly app: string
  /** The first CPU: this process, which sends the load and samples the app. */
  readonly load: string
}

// This process is pinned while any app started with the split runs, and given back its own CPUs
// when the last one stops (a test runner's worker goes on to other work).
let pinnedApps = 0
let ownCpus: string | undefined
// The machine's speed on the app's CPUs (speed-probe.ts), measured for as long as an app is pinned.
let probe: SpeedProbe | undefined

/** The speed probe on the apps' CPUs while any app runs pinned, else undefined. */
export function runningSpeedProbe(): SpeedProbe | undefined {
  return probe
}

/** The CPUs of a taskset list ("0-3,8"), in order. */
export function cpusOfList(list: string): number[] {
  const cpus: number[] = []
  for (const part of list.split(',')) {
    const [from, to] = part.split('-').map(Number)
    if (from === undefined || !Number.isInteger(from)) continue
    for (let cpu = from; cpu <= (to ?? from); cpu++) cpus.push(cpu)
  }
  return cpus
}

/** This process's CPUs as a taskset list, or undefined without taskset. */
function ownCpuList(): string | undefined {
  try {
    const answer = execFileSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    return answer.slice(answer.lastIndexOf(':') + 1).trim()
  } catch {
    return undefined
  }
}

// The split is made from the CPUs this process may use before it pins itself (a runner's container
// may allow only some of the machine's), and kept while it is pinned.
let lastSplit: CpuSplit | undefined

/** The split on this machine, or undefined where it cannot be made (not Linux, one CPU, no taskset). */
export function cpuSplit(): CpuSplit | undefined {
  if (pinnedApps > 0) return lastSplit
  const list = process.platform === 'linux' ? ownCpuList() : undefined
  const cpus = list === undefined ? [] : cpusOfList(list)
  const [load, ...app] = cpus
  lastSplit = load === undefined || app.length === 0 ? undefined : { app: app.join(','), load: String(load) }
  return lastSplit
}

/** The command line that starts `command` with a shell, on the split's app CPUs (taskset execs it: same pid). */
export function pinnedCommand(split: CpuSplit, command: string): { file: string; args: string[] } {
  return { file: 'taskset', args: ['-c', split.app, '/bin/sh', '-c', command] }
}

function setOwnCpus(list: string): void {
  // -a: every thread of this process (the sampler's and load threads' too).
  execFileSync('taskset', ['-a', '-c', '-p', list, String(process.pid)], { stdio: 'ignore' })
}

/**
 * Pins this process (the load generator) to the split's load CPU while an app runs on the others.
 *
 * @returns the release, to call once when that app has stopped: the last release restores this
 *   process's CPUs as they were before the first pin.
 */
export function pinLoadGenerator(split: CpuSplit): () => void {
  if (pinnedApps === 0) {
    ownCpus = ownCpuList()
    setOwnCpus(split.load)
    probe = startSpeedProbe(split.app)
  }
  pinnedApps++
  let released = false
  return () => {
    if (released) return
    released = true
    pinnedApps--
    if (pinnedApps > 0) return
    probe?.stop()
    probe = undefined
    if (ownCpus !== undefined) {
      setOwnCpus(ownCpus)
      ownCpus = undefined
    }
  }
}
