// Other work on the apps' CPUs, as a busy runner has it (a test suite, a build, another job): a
// process pinned to every CPU but the first (where app.cpus: separate puts the apps) that computes
// 20 ms and sleeps 20 ms, half of one CPU, all the time or in stretches of work and rest.
import { spawn, type ChildProcess } from 'node:child_process'
import os from 'node:os'

/**
 * Starts the contender; kill the process it returns to stop it. `stretchMs`: work for that long, then
 * rest as long, over and over; without it, work all the time.
 */
export function startContender(stretchMs?: number): ChildProcess {
  const half = 'const until = Date.now() + 20; while (Date.now() < until); pause(20)'
  const body =
    stretchMs === undefined
      ? `for (;;) { ${half} }`
      : `for (;;) { const end = Date.now() + ${stretchMs}; while (Date.now() < end) { ${half} } pause(${stretchMs}) }`
  const program = `const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); ${body}`
  const appCpus = `1-${Math.max(1, os.cpus().length - 1)}`
  return spawn('taskset', ['-c', appCpus, process.execPath, '-e', program], { stdio: 'ignore' })
}
