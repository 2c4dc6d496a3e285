// test-kind: process — what init guesses and writes, and the built CLI exiting 0 then 2; nothing is measured.
//
// `cannonade init`: what it guesses from a directory's files, what it writes, and that what it writes
// loads with the project's config loader and passes the workflow linters `npm run lint:actions` uses.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { parse } from 'yaml'
import { lintWorkflow } from '../scripts/lint-actions.js'
import { initCommand } from '../src/cli/init.js'
import { startApp, waitUntilReady } from '../src/app/process.js'
import { loadPlan } from '../src/config/load.js'
import { InputError } from '../src/errors.js'
import { freePort } from './helpers/ports.js'
import { cli } from './helpers/run-node.js'

let dir = ''
let out = ''

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-init-'))
  out = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk)
    return true
  })
})

afterEach(async () => {
  vi.restoreAllMocks()
  await rm(dir, { recursive: true, force: true })
})

async function files(entries: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(entries)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), text)
  }
}

async function init(...extra: string[]): Promise<number> {
  const flags: Record<string, string | boolean> = { dir }
  for (const flag of extra) flags[flag] = true
  return initCommand.run(flags, [])
}

async function written(): Promise<{ config: string; workflow: string; steps: { uses?: string; run?: string }[] }> {
  const config = await readFile(path.join(dir, 'cannonade.yml'), 'utf8')
  const workflow = await readFile(path.join(dir, '.github/workflows/perf.yml'), 'utf8')
  const doc = parse(workflow) as { jobs: { perf: { steps: { uses?: string; run?: string }[] } } }
  return { config, workflow, steps: doc.jobs.perf.steps }
}

describe('cannonade init', () => {
  it('a Node app: npm start, the port from listen(), the health route, setup-node', async () => {
    await files({
      'package.json': JSON.stringify({ name: 'app', scripts: { start: 'node server.js' } }),
      'package-lock.json': '{}',
      'server.js': "const http = require('http')\nhttp.createServer((q, s) => { if (q.url === '/healthz') s.end('ok') }).listen(3100)\n",
    })
    expect(await init()).toBe(0)
    expect(out).toContain('app: npm start (package.json scripts.start)')
    expect(out).toContain('port: 3100 (from server.js listen(3100))')
    expect(out).toContain('ready: http://127.0.0.1:3100/healthz')
    const plan = await loadPlan(path.join(dir, 'cannonade.yml'))
    expect(plan.app?.command).toBe('npm start')
    expect(plan.baseUrl).toBe('http://127.0.0.1:3100')
    expect(plan.app?.readyUrl).toBe('http://127.0.0.1:3100/healthz')
    // 2.5 s rounds, the default's: about twice the pairs of 5 s ones in a budget (ACCURACY.md, "Round length").
    expect(plan.scenarios[0]?.durationMs).toBe(2500)
    const { steps, workflow } = await written()
    expect(steps.map((s) => s.uses ?? s.run)).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'npm ci', 'cannonade/cannonade@v1'])
    expect(await lintWorkflow('perf.yml', workflow)).toEqual([])
  })

  it('a Node app that reads PORT with a fallback and has only main', async () => {
    await files({
      'package.json': JSON.stringify({ name: 'app', main: 'index.js' }),
      'index.js': "require('http').createServer((q, s) => s.end()).listen(process.env.PORT || 4000)\n",
    })
    expect(await init()).toBe(0)
    expect(out).toContain('app: node index.js (package.json main)')
    expect(out).toContain('port: 4000 (from index.js PORT || 4000)')
    expect((await written()).steps.map((s) => s.run).filter(Boolean)).toEqual(['npm install'])
  })

  it('a start script that fixes its port: its own command with {port} for the number, which starts on any port', async () => {
    await files({
      'package.json': JSON.stringify({ name: 'api', scripts: { start: "node server.js --name 'the api' --port 3000" } }),
      'package-lock.json': '{}',
      'server.js':
        "const port = Number(process.argv[process.argv.indexOf('--port') + 1])\n" +
        "require('http').createServer((q, s) => s.end(process.argv[process.argv.indexOf('--name') + 1])).listen(port, '127.0.0.1')\n",
    })
    expect(await init()).toBe(0)
    expect(out).toContain(
      "app: npm exec -c 'node server.js --name '\\''the api'\\'' --port {port}' (package.json scripts.start, with {port} for its --port 3000)",
    )
    expect(out).toContain('port: 3000 (from package.json scripts.start --port 3000)')
    const plan = await loadPlan(path.join(dir, 'cannonade.yml'))
    const app = plan.app
    if (app === undefined) throw new Error('no app in the written config')
    // Started as run --against starts the base commit: on a port of its own, not baseUrl's.
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/`
    const running = await startApp({ ...app, port, readyUrl: url }, url, path.join(dir, 'app.log'))
    try {
      await waitUntilReady(running, { ...app, port, readyUrl: url }, url)
      expect(await (await fetch(url)).text()).toBe('the api')
    } finally {
      await running.stop()
    }
  })

  it('a FastAPI app: uvicorn with {port}, the default port, setup-python', async () => {
    await files({
      'requirements.txt': 'fastapi\nuvicorn\n',
      'main.py': 'from fastapi import FastAPI\n\napi = FastAPI()\n\n@api.get("/health")\ndef health():\n    return {}\n',
    })
    expect(await init()).toBe(0)
    expect(out).toContain('app: python3 -m uvicorn main:api --host 127.0.0.1 --port {port} (main.py creates FastAPI() as api')
    expect(out).toContain('port: 8000 (the python default')
    const plan = await loadPlan(path.join(dir, 'cannonade.yml'))
    expect(plan.app?.command).toBe('python3 -m uvicorn main:api --host 127.0.0.1 --port {port}')
    expect(plan.app?.readyUrl).toBe('http://127.0.0.1:8000/health')
    expect(plan.scenarios[0]?.name).toBe('health')
    const { steps, workflow } = await written()
    expect(steps.map((s) => s.uses ?? s.run)).toEqual([
      'actions/checkout@v4',
      'actions/setup-python@v5',
      'pip install -r requirements.txt',
      'cannonade/cannonade@v1',
    ])
    expect(await lintWorkflow('perf.yml', workflow)).toEqual([])
  })

  it('a Go app: go run ., the port from ListenAndServe, setup-go', async () => {
    await files({
      'go.mod': 'module example.com/app\n\ngo 1.22\n',
      'main.go': 'package main\n\nimport "net/http"\n\nfunc main() {\n\thttp.ListenAndServe(":9090", nil)\n}\n',
    })
    expect(await init()).toBe(0)
    expect(out).toContain('app: go run . (go.mod and package main in main.go)')
    expect(out).toContain('port: 9090 (from main.go ListenAndServe(":9090")')
    const plan = await loadPlan(path.join(dir, 'cannonade.yml'))
    expect(plan.baseUrl).toBe('http://127.0.0.1:9090')
    expect(plan.scenarios[0]?.name).toBe('home')
    const { steps, workflow } = await written()
    expect(steps.map((s) => s.uses ?? s.run)).toEqual([
      'actions/checkout@v4',
      'actions/setup-go@v5',
      'go build ./...',
      'cannonade/cannonade@v1',
    ])
    expect(await lintWorkflow('perf.yml', workflow)).toEqual([])
  })

  it('nothing recognised: exit 2 saying what it looked for and where to read on', async () => {
    await files({ 'README.md': '# nothing here\n' })
    const error = await init().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect(String(error)).toContain('no app recognised')
    expect(String(error)).toContain('package.json')
    expect(String(error)).toContain('go.mod')
    expect(String(error)).toContain('"The config file"')
  })

  it('refuses to overwrite an existing cannonade.yml, naming it; --force overwrites', async () => {
    await files({ 'package.json': JSON.stringify({ scripts: { start: 'node server.js' } }), 'cannonade.yml': 'mine\n' })
    const error = await init().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect(String(error)).toContain(`${path.join(dir, 'cannonade.yml')}: already exists; pass --force`)
    expect(await readFile(path.join(dir, 'cannonade.yml'), 'utf8')).toBe('mine\n')
    expect(await init('force')).toBe(0)
    expect(await readFile(path.join(dir, 'cannonade.yml'), 'utf8')).toContain('command: npm start')
  })

  it('the built CLI: writes both files and exits 0, then 2 on a second run', async () => {
    await files({
      'package.json': JSON.stringify({ scripts: { start: 'node server.js' } }),
      'server.js': "require('http').createServer((q, s) => s.end()).listen(process.env.PORT || 3000)\n",
    })
    const first = await cli(['init'], { cwd: dir })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('port: 3000 (from server.js PORT || 3000)')
    const second = await cli(['init', '--dir', dir])
    expect(second.code).toBe(2)
    expect(second.stderr).toContain('cannonade.yml: already exists; pass --force to overwrite it')
  })
})
