// app.profile in the config, and which profiler it picks for an app.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPlan } from '../../src/config/load.js'
import type { AppPlan } from '../../src/config/plan.js'
import { InputError } from '../../src/errors.js'
import { chooseProfiler } from '../../src/profile/profilers.js'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-profile-config-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function load(profile: string): Promise<AppPlan | undefined> {
  const file = path.join(dir, 'cannonade.yml')
  await writeFile(
    file,
    [
      'app:',
      '  command: python app.py',
      `  profile: ${profile}`,
      'baseUrl: http://127.0.0.1:3000',
      'scenarios:',
      '  - { name: a, path: / }',
    ].join('\n'),
  )
  return (await loadPlan(file)).app
}

describe('app.profile', () => {
  it('reads the words and a command with its interval', async () => {
    expect((await load('perf'))?.profile).toEqual({ kind: 'perf' })
    expect((await load('{ command: "py-spy record", interval: 5ms }'))?.profile).toEqual({
      kind: 'command',
      command: 'py-spy record',
      sampleUs: 5000,
    })
    expect((await load('{ command: "x" }'))?.profile).toEqual({ kind: 'command', command: 'x', sampleUs: 10_000 })
  })

  it('rejects anything else naming the field and what was expected', async () => {
    const error = await load('perfx').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect(String(error)).toMatch(/app\.profile: must be auto, node, perf, none, or a mapping with command \(and interval\), got "perfx"/)
    const interval = await load('{ command: x, interval: 2s }').catch((e: unknown) => e)
    expect(String(interval)).toMatch(/app\.profile\.interval: must be from 0\.1ms to 1s/)
  })

  it('auto picks V8 for a command that starts Node, else perf, else says why in one line', () => {
    const app = (command: string, profile?: AppPlan['profile']): AppPlan => ({
      command,
      build: { kind: 'none' },
      cwd: '/',
      env: {},
      readyTimeoutMs: 1,
      stopTimeoutMs: 1,
      ...(profile === undefined ? {} : { profile }),
    })
    const perf = (): undefined => undefined
    const noPerf = (): string => 'perf is not installed'
    expect(chooseProfiler(app('echo $$ > pids; exec node server.mjs'), noPerf)).toEqual({ kind: 'node' })
    expect(chooseProfiler(app('npm start'), noPerf)).toEqual({ kind: 'node' })
    expect(chooseProfiler(app('nodemon x'), perf)).toEqual({ kind: 'perf' })
    expect(chooseProfiler(app('python -m uvicorn main:app'), noPerf)).toEqual({
      none: "the app's command does not start Node and perf is not installed; set app.profile to a command writing collapsed stacks",
    })
    expect(chooseProfiler(app('node x', { kind: 'none' }), perf)).toEqual({ none: 'app.profile is none' })
    expect(chooseProfiler(app('node x', { kind: 'perf' }), noPerf)).toEqual({ none: 'app.profile is perf, but perf is not installed' })
  })
})
