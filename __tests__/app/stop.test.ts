// test-kind: process — when stop() returns (the port closed, every thread gone), awaited without a
// bound on its time; nothing is measured.
//
// Stopping an app is over when its port is closed: a process whose main thread has ended is not
// gone while another of its threads still holds the listening socket. Seen as "port … still answers
// after the app was stopped" in 3 of 5 quick runs of a plain `node server.js` on a busy machine.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { groupRunning } from '../../src/app/monitor.js'
import { isListening, startApp } from '../../src/app/process.js'
import type { AppPlan } from '../../src/config/plan.js'
import { freePort } from '../helpers/ports.js'

function python(): string | undefined {
  try {
    execFileSync('python3', ['-c', 'import ctypes'], { stdio: 'ignore' })
    return 'python3'
  } catch {
    return undefined
  }
}

// A server whose main thread ends at once (pthread_exit: it shows as a zombie) while another thread
// keeps the listening socket open for HOLD_S seconds, then closes it and ends the process. SIGTERM is
// caught and ignored, as an app busy shutting down would.
const SERVER = `
import ctypes, signal, socket, sys, threading, time
signal.signal(signal.SIGTERM, lambda *_: None)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen()
def hold():
    time.sleep(float(sys.argv[2])); s.close()
threading.Thread(target=hold).start()
ctypes.CDLL(None).pthread_exit(None)
`

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-stop-'))
  await writeFile(path.join(dir, 'server.py'), SERVER)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const mainThreadState = (pid: number): string => execFileSync('cut', ['-d', ' ', '-f3', `/proc/${pid}/stat`], { encoding: 'utf8' }).trim()

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe.runIf(process.platform === 'linux' && python() !== undefined)('stopping an app', () => {
  it('counts a process as running while any of its threads is, though its main thread is a zombie', async () => {
    const port = await freePort()
    const child = spawn('python3', [path.join(dir, 'server.py'), String(port), '3'], { detached: true, stdio: 'ignore' })
    const pid = child.pid
    if (pid === undefined) throw new Error('no child')
    try {
      await until(() => isListening(`http://127.0.0.1:${port}`))
      await until(() => mainThreadState(pid) === 'Z')
      // The main thread is a zombie, the socket still listens: the process is not over.
      expect(groupRunning(pid)).toBe(true)
      expect(await isListening(`http://127.0.0.1:${port}`)).toBe(true)
    } finally {
      process.kill(-pid, 'SIGKILL')
    }
    await until(() => !groupRunning(pid))
  })

  it('returns from stop() only once the port is closed, so no server is taken to run outside the group', async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/`
    const plan: AppPlan = {
      command: `exec python3 server.py ${port} 1.5`,
      build: { kind: 'none' },
      cwd: dir,
      env: {},
      readyTimeoutMs: 20_000,
      // Longer than the socket is held: it closes by itself, no SIGKILL needed.
      stopTimeoutMs: 20_000,
    }
    const app = await startApp(plan, url, path.join(dir, 'app.log'))
    try {
      await until(() => isListening(url))
      await until(() => mainThreadState(app.pgid) === 'Z')
    } finally {
      await app.stop()
    }
    expect(await isListening(url)).toBe(false)
    expect(groupRunning(app.pgid)).toBe(false)
  })
})
