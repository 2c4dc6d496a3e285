// Starting and stopping the app under test. It runs with a shell in a process group of its own, so
// stopping it stops everything it started, and its output goes to a log file kept with the results.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import path from 'node:path'
import type { AppPlan } from '../config/plan.js'
import { formatDurationMs } from '../config/units.js'
import { cpuSplit, cpusOfList, pinLoadGenerator, pinnedCommand } from './affinity.js'
import { appEnvironment, maskSecrets } from './environment.js'
import { capLog, maskLog, tailOf } from './log-cap.js'
import { containerCgroup } from './container.js'
import { groupListening } from './listening.js'
import { groupRunning } from './monitor.js'
import { startedOn } from './ports.js'
import { AppError, errorMessage } from '../errors.js'
import { onForcedExit, sleepUnlessInterrupted, throwIfInterrupted } from '../interrupt.js'
import { within } from '../timers.js'

/** How the app's process ended. */
export interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A started app. */
export interface RunningApp {
  /** Process id of the shell, which is also the process group id. */
  readonly pgid: number
  readonly logFile: string
  /** Set once the app's main process has exited. */
  exit(): Exit | undefined
  /** Resolves when the main process exits. */
  readonly exited: Promise<Exit>
  /** The last lines of the app's log. */
  logTail(lines?: number): Promise<string>
  /**
   * Stops the app: runs `app.stop` first when there is one, then the whole process group: SIGTERM,
   * then SIGKILL after the stop timeout. Idempotent.
   */
  stop(): Promise<void>
  /**
   * The cgroup v2 directory of `app.container`, resolved on the first call (once the app is ready and
   * its container exists); undefined without app.container. Throws AppError when there is none.
   */
  cgroupDir(): string | undefined
  /** The CPUs the app runs on alone (app.cpus: separate, not a container), when it is pinned. */
  readonly ownCpus?: readonly number[]
}

/** Sends a signal to every process of a group; false when none is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false // ESRCH: no process left in the group
  }
}

function endpoint(url: string): { host: string; port: number } {
  const parsed = new URL(url)
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port)
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port }
}

/** True when something already accepts connections at the URL's host and port. */
export function isListening(url: string, timeoutMs = 500): Promise<boolean> {
  const { host, port } = endpoint(url)
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (answer: boolean): void => {
      socket.destroy()
      resolve(answer)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

function describeExit(exit: Exit): string {
  return exit.signal === null ? `exit code ${String(exit.code)}` : `signal ${exit.signal}`
}

// How long a stopped app's port may keep answering before it is taken for a server outside the group.
const PORT_CLOSE_WAIT_MS = 2000

/**
 * Starts the app and returns once its process is spawned (not yet ready; see waitUntilReady). Its
 * output goes to `logFile`, replaced, or added to with `append` (a relaunch of the same side).
 */
export async function startApp(app: AppPlan, probeUrl: string, logFile: string, how: { append?: boolean } = {}): Promise<RunningApp> {
  if (await isListening(probeUrl)) {
    const { host, port } = endpoint(probeUrl)
    throw new AppError(
      `port ${port} on ${host} is already in use before the app was started: Cannonade would measure ` +
        'whatever answers there instead of your app. Stop that process or change the port.',
    )
  }
  await mkdir(path.dirname(logFile), { recursive: true })
  // The child writes straight into the file: no pipe for Cannonade to drain while it measures.
  const fd = openSync(logFile, how.append === true ? 'a' : 'w')
  // Without the runner's tokens (environment.ts); any that reach the log anyway are masked.
  // Each side gets its own port ({port}, PORT): the base commit starts beside the head on another.
  const port = app.port ?? endpoint(probeUrl).port
  const told = startedOn(app, port)
  const fillPort = (text: string): string => startedOn({ command: text, env: {} }, port).command
  const { env, secrets } = appEnvironment(process.env, told.env)
  // app.cpus: separate, where the machine allows it: the app on CPUs of its own (affinity.ts).
  const split = app.cpus === 'separate' ? cpuSplit() : undefined
  let child: ChildProcess
  try {
    const options = { cwd: app.cwd, env, detached: true, stdio: ['ignore', fd, fd] } satisfies SpawnOptions
    if (split === undefined) child = spawn(told.command, { ...options, shell: true })
    else {
      const pinned = pinnedCommand(split, told.command)
      child = spawn(pinned.file, pinned.args, options)
    }
  } finally {
    closeSync(fd)
  }
  const pgid = child.pid
  if (pgid === undefined) {
    const reason = await new Promise<string>((resolve) => child.once('error', (e) => resolve(errorMessage(e))))
    throw new AppError(`could not start "${told.command}" in ${app.cwd}: ${reason}`)
  }
  // Should Cannonade quit without stopping it (a second Ctrl-C), the group is killed on the way out.
  const forget = onForcedExit(() => signalGroup(pgid, 'SIGKILL'))
  // The load generator off the app's CPUs for as long as the app runs.
  const releaseCpus = split === undefined ? (): void => undefined : pinLoadGenerator(split)
  let exit: Exit | undefined
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal }
      resolve(exit)
    })
  })
  let stopping: Promise<void> | undefined
  const stop = async (): Promise<void> => {
    if (app.stop !== undefined) await runStopCommand(fillPort(app.stop), app, env, logFile)
    signalGroup(pgid, 'SIGTERM')
    const deadline = performance.now() + app.stopTimeoutMs
    while (groupRunning(pgid) && performance.now() < deadline) await sleep(25)
    if (groupRunning(pgid)) signalGroup(pgid, 'SIGKILL')
    while (groupRunning(pgid)) await sleep(10)
    await within(exited, 1000)
    // The kernel closes a listening socket as the last thread holding it ends, which a busy machine
    // can delay past the moment the group looks gone: give the port a moment before anyone concludes
    // that a server outside the group still holds it.
    const portDeadline = performance.now() + PORT_CLOSE_WAIT_MS
    while (performance.now() < portDeadline && (await isListening(probeUrl, 200))) await sleep(50)
    forget()
    releaseCpus()
    await capLog(logFile).catch(() => 0)
    await maskLog(logFile, secrets).catch(() => undefined)
  }
  let cgroup: string | undefined
  return {
    pgid,
    logFile,
    cgroupDir: () => (app.container === undefined ? undefined : (cgroup ??= containerCgroup(app.container))),
    exit: () => exit,
    exited,
    logTail: async (lines) => maskSecrets(await tailOf(logFile, lines), secrets),
    stop: () => (stopping ??= stop()),
    ...(split === undefined || app.container !== undefined ? {} : { ownCpus: cpusOfList(split.app) }),
  }
}

/**
 * Runs `app.stop` (e.g. `docker compose down`) in the app's directory and environment, its output
 * appended to the app's log, and waits for it up to the stop timeout; a failure is logged, never
 * thrown: the process group is stopped next either way.
 */
async function runStopCommand(command: string, app: AppPlan, env: Record<string, string>, logFile: string): Promise<void> {
  const fd = openSync(logFile, 'a')
  let child: ChildProcess
  try {
    child = spawn(command, { shell: true, cwd: app.cwd, env, detached: true, stdio: ['ignore', fd, fd] })
  } finally {
    closeSync(fd)
  }
  const pgid = child.pid
  if (pgid === undefined) return
  const ended = new Promise<true>((resolve) => {
    child.once('exit', () => resolve(true))
    child.once('error', () => resolve(true))
  })
  // A stop command that hangs is not left behind.
  if ((await within(ended, app.stopTimeoutMs)) === undefined) signalGroup(pgid, 'SIGKILL')
}

// One GET on a fresh connection that is closed afterwards: a kept-alive probe connection would hold
// up a server's graceful shutdown and be counted against its resources. An https URL is probed over
// TLS without checking the certificate, as autocannon sends the load: a local app's is often self-signed.
function probe(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const options: http.RequestOptions = { agent: false, headers: { connection: 'close' }, timeout: 1000 }
    const onResponse = (response: http.IncomingMessage): void => {
      response.resume()
      response.once('end', () => resolve(response.statusCode ?? 0))
    }
    const request = url.startsWith('https:')
      ? https.get(url, { ...options, rejectUnauthorized: false }, onResponse)
      : http.get(url, options, onResponse)
    request.once('timeout', () => request.destroy(new Error('no answer within 1 s')))
    request.once('error', reject)
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * How long an app may listen on other ports, and not on the one it is awaited at, before the wait for
 * it ends: long enough for an app that opens an admin or debug port some seconds before its server,
 * far shorter than a readyTimeout spent on a port the app was never told (json-server's start script
 * fixing `--port 3000` waited out init's 60 s before saying where it listened).
 */
export const ELSEWHERE_GRACE_MS = 10_000

/**
 * Polls until the app answers: with a ready URL, a 2xx from it; without one, any HTTP answer from the
 * base URL. Throws AppError, quoting the log, if the app exits first, the timeout passes, or it has
 * listened elsewhere for `elsewhereGraceMs`.
 */
export async function waitUntilReady(
  app: RunningApp,
  plan: AppPlan,
  baseUrl: string,
  { elsewhereGraceMs = ELSEWHERE_GRACE_MS }: { elsewhereGraceMs?: number } = {},
): Promise<void> {
  const url = plan.readyUrl ?? baseUrl
  const deadline = performance.now() + plan.readyTimeoutMs
  let last = 'no answer yet'
  // Since when the app's processes have listened on TCP ports, none of them the awaited one; looked at
  // about once a second (a read of /proc per process).
  let elsewhereSince: number | undefined
  let nextLook = 0
  for (;;) {
    throwIfInterrupted()
    const exit = app.exit()
    if (exit !== undefined) {
      throw new AppError(`the app exited (${describeExit(exit)}) before it was ready at ${url}`, await app.logTail())
    }
    try {
      const status = await probe(url)
      if (plan.readyUrl === undefined || (status >= 200 && status < 300)) return
      last = `it answered ${status}`
    } catch (error) {
      last = errorMessage(error)
    }
    const now = performance.now()
    if (now >= deadline) {
      throw new AppError(
        `the app was not ready at ${url} within ${formatDurationMs(plan.readyTimeoutMs)} (${last})${listensElsewhere(groupListening(app.pgid), url)}`,
        await app.logTail(),
      )
    }
    if (now >= nextLook) {
      nextLook = now + 1000
      const where = groupListening(app.pgid)
      const elsewhere = listensElsewhere(where, url)
      elsewhereSince = where.length > 0 && elsewhere !== '' ? (elsewhereSince ?? now) : undefined
      if (elsewhereSince !== undefined && now - elsewhereSince >= elsewhereGraceMs) {
        const seconds = formatDurationMs(Math.round((now - elsewhereSince) / 1000) * 1000)
        throw new AppError(
          `the app was not ready at ${url} (${last}) after listening elsewhere for ${seconds}${elsewhere}`,
          await app.logTail(),
        )
      }
    }
    await Promise.race([sleepUnlessInterrupted(100), app.exited])
  }
}

// Where the app listens instead (`where`, its group's listening addresses), when that is not where it
// was awaited; '' when it listens there. The usual cause of a readiness timeout is an app told another
// port (written in its command, or a default it fell back to).
function listensElsewhere(where: readonly string[], url: string): string {
  const { host, port } = endpoint(url)
  if (where.some((address) => address.endsWith(`:${port}`))) return ''
  const awaited = `${host.includes(':') ? `[${host}]` : host}:${port}`
  if (where.length === 0) {
    return process.platform === 'linux' ? `: no process of the app listens on any TCP port yet` : ''
  }
  return (
    `: it listens on ${where.join(', ')}, not on ${awaited}. Write {port} where app.command or app.env sets the port ` +
    '(or read the PORT variable): Cannonade fills in the port it measures'
  )
}

// Node's codes for the usual ways a connection fails, in words.
const CONNECT_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
}

/**
 * Checks that a server Cannonade did not start answers at all (any status) before load is sent to
 * it: a refused target would otherwise be hammered with failing connections, entry after entry.
 */
export async function checkAnswers(
  url: string,
  advice = 'baseUrl must point at a running server. Start it first, or add an app section so Cannonade starts it.',
): Promise<void> {
  let last = ''
  // A few tries over a second, so a server that is just coming up is not refused for it.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await probe(url)
      return
    } catch (error) {
      const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined
      last = (code === undefined ? undefined : CONNECT_FAILURES[code]) ?? errorMessage(error)
    }
    await sleep(300)
  }
  throw new AppError(`nothing answers at ${url} (${last}): ${advice}`)
}

/** Describes an app that died while it was being measured. */
export async function diedError(app: RunningApp, during: string): Promise<AppError> {
  const exit = app.exit()
  const how = exit === undefined ? 'stopped answering' : `exited (${describeExit(exit)})`
  return new AppError(`the app ${how} during ${during}`, await app.logTail())
}
