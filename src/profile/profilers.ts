// Which CPU profiler runs the profiled round, and how it is attached to the app: Node's own
// (--cpu-prof through NODE_OPTIONS, one .cpuprofile per Node process, written at exit), Linux perf
// on the app's processes, or a command of the user's writing collapsed stacks.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { runsNode, withNodeOptions } from '../app/runtime.js'
import type { AppPlan, ProfileSetting } from '../config/plan.js'

/** A profiler chosen for the app. */
export type Profiler =
  { readonly kind: 'node' } | { readonly kind: 'perf' } | { readonly kind: 'command'; readonly command: string; readonly sampleUs: number }

/** perf's sampling rate, Hz: odd, so that it does not beat with timers firing every 1, 10 or 100 ms. */
export const PERF_FREQUENCY_HZ = 499

/** How `perf record` samples the app: on CPU time (cpu-clock, which works in VMs) with call stacks. */
export const PERF_SAMPLING: readonly string[] = ['-F', String(PERF_FREQUENCY_HZ), '-g', '-e', 'cpu-clock']

/**
 * Why perf cannot profile here, or undefined when it can: installed, and allowed to watch other
 * processes of this user (root, or kernel.perf_event_paranoid at most 2).
 */
export function perfUnavailable(): string | undefined {
  try {
    execFileSync('perf', ['--version'], { stdio: 'ignore', timeout: 10_000 })
  } catch {
    return 'perf is not installed (Debian/Ubuntu: apt-get install linux-perf, or linux-tools-$(uname -r))'
  }
  if (process.getuid?.() === 0) return undefined
  try {
    const paranoid = Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim())
    if (paranoid > 2) return `kernel.perf_event_paranoid is ${paranoid}: perf may not profile processes (set it to 2 or lower)`
  } catch {
    return 'perf_event_paranoid is unreadable: this does not look like Linux'
  }
  return undefined
}

/**
 * The profiler for `app`: `app.profile` as set, or for `auto` Node's own when the command runs Node,
 * else perf when it can run here. Returns why there is none otherwise, in one line.
 */
export function chooseProfiler(
  app: AppPlan,
  perfProblem: () => string | undefined = perfUnavailable,
): Profiler | { readonly none: string } {
  const setting: ProfileSetting = app.profile ?? { kind: 'auto' }
  switch (setting.kind) {
    case 'none':
      return { none: 'app.profile is none' }
    case 'node':
      return { kind: 'node' }
    case 'command':
      return setting
    case 'perf': {
      const problem = perfProblem()
      return problem === undefined ? { kind: 'perf' } : { none: `app.profile is perf, but ${problem}` }
    }
    case 'auto': {
      if (runsNode(app.command)) return { kind: 'node' }
      const problem = perfProblem()
      return problem === undefined
        ? { kind: 'perf' }
        : { none: `the app's command does not start Node and ${problem}; set app.profile to a command writing collapsed stacks` }
    }
  }
}

/**
 * The app as the profiled round starts it. Node: a preload (through NODE_OPTIONS, which every Node
 * process the command starts inherits) that runs V8's CPU profiler, the one behind --cpu-prof, and
 * writes a .cpuprofile per process into `dir` at exit. NODE_OPTIONS=--cpu-prof itself is refused by
 * Node 20 ("--cpu-prof is not allowed in NODE_OPTIONS"), and a process ended by a signal would write
 * nothing. perf: frames a JIT runtime can name (Node's perf map; Python 3.12+'s trampolines).
 */
export function profiledApp(app: AppPlan, profiler: Profiler, dir: string, preload: string): AppPlan {
  if (profiler.kind === 'node') {
    return {
      ...app,
      env: { ...app.env, NODE_OPTIONS: withNodeOptions(app, `--require=${JSON.stringify(preload)}`), CANNONADE_CPU_PROF_DIR: dir },
    }
  }
  if (profiler.kind === 'perf') {
    return {
      ...app,
      env: {
        ...app.env,
        NODE_OPTIONS: withNodeOptions(app, '--perf-basic-prof --interpreted-frames-native-stack'),
        PYTHONPERFSUPPORT: '1',
      },
    }
  }
  return app
}

/** V8's sampling interval in the profiled round, µs (--cpu-prof's default). */
export const NODE_SAMPLE_US = 1000

/**
 * The preload Node runs before the app. It starts V8's profiler through node:inspector (whose calls
 * on the main thread's own session are answered synchronously, so the profile can be written in an
 * 'exit' listener) and writes `CPU.<pid>.<thread>.cpuprofile`, the format --cpu-prof writes. A
 * SIGTERM or SIGINT that nothing else listens for exits the process as the signal would have
 * (128 + its number), so that the exit listener runs; an app with its own handler is left to it.
 */
export const NODE_PRELOAD = `'use strict'
const dir = process.env.CANNONADE_CPU_PROF_DIR
if (dir) {
  const inspector = require('node:inspector')
  const fs = require('node:fs')
  const path = require('node:path')
  const { threadId } = require('node:worker_threads')
  const session = new inspector.Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.setSamplingInterval', { interval: ${NODE_SAMPLE_US} })
  session.post('Profiler.start')
  let written = false
  process.on('exit', function cannonadeWriteProfile() {
    if (written) return
    written = true
    session.post('Profiler.stop', (error, result) => {
      if (error || !result) return
      try {
        fs.writeFileSync(path.join(dir, 'CPU.' + process.pid + '.' + threadId + '.cpuprofile'), JSON.stringify(result.profile))
      } catch {}
    })
  })
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]]) {
    process.on(signal, function cannonadeProfileExit() {
      if (process.listenerCount(signal) === 1) process.exit(code)
    })
  }
}
`
