// What one measured window saw, in a file of its own: the scheduler produces it and the stress
// profile consumes it, and neither should have to import the other's file for the type.
import type { WindowUsage } from '../app/monitor.js'
import type { LoadMeasurement } from './round.js'

/** What one measured window saw: the load generator's measurement and the server's usage over it. */
export interface MeasuredWindow {
  readonly startedAt: string
  readonly measurement: LoadMeasurement
  readonly server?: WindowUsage
  /** The speed probe's CPU µs a unit at its mean speed over the window (src/app/speed-probe.ts meanSpeedUs), when one ran. */
  readonly speedProbeUs?: number
  /** The window in epoch ms, from the first measured request to the end. */
  readonly openedMs: number
  readonly closedMs: number
}
