// The clock of one round, the same on one load thread (round.ts) and on the thread that coordinates
// several (threads.ts): warm-up, then the measured window for its duration, ended early when the
// app dies (polled a few times a second), or opened and closed by another thread's word instead.
// What happens at each edge (counters reset, the server monitor bracketed, load threads told) is the
// round's own, through the events it is given.

/** When the window opens and closes. */
export interface WindowTiming {
  readonly warmupMs: number
  /** How long the window stays open; undefined when something else closes it (a request count). */
  readonly durationMs?: number
  /** Checked every {@link ABORT_POLL_MS}; true ends the round (the app died, or the run was interrupted). */
  readonly shouldAbort?: () => boolean
  /** Set when another thread opens (`begin`) and closes (`finish`) the window: no timers of its own then. */
  readonly control?: { readonly begin: Promise<void>; readonly finish: Promise<void> }
}

/** What the round does at the window's edges. */
export interface WindowEvents {
  /** Just before the window opens (before its start is stamped): reset what the warm-up counted. */
  open(): void
  /** Just after the window opened, with its start (performance.now()). */
  opened?(startedAt: number): void
  /** The window closed, its end stamped. Only after `open`. */
  close(): void
  /** The round is over: stop the load. Called once, after `close` when the window was open. */
  end(): void
}

// How often an abort is checked: an app that dies mid-round would otherwise be hammered with
// refused connections until the round's end.
const ABORT_POLL_MS = 100

/** One round's window: create it, `start` it, and `settle` it when the load has stopped. */
export class RoundWindow {
  private readonly timers: NodeJS.Timeout[] = []
  private startedAt = 0
  private endedAt = 0
  private cpuAtStart = process.cpuUsage()
  private open = false
  private ended = false

  constructor(
    private readonly timing: WindowTiming,
    private readonly events: WindowEvents,
  ) {}

  /** Whether the window is open: responses now are measured. */
  get measuring(): boolean {
    return this.open
  }

  /** Whether the round is over: ended, or the load stopped by itself. */
  get over(): boolean {
    return this.ended
  }

  /** The window's length, ms (0 when it never opened). */
  get durationMs(): number {
    return this.endedAt - this.startedAt
  }

  /** CPU this process used since the window opened (since the window was created, if it never did). */
  cpuSinceStart(): NodeJS.CpuUsage {
    return process.cpuUsage(this.cpuAtStart)
  }

  /** Starts the warm-up (or waits for the coordinating thread) and the abort check. */
  start(): void {
    const { control, warmupMs, durationMs, shouldAbort } = this.timing
    if (control !== undefined) {
      void control.begin.then(() => this.openWindow())
      void control.finish.then(() => this.end())
    } else {
      const begin = (): void => {
        this.openWindow()
        if (durationMs !== undefined) this.timers.push(setTimeout(() => this.end(), durationMs))
      }
      if (warmupMs > 0) this.timers.push(setTimeout(begin, warmupMs))
      else begin()
    }
    this.timers.push(
      setInterval(() => {
        if (shouldAbort?.() === true) this.end()
      }, ABORT_POLL_MS),
    )
  }

  /** Ends the round now: closes the window if open and stops the load (once). */
  end(): void {
    if (this.ended) return
    this.closeWindow()
    this.ended = true
    this.events.end()
  }

  /** The load has stopped by itself (or failed): closes the window if open, and stops every timer. */
  settle(): void {
    this.ended = true
    for (const timer of this.timers) clearTimeout(timer)
    this.closeWindow()
  }

  private openWindow(): void {
    if (this.ended || this.open) return
    this.events.open()
    this.cpuAtStart = process.cpuUsage()
    this.startedAt = performance.now()
    this.open = true
    this.events.opened?.(this.startedAt)
  }

  private closeWindow(): void {
    if (!this.open) return
    this.open = false
    this.endedAt = performance.now()
    this.events.close()
  }
}
