// The server monitor samples the app's process group on a worker thread of its own: the thread that
// times responses never lists /proc or reads a stat file.
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { GroupMonitor } from '../../src/app/monitor.js'

describe.runIf(process.platform === 'linux')('the group monitor', () => {
  it('measures a busy group without using the calling thread', async () => {
    // A process group of its own that burns CPU and holds memory.
    const child = spawn(
      process.execPath,
      ['-e', 'globalThis.held = Buffer.alloc(16 * 1024 * 1024, 1); const end = Date.now() + 5000; while (Date.now() < end);'],
      {
        detached: true,
        stdio: 'ignore',
      },
    )
    const pid = child.pid
    if (pid === undefined) throw new Error('no child')
    // Sampling every 2 ms: on the calling thread, a /proc scan of this machine's processes would keep
    // it busy a good part of the time.
    const monitor = new GroupMonitor(pid, 2)
    try {
      await new Promise((resolve) => setTimeout(resolve, 300))
      const before = performance.eventLoopUtilization()
      monitor.begin()
      await new Promise((resolve) => setTimeout(resolve, 600))
      const busy = performance.eventLoopUtilization(before).utilization
      const usage = await monitor.end()
      expect(usage?.cpuPercent).toBeGreaterThan(20)
      expect(usage?.rssMaxBytes).toBeGreaterThan(16 * 1024 * 1024)
      expect(busy).toBeLessThan(0.05)
    } finally {
      await monitor.close()
      child.kill('SIGKILL')
    }
  })

  it("reads the group's access to a CPU: about half of it beside a busy process on the same CPU", async () => {
    // The group's busy loop and another, outside the group, both pinned to CPU 0: the scheduler gives
    // each about half of the time it is runnable. Other work on this machine can only lower it.
    const loop = 'const end = Date.now() + 5000; while (Date.now() < end);'
    const child = spawn('taskset', ['-c', '0', process.execPath, '-e', loop], { detached: true, stdio: 'ignore' })
    const rival = spawn('taskset', ['-c', '0', process.execPath, '-e', loop], { stdio: 'ignore' })
    const pid = child.pid
    if (pid === undefined) throw new Error('no child')
    const monitor = new GroupMonitor(pid, 50)
    try {
      await new Promise((resolve) => setTimeout(resolve, 300))
      monitor.begin()
      await new Promise((resolve) => setTimeout(resolve, 800))
      const usage = await monitor.end()
      expect(usage?.cpuAccess).toBeGreaterThan(0)
      expect(usage?.cpuAccess).toBeLessThan(0.75)
    } finally {
      await monitor.close()
      child.kill('SIGKILL')
      rival.kill('SIGKILL')
    }
  })

  it('answers end() with nothing once closed, instead of hanging', async () => {
    const monitor = new GroupMonitor(process.pid)
    await monitor.close()
    monitor.begin()
    expect(await monitor.end()).toBeUndefined()
  })
})
