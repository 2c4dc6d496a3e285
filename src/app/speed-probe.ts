// The machine's speed on the app's CPUs, measured beside every round (app.cpus: separate). On a shared
// runner a vCPU slows down for stretches of seconds to minutes while the guest sees nothing (no steal
// time): on this project's machine a pinned node service's CPU per request moved between about 230
// and 440 µs at a constant CPU share. A small process pinned to the app's CPUs does a fixed piece of
// the same kind of work (SHA-256 digests of short strings, kept in objects and written as JSON) every
// 20 ms and times it in its own CPU time, which no scheduling can stretch: how long it took says
// how fast those CPUs were running then. bench/speed-probe.ts: over 150 s beside a busy CPU, its
// per-2 s time followed the app's CPU per request with a correlation of 0.85 and 0.95 (an integer
// loop did not: 0.52, as the slowdown spares plain arithmetic), and taking it out left a third of the
// app's spread. The comparison uses it as a covariate of the pairs (src/compare/speed-adjust.ts).
//
// Many small units, not a few large ones: the machine's speed moves within a round, and a round's
// reading is a sample of it. Until 2026-12-05 a unit was 500 digests every 100 ms (25 a 2.5 s round);
// since, 125 every 20 ms (125 a round) for half as much CPU again. Both probes side by side on the app's
// CPU, over the same 2 s windows beside a busy CPU (bench/speed-probe.ts, PROBE_COMPARE=1), the app's
// consecutive windows taken as pairs kept an SD of CPU per request of 0.081 after the old probe's
// adjustment and 0.057 after the new one's (raw 0.118): half the variance left, so half the pairs for
// the same interval. Thinning one run's units showed the same: fewer, not smaller, units lose it.
// It costs about 0.15 ms of CPU every 20 ms on the app's CPUs (0.8 %; the old one 0.5 ms every 100
// ms, 0.5 %), alike for both sides.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { within } from '../timers.js'

/**
 * The probe's work: `n` SHA-256 digests of short strings, kept in objects and written as JSON (the
 * body of a function of `n` that may read and set `sink` and call `createHash`).
 */
export const HASHING_UNIT = `
  const hits = []
  for (let i = 0; i < n; i++) hits.push({ id: i, digest: createHash('sha256').update('probe:' + i + ':' + sink).digest('hex') })
  sink = JSON.stringify(hits).length
`

/** What a probe times, and how often. */
export interface ProbeWork {
  /** A function body of `n` (HASHING_UNIT). */
  readonly body: string
  /** The `n` of a unit. */
  readonly size: number
  /**
   * The `n` whose CPU time a unit is reported as, if not its own: each unit's time is scaled by the
   * ratio of the two sizes' times measured at the probe's start.
   */
  readonly referenceSize?: number
  readonly intervalMs: number
}

/**
 * The product's probe: units of 125 digests every 20 ms, each reported as the time of 500 digests,
 * the unit until 2026-12-05, so that a reading (`speedProbeUs`) stays comparable with the rounds of
 * stored baselines recorded before. A unit of 500 took 516 µs and one of 125 took 154 here, not a
 * quarter (the unit's own fixed costs), so the ratio is measured on the machine at each start rather
 * than assumed: 21 units of each size in alternation, the ratio of their medians.
 */
export const PRODUCT_PROBE: ProbeWork = { body: HASHING_UNIT, size: 125, referenceSize: 500, intervalMs: 20 }

// The probe program around a unit: 80 units to warm the compiler (and 20 of the reference size),
// the ratio to the reference measured, then one unit every `intervalMs`, each printed as the wall
// clock (ms) at its end and the CPU µs it took, scaled by the ratio. The units keep to a fixed beat
// (a late wake-up shortens the wait for the next; one later than a whole beat starts a new beat), so a
// busy CPU, which wakes the probe late, does not thin a round's units. It ends itself when Cannonade
// is gone (its parent changes), however Cannonade ended. (Requiring node:crypto inside the unit, 500
// times, made a unit cost 689–708 µs instead of 510–541, both forms side by side on one CPU, 3 tries:
// module lookups, not the hashing the probe was measured with.)
function probeProgram(work: ProbeWork): string {
  const reference = work.referenceSize ?? work.size
  return `
const { createHash } = require('node:crypto')
let sink = 1
const parent = process.ppid
function unit(n) {${work.body}}
function timed(n) {
  const before = process.cpuUsage()
  unit(n)
  const used = process.cpuUsage(before)
  return used.user + used.system
}
const middle = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1]
for (let i = 0; i < 80; i++) unit(${work.size})
let scale = 1
if (${reference} !== ${work.size}) {
  for (let i = 0; i < 20; i++) unit(${reference})
  const large = []
  const small = []
  for (let i = 0; i < 21; i++) {
    large.push(timed(${reference}))
    small.push(timed(${work.size}))
  }
  scale = middle(large) / middle(small)
}
let next = Date.now()
function tick() {
  if (process.ppid !== parent) process.exit(0)
  const us = timed(${work.size}) * scale
  const now = Date.now()
  process.stdout.write(now + ' ' + us + '\\n')
  next += ${work.intervalMs}
  if (next <= now) next = now + ${work.intervalMs}
  setTimeout(tick, next - now)
}
tick()
`
}

// Units kept: 10 minutes' worth, far more than the longest round.
const KEPT_MS = 600_000
// A window with fewer than 0.8 s of units says nothing about the machine's speed in it:
// rounds of 500 ms read it from about five units, and a route that waits, 3× slower against a stored
// run, then read p50 +217 % (−28 … +1,299) at one machine speed beside +171 % (+61 … +356) as
// measured on a busy machine, so the two views could not agree (a clean-clone CI, 2026-12-05). Such
// rounds record no reading and are compared as measured. (It was 8 units of 100 ms: the same 0.8 s.)
const MIN_UNITS_MS = 800

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
   * clock; {@link meanSpeedUs}), or undefined with fewer than 0.8 s of them.
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
 * Starts the probe on `cpus` (a taskset list) with this Node, timing `work` (the product's is
 * {@link PRODUCT_PROBE}; bench/speed-probe.ts tries others). Never throws: a probe that cannot start or
 * dies simply reports nothing, and the pairs are compared without it.
 */
export function startSpeedProbe(cpus: string, work: ProbeWork = PRODUCT_PROBE): SpeedProbe {
  const kept = Math.ceil(KEPT_MS / work.intervalMs)
  const fewest = Math.ceil(MIN_UNITS_MS / work.intervalMs)
  const units: { at: number; us: number }[] = []
  let child: ChildProcess | undefined
  let started = (): void => undefined
  const firstUnit = new Promise<void>((resolve) => (started = resolve))
  try {
    child = spawn('taskset', ['-c', cpus, process.execPath, '-e', probeProgram(work)], { stdio: ['ignore', 'pipe', 'ignore'] })
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
      if (units.length > kept) units.splice(0, units.length - kept)
    })
  } catch {
    child = undefined
    started()
  }
  const unitsBetween = (fromMs: number, toMs: number): number[] => units.filter((u) => u.at >= fromMs && u.at <= toMs).map((u) => u.us)
  return {
    between(fromMs, toMs) {
      const inside = unitsBetween(fromMs, toMs)
      return inside.length < fewest ? undefined : meanSpeedUs(inside)
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
