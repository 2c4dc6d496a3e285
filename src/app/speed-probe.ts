// The machine's speed on the app's CPUs, measured beside every round (app.cpus: separate). On a shared
// runner a vCPU slows down for stretches of seconds to minutes while the guest sees nothing (no steal
// time): on this project's machine a pinned node service's CPU per request moved between about 230
// and 440 µs at a constant CPU share. A small process pinned to the app's CPUs does a fixed piece of
// the same kind of work (SHA-256 digests of short strings, kept in objects and written as JSON) every
// 100 ms and times it in its own CPU time, which no scheduling can stretch: how long it took says
// how fast those CPUs were running then. bench/speed-probe.ts: over 150 s beside a busy CPU, its
// per-2 s time followed the app's CPU per request with a correlation of 0.85 and 0.95 (an integer
// loop did not: 0.52, as the slowdown spares plain arithmetic), and taking it out left a third of the
// app's spread. The comparison uses it as a covariate of the pairs (src/compare/speed-adjust.ts).
// It costs about half a millisecond of CPU every 100 ms on the app's CPUs, alike for both sides.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { within } from '../timers.js'

/** The probe's unit of work: 500 SHA-256 digests of short strings, kept in objects and written as JSON. */
export const HASHING_UNIT = `
  const hits = []
  for (let i = 0; i < 500; i++) hits.push({ id: i, digest: createHash('sha256').update('probe:' + i + ':' + sink).digest('hex') })
  sink = JSON.stringify(hits).length
`

// The probe program around a unit (a function body that may read and set `sink`, and call
// `createHash`): 20 units to warm the compiler, then one unit every 100 ms, each printed as the wall
// clock (ms) at its end and the CPU µs it took. It ends itself when Cannonade is gone (its parent
// changes), however Cannonade ended. (Requiring node:crypto inside the unit, 500 times, made a unit
// cost 689–708 µs instead of 510–541, both forms side by side on one CPU, 3 tries: module lookups,
// not the hashing the probe was measured with.)
function probeProgram(unit: string): string {
  return `
const { createHash } = require('node:crypto')
let sink = 1
const parent = process.ppid
function unit() {${unit}}
for (let i = 0; i < 20; i++) unit()
setInterval(() => {
  if (process.ppid !== parent) process.exit(0)
  const before = process.cpuUsage()
  unit()
  const used = process.cpuUsage(before)
  process.stdout.write(Date.now() + ' ' + (used.user + used.system) + '\\n')
}, 100)
`
}

// Units kept: 10 minutes' worth, far more than the longest round.
const KEPT_UNITS = 6000
// A window with fewer units than this (0.8 s of them) says nothing about the machine's speed in it:
// rounds of 500 ms read it from about five units, and a route that waits, 3× slower against a stored
// run, then read p50 +217 % (−28 … +1,299) at one machine speed beside +171 % (+61 … +356) as
// measured on a busy machine, so the two views could not agree (a clean-clone CI, 2026-12-05). Such
// rounds record no reading and are compared as measured.
const MIN_UNITS = 8

/**
 * One speed for a round's units: their count over the sum of their inverse times (a harmonic mean),
 * in µs a unit. The units come evenly in time, so this is the machine's speed averaged over the round's
 * time, which is how a round's CPU per request and throughput average it: total CPU over total
 * answers gives each stretch the weight of the answers it served. A round that straddles a change from
 * the fast to the slow regime is a mixture, and a median reads it as whichever regime held longer:
 * over 5 s windows beside the pinned service (bench/speed-probe.ts, PROBE_WINDOW=5) the pairs adjusted
 * at the fitted slope kept a pair SD of 0.034–0.072 with this summary against 0.048–0.073 with the
 * median. A unit slowed by the probe's own collector is a long time, which weighs little here.
 */
export function meanSpeedUs(units: readonly number[]): number {
  let inverse = 0
  for (const us of units) inverse += 1 / us
  return units.length / inverse
}

/** A running speed probe. */
export interface SpeedProbe {
  /**
   * The CPU µs a unit at the mean speed of the units that ended between `fromMs` and `toMs` (wall
   * clock; {@link meanSpeedUs}), or undefined with fewer than 3.
   */
  between(fromMs: number, toMs: number): number | undefined
  /** The CPU µs of each unit that ended between `fromMs` and `toMs`, in order. */
  unitsBetween(fromMs: number, toMs: number): number[]
  /**
   * Resolves once the probe has timed its first unit, or has ended or could not start, or after
   * `timeoutMs`: a window opened before then would miss its first units (the probe's Node starts and
   * warms up for a few hundred ms, more on a busy machine), and a round without a reading leaves its
   * run's pairs unadjusted.
   */
  ready(timeoutMs: number): Promise<void>
  /** The probe's process id while it runs. */
  pid(): number | undefined
  stop(): void
}

/**
 * Starts the probe on `cpus` (a taskset list) with this Node, timing `unit` (the product's is
 * {@link HASHING_UNIT}; bench/speed-probe.ts tries others). Never throws: a probe that cannot start or
 * dies simply reports nothing, and the pairs are compared without it.
 */
export function startSpeedProbe(cpus: string, unit: string = HASHING_UNIT): SpeedProbe {
  const units: { at: number; us: number }[] = []
  let child: ChildProcess | undefined
  let started = (): void => undefined
  const firstUnit = new Promise<void>((resolve) => (started = resolve))
  try {
    child = spawn('taskset', ['-c', cpus, process.execPath, '-e', probeProgram(unit)], { stdio: ['ignore', 'pipe', 'ignore'] })
    child.on('error', () => started())
    child.on('exit', () => started())
    // The probe must never keep Cannonade alive.
    child.unref()
    const lines = child.stdout === null ? undefined : createInterface({ input: child.stdout })
    lines?.on('line', (line) => {
      const [at, us] = line.split(' ').map(Number)
      if (at === undefined || us === undefined || !(us > 0)) return
      units.push({ at, us })
      started()
      if (units.length > KEPT_UNITS) units.splice(0, units.length - KEPT_UNITS)
    })
  } catch {
    child = undefined
    started()
  }
  const unitsBetween = (fromMs: number, toMs: number): number[] => units.filter((u) => u.at >= fromMs && u.at <= toMs).map((u) => u.us)
  return {
    between(fromMs, toMs) {
      const inside = unitsBetween(fromMs, toMs)
      return inside.length < MIN_UNITS ? undefined : meanSpeedUs(inside)
    },
    unitsBetween,
    async ready(timeoutMs) {
      await within(firstUnit, timeoutMs)
    },
    pid: () => (child?.exitCode === null && child.signalCode === null ? child.pid : undefined),
    stop() {
      child?.kill()
    },
  }
}
