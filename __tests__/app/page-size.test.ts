// RSS from /proc/PID/stat is in pages; the page size is the kernel's, not an assumed 4 KiB.
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { pageSizeBytes, readGroupUsage } from '../../src/app/monitor.js'

describe.runIf(process.platform === 'linux')('resident memory on Linux', () => {
  it('uses the page size the kernel reports', () => {
    expect(pageSizeBytes()).toBe(Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()))
  })

  it('agrees with the VmRSS the kernel states in bytes', async () => {
    // The child says when its 32 MiB are held: a fixed wait lost that race on a busy machine.
    const child = spawn(
      process.execPath,
      ['-e', 'globalThis.held = Buffer.alloc(32 * 1024 * 1024, 1); console.log("held"); setTimeout(() => {}, 60000)'],
      { detached: true, stdio: ['ignore', 'pipe', 'ignore'] },
    )
    try {
      const pid = child.pid
      if (pid === undefined) throw new Error('no child')
      await new Promise<void>((resolve, reject) => {
        child.stdout?.once('data', () => resolve())
        child.once('exit', (code) => reject(new Error(`the child exited (${code}) before holding its memory`)))
      })
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      const vmRssBytes = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024
      const { rssBytes } = readGroupUsage(pid)
      expect(rssBytes).toBeGreaterThan(32 * 1024 * 1024)
      expect(Math.abs(rssBytes - vmRssBytes) / vmRssBytes).toBeLessThan(0.05)
    } finally {
      child.kill('SIGKILL')
    }
  })
})
