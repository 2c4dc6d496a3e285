// The life of one side's app through a run: started and checked ready, watched by a process-group
// monitor, given a fresh process around soak rounds, warmed up, and stopped at the end (then checked
// for a server that outlived its group). The order of rounds is schedule.ts's; this is one app.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { HEAP_PRELOAD, heapWatched } from '../app/heap-watch.js'
import { GroupMonitor } from '../app/monitor.js'
import { checkAnswers, diedError, isListening, startApp, waitUntilReady, type RunningApp } from '../app/process.js'
import { runsNode } from '../app/runtime.js'
import type { LoadLevel, Plan, ScenarioPlan } from '../config/plan.js'
import { interruption, throwIfInterrupted } from '../interrupt.js'
import { runEntryRound } from './threads.js'
import { settlesWarmUp, stillWarming } from '../config/warm-up.js'

// Structural, so that this file needs nothing of schedule.ts, which uses it.
interface SideOfRun {
  readonly plan: Plan
  readonly outDir: string
}
interface EntryOfRun {
  readonly key: string
  readonly scenario: ScenarioPlan
  readonly level: LoadLevel
}

/** One side's app (none when the plan measures a server started elsewhere). */
export class SideApp {
  app?: RunningApp
  monitor?: GroupMonitor
  /** What the app process has served since it started: nothing, a soak round, or other load. */
  private served: 'nothing' | 'soak' | 'other' = 'nothing'
  /** Times the app was started, to give each start's log a file of its own. */
  private starts = 0
  /** Where the running process records its heap after each full collection (a Node app's soak round), if it does. */
  heapDir: string | undefined = undefined

  constructor(private readonly side: SideOfRun) {}

  /**
   * Starts the app and waits until it is ready; returns the time that took. With no app in the
   * plan, checks that something answers at baseUrl and returns undefined.
   */
  async start(): Promise<number | undefined> {
    const { plan, outDir } = this.side
    const app = plan.app
    if (app === undefined) {
      await checkAnswers(plan.baseUrl)
      return undefined
    }
    const started = performance.now()
    this.starts++
    this.app = await startApp(app, app.readyUrl ?? plan.baseUrl, path.join(outDir, 'app.log'))
    await waitUntilReady(this.app, app, plan.baseUrl)
    // Ready on one port, measured on another: say so now, not as "stopped answering" in round 1.
    if (app.readyUrl !== undefined && new URL(app.readyUrl).origin !== new URL(plan.baseUrl).origin) {
      await checkAnswers(
        plan.baseUrl,
        `the app is ready at ${app.readyUrl}, but the scenarios go to baseUrl, where nothing listens. Are they on the same port?`,
      )
    }
    this.monitor = new GroupMonitor(this.app.pgid, undefined, this.app.cgroupDir(), this.app.ownCpus)
    return performance.now() - started
  }

  /**
   * Before a round of `entry`. A soak's slope is the memory its own load leaves behind: its round
   * gets an app process of its own, and the round after it another, so no entry inherits another's heap.
   */
  async beforeRound(entry: EntryOfRun): Promise<void> {
    const soak = entry.scenario.profile === 'soak'
    const plan = this.side.plan.app
    // A Node app's soak round also records its heap after each full collection (app/heap-watch.ts):
    // its process is started with the preload, even when it is fresh.
    const watch = soak && plan !== undefined && runsNode(plan.command)
    const fresh = this.served === 'nothing' && (this.heapDir !== undefined) === watch
    if (this.app !== undefined && !fresh && (soak || this.served === 'soak')) await this.restart({ heap: watch })
    this.served = soak ? 'soak' : 'other'
  }

  /**
   * One pass of an entry for its warm-up duration, before round 1, thrown away: the first round is
   * otherwise often slower than the rest while the JIT of the app and of the load generator warms up.
   * With `settle`, for an app Cannonade started, more passes of that length follow while its
   * throughput still rises (config/warm-up.ts).
   */
  async warmUp(entry: EntryOfRun, how: { readonly settle?: boolean } = {}): Promise<void> {
    const { amount: _amount, ...scenario } = entry.scenario
    if (scenario.profile !== 'soak') this.served = 'other'
    // A soak's own warm-up (30 s by default) already runs before its one long window: a second one
    // here would only lengthen the run.
    if (scenario.warmupMs === 0 || scenario.profile === 'soak') return
    const app = this.app
    const slice = async (durationMs: number): Promise<number> => {
      throwIfInterrupted()
      const load = await runEntryRound(
        { baseUrl: this.side.plan.baseUrl, scenario: { ...scenario, warmupMs: 0, durationMs }, level: entry.level },
        { shouldAbort: () => app?.exit() !== undefined || interruption() !== undefined },
      )
      throwIfInterrupted()
      if (app?.exit() !== undefined) throw await diedError(app, `the warm-up of "${entry.key}"`)
      return load.durationMs > 0 ? (load.ok * 1000) / load.durationMs : 0
    }
    const served = [await slice(scenario.warmupMs)]
    // An app Cannonade started warms up until its throughput settles (config/warm-up.ts); a server
    // started elsewhere gets the configured pass.
    if (how.settle !== true || app === undefined || !settlesWarmUp(scenario, entry.level)) return
    while (stillWarming(served)) served.push(await slice(scenario.warmupMs))
  }

  /** Stops the process-group monitor. */
  closeMonitor(): Promise<void> {
    return this.monitor?.close() ?? Promise.resolve()
  }

  /** Stops the app's process group. */
  stop(): Promise<void> {
    return this.app?.stop() ?? Promise.resolve()
  }

  /** After `stop`: the URL a server still answers at when it outlived its process group. */
  async stillListening(): Promise<string | undefined> {
    const app = this.side.plan.app
    if (this.app === undefined || app === undefined) return undefined
    const url = app.readyUrl ?? this.side.plan.baseUrl
    return (await isListening(url)) ? url : undefined
  }

  /**
   * Stops the app and starts it afresh, ready but not warmed up, its output added to the log it
   * wrote last (a relaunch between pairs: schedule.ts).
   */
  async relaunch(): Promise<void> {
    throwIfInterrupted()
    await this.restart({ append: true })
  }

  // A soak's restart gets a log of its own; a relaunch adds to the last one. With `heap`, the new
  // process records its heap into a folder of its own beside the log (heap.N/, with the preload).
  private async restart(how: { append?: boolean; heap?: boolean } = {}): Promise<void> {
    const plan = this.side.plan.app
    if (plan === undefined) return
    await this.monitor?.close()
    await this.app?.stop()
    const log = how.append === true && this.app !== undefined ? this.app.logFile : path.join(this.side.outDir, `app.${++this.starts}.log`)
    this.heapDir = how.heap === true ? path.join(this.side.outDir, `heap.${this.starts}`) : undefined
    let app = plan
    if (this.heapDir !== undefined) {
      const preload = path.join(this.heapDir, 'preload.cjs')
      await mkdir(this.heapDir, { recursive: true })
      await writeFile(preload, HEAP_PRELOAD)
      app = heapWatched(plan, this.heapDir, preload)
    }
    this.app = await startApp(app, app.readyUrl ?? this.side.plan.baseUrl, log, {
      ...(how.append === undefined ? {} : { append: how.append }),
    })
    await waitUntilReady(this.app, app, this.side.plan.baseUrl)
    this.monitor = new GroupMonitor(this.app.pgid, undefined, this.app.cgroupDir(), this.app.ownCpus)
    this.served = 'nothing'
  }
}
