// The profiled rounds: both builds started again with the profiler attached, one round of each
// chosen entry per side (base and head interleaved), then stopped so that the profiles are written.
// These rounds are extra: their numbers serve only to normalise the profiles per request and never
// reach the results or the comparison.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Readable, Writable } from 'node:stream'
import { startApp, waitUntilReady, type RunningApp } from '../app/process.js'
import type { Plan } from '../config/plan.js'
import { errorMessage } from '../errors.js'
import { within } from '../timers.js'
import { interruption, throwIfInterrupted } from '../interrupt.js'
import { PROBE_READY_TIMEOUT_MS, type Entry } from '../load/schedule.js'
import { runEntryRound } from '../load/threads.js'
import { foldCpuProfile, type WindowUs } from './cpuprofile.js'
import { collapsedText, Folder, parseCollapsed, type FoldedProfile } from './folded.js'
import { foldPerfScript, PERF_SCRIPT_FIELDS } from './perf-script.js'
import { liveGroupPids } from '../app/monitor.js'
import { runningSpeedProbe } from '../app/affinity.js'
import { NODE_PRELOAD, PERF_FREQUENCY_HZ, PERF_SAMPLING, profiledApp, type Profiler } from './profilers.js'

/** One build to profile: its plan (its own app and URL) and where its profiles go. */
export interface ProfileSide {
  readonly label: 'base' | 'head'
  readonly plan: Plan
  /** The side's directory for raw profiles, created if missing. */
  readonly dir: string
}

/** One entry's profiled round on one side. */
export interface ProfiledRound {
  readonly requests: number
  readonly durationMs: number
  readonly profile: FoldedProfile
  /** The speed probe's reading over the round, µs a unit (app.cpus: separate), when it ran. */
  readonly speedUs?: number
  /** Raw profile files written for it (a .cpuprofile per process, perf.data, collapsed text). */
  readonly files: readonly string[]
}

/** The profiled rounds of every entry: per entry key, base and head (absent when its round failed). */
export type ProfiledEntries = Map<string, { base?: ProfiledRound; head?: ProfiledRound; problem?: string }>

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n)

/** A file name part from an entry key. */
export function slug(key: string): string {
  return (
    key
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'entry'
  )
}

interface Window {
  readonly entry: Entry
  readonly fromUs: number
  readonly toUs: number
  readonly requests: number
  readonly durationMs: number
  readonly speedUs?: number
}

interface SideRun {
  readonly side: ProfileSide
  app?: RunningApp
  readonly windows: Window[]
  readonly rounds: Map<string, ProfiledRound>
  /** The app's processes perf watched: their perf maps (/tmp/perf-PID.map) are removed afterwards. */
  readonly pids: Set<number>
}

/** A profiler process of ours (perf record, the user's command), stopped by its process group. */
async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  const pid = child.pid
  const signal = (name: NodeJS.Signals): void => {
    try {
      if (pid !== undefined) process.kill(-pid, name)
    } catch {
      // already gone
    }
  }
  const timeout = (ms: number): Promise<'late'> => new Promise((resolve) => setTimeout(() => resolve('late'), ms).unref())
  if ((await Promise.race([exited.then(() => 'done' as const), timeout(graceMs)])) === 'done') return
  signal('SIGINT')
  if ((await Promise.race([exited.then(() => 'done' as const), timeout(10_000)])) === 'done') return
  signal('SIGKILL')
  await Promise.race([exited, timeout(2000)])
}

function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'))
      else
        reject(
          new Error(`${command} ${args.join(' ')} exited with ${String(code)}: ${Buffer.concat(err).toString('utf8').trim().slice(-500)}`),
        )
    })
  })
}

/**
 * Profiles one round of each entry on each side. Both apps are started with the profiler, rounds run
 * entry by entry, base and head in turn (the side that starts alternates between entries), and the
 * apps are stopped in `finally`. Never throws for a profiler or an app that fails: the entry gets a
 * `problem` instead, since profiling must never cost a run its verdict. Throws InterruptedError.
 */
export async function profileRounds(
  sides: readonly [ProfileSide, ProfileSide],
  entries: readonly Entry[],
  profiler: Profiler,
): Promise<ProfiledEntries> {
  const result: ProfiledEntries = new Map(entries.map((e) => [e.key, {}]))
  const runs: SideRun[] = sides.map((side) => ({ side, windows: [], rounds: new Map(), pids: new Set() }))
  const problem = (key: string, text: string): void => {
    const at = result.get(key)
    if (at !== undefined && at.problem === undefined) at.problem = text
  }
  try {
    for (const r of runs) {
      const app = r.side.plan.app
      if (app === undefined) throw new Error(`the ${r.side.label} has no app to start with a profiler`)
      await mkdir(r.side.dir, { recursive: true })
      const preload = path.join(r.side.dir, 'cannonade-profile-preload.cjs')
      if (profiler.kind === 'node') await writeFile(preload, NODE_PRELOAD)
      const started = profiledApp(app, profiler, r.side.dir, preload)
      r.app = await startApp(started, app.readyUrl ?? r.side.plan.baseUrl, path.join(r.side.dir, 'app.profiled.log'))
      await waitUntilReady(r.app, started, r.side.plan.baseUrl)
    }
    // Pinned apps (app.cpus: separate) have the speed probe beside them again: its first units before the first round.
    await runningSpeedProbe()?.ready(PROBE_READY_TIMEOUT_MS)
    for (const [index, entry] of entries.entries()) {
      const order = index % 2 === 0 ? runs : [...runs].reverse()
      for (const r of order) {
        throwIfInterrupted()
        try {
          await profileOne(r, entry, profiler)
        } catch (error) {
          if (interruption() !== undefined) throw error
          problem(entry.key, `the ${r.side.label}'s profiled round failed: ${errorMessage(error)}`)
        }
      }
    }
  } catch (error) {
    if (interruption() !== undefined) throw error
    for (const entry of entries) problem(entry.key, `the profiled round could not run: ${errorMessage(error)}`)
  } finally {
    // Node writes each .cpuprofile as its process exits.
    await Promise.all(runs.map((r) => r.app?.stop()))
    // A runtime writing a perf map never removes it; in /tmp they would pile up run after run.
    if (profiler.kind === 'perf')
      await Promise.all(runs.flatMap((r) => [...r.pids].map((pid) => rm(`/tmp/perf-${pid}.map`, { force: true }))))
  }
  for (const r of runs) {
    if (profiler.kind === 'node')
      await collectNode(r).catch((error: unknown) => r.windows.forEach((w) => problem(w.entry.key, errorMessage(error))))
    for (const [key, round] of r.rounds) {
      const at = result.get(key)
      if (at !== undefined) at[r.side.label] = round
    }
  }
  return result
}

/** One profiled round of one entry on one side; perf and a user's command run around its window. */
async function profileOne(r: SideRun, entry: Entry, profiler: Profiler): Promise<void> {
  const app = r.app
  if (app === undefined) throw new Error('the app did not start')
  const base = path.join(r.side.dir, slug(entry.key))
  const pids = liveGroupPids(app.pgid)
  for (const pid of pids) r.pids.add(pid)
  let recorder: ChildProcess | undefined
  let perfFile: string | undefined
  let commandOutput: string | undefined
  if (profiler.kind === 'perf') {
    // Started before the round and cut to its window afterwards (-k monotonic: the clock of the
    // window's bounds), so perf's own start-up costs no samples of the window. Its events start
    // disabled and the round waits until perf says they are on (its control pipe's ack): attaching
    // to the app's processes took longer than the round's warm-up on a busy machine, and the window
    // then held no sample at all.
    perfFile = `${base}.perf.data`
    const perf = spawn(
      'perf',
      ['record', ...PERF_SAMPLING, '-k', 'monotonic', '-D', '-1', '--control', 'fd:3,4', '-o', perfFile, '-p', pids.join(',')],
      {
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
      },
    )
    recorder = perf
    try {
      await perfRecording(perf)
    } catch (error) {
      await stopProcess(perf, 0)
      throw error
    }
  }
  let fromUs = 0
  let toUs = 0
  // The same bounds on the wall clock, which the speed probe's units are stamped with.
  let fromMs = 0
  let toMs = 0
  const measurement = await runEntryRound(
    { baseUrl: r.side.plan.baseUrl, scenario: entry.scenario, level: entry.level },
    {
      onMeasureStart: () => {
        fromUs = nowUs()
        fromMs = Date.now()
        if (profiler.kind === 'command') {
          commandOutput = `${base}.folded`
          recorder = spawn(profiler.command, {
            shell: true,
            detached: true,
            cwd: r.side.plan.app?.cwd,
            stdio: 'ignore',
            env: {
              ...process.env,
              CANNONADE_PROFILE_PID: String(app.pgid),
              CANNONADE_PROFILE_PIDS: pids.join(','),
              CANNONADE_PROFILE_SECONDS: String(Math.max(1, Math.ceil(entry.scenario.durationMs / 1000))),
              CANNONADE_PROFILE_OUTPUT: commandOutput,
            },
          })
        }
      },
      onMeasureEnd: () => {
        toUs = nowUs()
        toMs = Date.now()
      },
      shouldAbort: () => app.exit() !== undefined || interruption() !== undefined,
    },
  )
  throwIfInterrupted()
  if (recorder !== undefined) await stopProcess(recorder, profiler.kind === 'command' ? 10_000 : 0)
  if (app.exit() !== undefined) throw new Error(`the app exited during the profiled round (see ${app.logFile})`)
  const speedUs = runningSpeedProbe()?.between(fromMs, toMs)
  const window: Window = {
    entry,
    fromUs,
    toUs,
    requests: measurement.responses,
    durationMs: measurement.durationMs,
    ...(speedUs === undefined ? {} : { speedUs }),
  }
  r.windows.push(window)
  const root = r.side.plan.app?.cwd
  if (profiler.kind === 'perf' && perfFile !== undefined) {
    const text = await run('perf', ['script', '-F', PERF_SCRIPT_FIELDS, '-i', perfFile])
    const profile = foldPerfScript(text, {
      ...(root === undefined ? {} : { root }),
      defaultSampleUs: 1e6 / PERF_FREQUENCY_HZ,
      window: { fromUs, toUs },
    })
    // No profile rather than one that reads as an app using no CPU at all.
    if (profile.totalUs === 0) throw new Error(`perf recorded no sample of the app during the round (${perfFile})`)
    await writeFile(`${base}.folded`, collapsedText(profile))
    r.rounds.set(entry.key, { ...measured(window), profile, files: [perfFile, `${base}.folded`] })
  } else if (profiler.kind === 'command' && commandOutput !== undefined) {
    const text = await readFile(commandOutput, 'utf8').catch(() => {
      throw new Error(`the profile command wrote nothing to CANNONADE_PROFILE_OUTPUT (${commandOutput})`)
    })
    const profile = parseCollapsed(text, profiler.sampleUs)
    r.rounds.set(entry.key, { ...measured(window), profile, files: [commandOutput] })
  }
}

/** How long perf record may take to attach to the app's processes and turn its events on. */
const PERF_START_TIMEOUT_MS = 30_000

/**
 * Turns on the events of a `perf record -D -1 --control fd:3,4` and resolves once perf acknowledges
 * it, so that it samples from then on; rejects, with what perf said, if it exits or does not answer.
 */
async function perfRecording(perf: ChildProcess): Promise<void> {
  const control = perf.stdio[3]
  const ack = perf.stdio[4]
  let said = ''
  perf.stderr?.on('data', (chunk: Buffer) => (said = (said + chunk.toString('utf8')).slice(-2000)))
  if (!(control instanceof Writable) || !(ack instanceof Readable)) throw new Error('perf record was started without its control pipes')
  const answered = new Promise<'on' | 'exited'>((resolve) => {
    let answer = ''
    ack.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8')
      if (answer.includes('ack')) resolve('on')
    })
    perf.once('exit', () => resolve('exited'))
  })
  control.write('enable\n')
  const outcome = await within(answered, PERF_START_TIMEOUT_MS)
  if (outcome === 'exited') throw new Error(`perf record exited before it recorded: ${said.trim().slice(-300) || 'no message'}`)
  if (outcome === undefined) throw new Error(`perf record did not start recording within ${PERF_START_TIMEOUT_MS / 1000} s`)
}

/** What a profiled round keeps of its window. */
function measured(window: Window): Pick<ProfiledRound, 'requests' | 'durationMs' | 'speedUs'> {
  return {
    requests: window.requests,
    durationMs: window.durationMs,
    ...(window.speedUs === undefined ? {} : { speedUs: window.speedUs }),
  }
}

/** Node's profiles, one per process, each cut to every window and merged per entry. */
async function collectNode(r: SideRun): Promise<void> {
  const files = (await readdir(r.side.dir)).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(r.side.dir, f))
  if (files.length === 0) throw new Error(`no .cpuprofile was written in ${r.side.dir}: did the app's Node process exit normally?`)
  const documents = await Promise.all(
    files.map(async (file): Promise<unknown> => {
      const document: unknown = JSON.parse(await readFile(file, 'utf8'))
      return document
    }),
  )
  const root = r.side.plan.app?.cwd
  for (const window of r.windows) {
    const folder = new Folder()
    const span: WindowUs = { fromUs: window.fromUs, toUs: window.toUs }
    for (const document of documents) folder.addProfile(foldCpuProfile(document, { ...(root === undefined ? {} : { root }), window: span }))
    const profile = folder.result()
    const folded = path.join(r.side.dir, `${slug(window.entry.key)}.folded`)
    await writeFile(folded, collapsedText(profile))
    r.rounds.set(window.entry.key, { ...measured(window), profile, files: [...files, folded] })
  }
  await rm(path.join(r.side.dir, 'cannonade-profile-preload.cjs'), { force: true })
}
