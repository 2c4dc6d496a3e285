// Apps whose command is not the server's parent (docker compose up): `app.stop` stops them, and
// `app.container` reads their CPU and memory from the container's cgroup v2 files, here a fake
// cgroup directory the test writes itself.
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { containerCgroup } from '../../src/app/container.js'
import { GroupMonitor } from '../../src/app/monitor.js'
import { isListening, startApp, waitUntilReady } from '../../src/app/process.js'
import { parsePlan } from '../../src/config/load.js'
import type { AppPlan } from '../../src/config/plan.js'
import { AppError } from '../../src/errors.js'
import { problemsOf } from '../helpers/config-problems.js'
import { freePort } from '../helpers/ports.js'

const SERVER = `
import http from 'node:http'
http.createServer((req, res) => res.end('ok')).listen(Number(process.argv[2]), '127.0.0.1')
`

let dir = ''
let cgroup = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-container-'))
  cgroup = path.join(dir, 'cgroup')
  await mkdir(cgroup)
  await writeFile(path.join(dir, 'server.mjs'), SERVER)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function writeCgroup(usageUsec: number, memoryBytes: number): Promise<void> {
  await writeFile(path.join(cgroup, 'cpu.stat'), `usage_usec ${usageUsec}\nuser_usec ${usageUsec}\nsystem_usec 0\n`)
  await writeFile(path.join(cgroup, 'memory.current'), `${memoryBytes}\n`)
}

describe('app.container', () => {
  it("reads CPU and memory from the container's cgroup instead of the process group", async () => {
    await writeCgroup(1_000_000, 50 * 1024 * 1024)
    // This process's own group would show this test runner's CPU and memory: the cgroup is read instead.
    const monitor = new GroupMonitor(process.pid, 20, containerCgroup(cgroup))
    try {
      // One window first, answered only once the worker runs: the next begin() is then heard at once.
      monitor.begin()
      await monitor.end()
      monitor.begin()
      await sleep(200)
      await writeCgroup(1_500_000, 60 * 1024 * 1024)
      await sleep(200)
      const usage = await monitor.end()
      expect(usage?.cpuMs).toBe(500)
      expect(usage?.rssMaxBytes).toBe(60 * 1024 * 1024)
      expect(usage?.rssEndBytes).toBe(60 * 1024 * 1024)
    } finally {
      await monitor.close()
    }
  })

  it('refuses a directory that is not a cgroup, naming app.container', () => {
    expect(() => containerCgroup(dir)).toThrow(AppError)
    expect(() => containerCgroup(dir)).toThrow(
      /^app\.container: .* is not a cgroup v2 directory \(it needs cpu\.stat and memory\.current\)/,
    )
  })

  it('is validated with app.stop in the config', () => {
    const plan = parsePlan(
      'app: { command: docker compose up, stop: docker compose down, container: web-1 }\nbaseUrl: http://127.0.0.1:8080\nscenarios: [{ name: a, path: / }]\n',
      'c.yml',
      '/srv',
    )
    expect(plan.app).toMatchObject({ stop: 'docker compose down', container: 'web-1' })
    expect(
      problemsOf('app: { command: x, container: "", stop: [a] }\nbaseUrl: http://127.0.0.1:1\nscenarios: [{ name: a, path: / }]\n'),
    ).toEqual([
      expect.stringMatching(
        /^cannonade\.yml:1:\d+: app\.container: must be a container name or ID, or the path of its cgroup v2 directory/,
      ),
      expect.stringMatching(/^cannonade\.yml:1:\d+: app\.stop: must be a shell command/),
    ])
  })
})

describe('app.stop', () => {
  // The command starts the server in a session of its own (as a daemon or a container would be) and
  // waits: signalling the command's group leaves the server running; app.stop stops it.
  const plan = (port: number, stop?: string): AppPlan => ({
    command: `setsid node server.mjs ${port} > /dev/null 2>&1 & echo $! > server-${port}.pid; exec sleep 600`,
    build: { kind: 'none' },
    cwd: dir,
    env: {},
    readyTimeoutMs: 30_000,
    stopTimeoutMs: 5000,
    ...(stop === undefined ? {} : { stop }),
  })
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  const serverPid = (port: number): number => Number(readFileSync(path.join(dir, `server-${port}.pid`), 'utf8'))

  it('runs before the process group is stopped, so a server outside the group goes too', async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/`
    const app = plan(port, 'kill $(cat server-{port}.pid)')
    const running = await startApp(app, url, path.join(dir, 'stop.log'))
    try {
      await waitUntilReady(running, app, url)
    } finally {
      await running.stop()
    }
    expect(await isListening(url)).toBe(false)
  })

  it('is killed after stopTimeout when it hangs, and the group is stopped all the same', async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/`
    const app = { ...plan(port, 'kill $(cat server-{port}.pid); echo $$ > stop-{port}.pid; exec sleep 600'), stopTimeoutMs: 300 }
    const running = await startApp(app, url, path.join(dir, 'hang.log'))
    try {
      await waitUntilReady(running, app, url)
    } finally {
      await running.stop()
    }
    expect(await isListening(url)).toBe(false)
    // Nothing of the hanging stop command is left: its process group was killed (and is reaped soon after).
    const stopPid = Number(readFileSync(path.join(dir, `stop-${port}.pid`), 'utf8'))
    await expect.poll(() => alive(stopPid), { timeout: 5000 }).toBe(false)
  })

  it('is what it takes: without it the server outlives the group', async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/`
    const app = plan(port)
    const running = await startApp(app, url, path.join(dir, 'nostop.log'))
    try {
      await waitUntilReady(running, app, url)
      await running.stop()
      expect(await isListening(url)).toBe(true)
    } finally {
      process.kill(serverPid(port), 'SIGKILL')
    }
  })
})
