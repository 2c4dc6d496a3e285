// `cannonade init`: a first cannonade.yml and workflow for the app in a directory, guessed from its
// files. The guess is printed one line per choice so the user knows what to check; the written config
// is then validated exactly as `cannonade validate` would, so init never leaves a file that fails.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { loadPlan } from '../config/load.js'
import { EXIT, InputError } from '../errors.js'
import { plain } from '../report/text.js'
import { stringFlag, type Command } from './command.js'

/** The runtimes init recognises; each picks its setup step in the workflow. */
export type Runtime = 'node' | 'python' | 'go'

/** What init found in a directory, each choice with the reason it was made. */
export interface Detected {
  readonly runtime: Runtime
  /** The shell command for `app.command`. */
  readonly command: string
  readonly commandReason: string
  readonly port: number
  readonly portReason: string
  /** A health route found in the code, or `/`. */
  readonly readyPath: string
  readonly readyReason: string
  /** What the workflow runs to install the app's dependencies; undefined when nothing is needed. */
  readonly install: string | undefined
}

// Ports each runtime's frameworks listen on when told nothing: Express examples, uvicorn, flask, Go's net/http examples.
const DEFAULT_PORT: Readonly<Record<Runtime, number>> = { node: 3000, python: 8000, go: 8080 }
const FLASK_DEFAULT_PORT = 5000

// Routes apps commonly answer for health checks, in the order preferred for `app.ready`.
const HEALTH_ROUTES = ['/health', '/healthz', '/ready', '/readyz', '/status', '/ping']

// A port given on a command line: `--port 3000`, `--port=3000`; the capture group is the port.
const PORT_FLAG = /--port[ =](\d{2,5})\b/

// Where a port shows up in source and start scripts. Each has one capture group: the port.
const PORT_PATTERNS: readonly { readonly re: RegExp; readonly label: (port: string) => string }[] = [
  { re: /\blisten\(\s*(\d{2,5})\b/, label: (p) => `listen(${p})` },
  { re: /\bPORT\b[^\n|?]{0,20}(?:\|\||\?\?)\s*['"]?(\d{2,5})\b/, label: (p) => `PORT || ${p}` },
  { re: PORT_FLAG, label: (p) => `--port ${p}` },
  { re: /\bport\s*=\s*(\d{2,5})\b/, label: (p) => `port=${p}` },
  { re: /ListenAndServe\(\s*"[\w.]*:(\d{2,5})"/, label: (p) => `ListenAndServe(":${p}"` },
  { re: /\.(?:Run|Start|Listen)\(\s*"[\w.]*:(\d{2,5})"/, label: (p) => `":${p}"` },
  { re: /\bPORT\b[^\n]{0,40}?['"](\d{2,5})['"]/, label: (p) => `PORT default "${p}"` },
]

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch {
    return undefined
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file)
    return true
  } catch {
    return false
  }
}

/** The first port found in the sources, with a label of where; sources are [name, text] pairs. */
function findPort(sources: readonly (readonly [string, string])[]): { port: number; reason: string } | undefined {
  for (const { re, label } of PORT_PATTERNS) {
    for (const [name, text] of sources) {
      const match = re.exec(text)
      const port = match?.[1] === undefined ? NaN : Number(match[1])
      if (port >= 1 && port <= 65535) return { port, reason: `from ${name} ${label(String(port))}` }
    }
  }
  return undefined
}

/** The first health route quoted in the sources. */
function findHealth(sources: readonly (readonly [string, string])[]): { path: string; reason: string } {
  for (const route of HEALTH_ROUTES) {
    const re = new RegExp(`['"\`]${route}['"\`]`)
    for (const [name, text] of sources) {
      if (re.test(text)) return { path: route, reason: `route "${route}" found in ${name}` }
    }
  }
  return { path: '/', reason: 'no health route found in the code' }
}

function withPort(
  found: { port: number; reason: string } | undefined,
  runtime: Runtime,
  fallback = DEFAULT_PORT[runtime],
): { port: number; reason: string } {
  return (
    found ?? {
      port: fallback,
      reason: `the ${runtime === 'python' && fallback === FLASK_DEFAULT_PORT ? 'flask' : runtime} default; none found in the code`,
    }
  )
}

async function detectNode(dir: string): Promise<Detected | undefined> {
  const text = await readText(path.join(dir, 'package.json'))
  if (text === undefined) return undefined
  let pkg: { scripts?: Record<string, unknown>; main?: unknown }
  try {
    pkg = JSON.parse(text) as typeof pkg
  } catch (error) {
    throw new InputError([`${path.join(dir, 'package.json')}: not valid JSON (${(error as Error).message})`])
  }
  const start = typeof pkg.scripts?.['start'] === 'string' ? pkg.scripts['start'] : undefined
  const main = typeof pkg.main === 'string' ? pkg.main : undefined
  const candidates = [main, 'server.js', 'index.js', 'app.js', 'src/server.js', 'src/index.js', 'server.mjs', 'index.mjs']
  const sources: [string, string][] = []
  if (start !== undefined) sources.push(['package.json scripts.start', start])
  let entry: string | undefined
  for (const file of candidates) {
    if (file === undefined) continue
    const code = await readText(path.join(dir, file))
    if (code === undefined) continue
    entry ??= file
    sources.push([file, code])
  }
  let command: string
  let commandReason: string
  // A start script that fixes its port (`json-server --port 3000 db.json`) would start the base commit
  // of `run --against` on the head's port, and the run would wait out readyTimeout before saying so:
  // the script's own command is run instead, with {port} where the number was.
  const fixedPort = start === undefined ? undefined : PORT_FLAG.exec(start)?.[1]
  if (start !== undefined && fixedPort !== undefined) {
    command = `npm exec -c ${shellQuoted(start.replace(PORT_FLAG, (flag, port: string) => flag.replace(port, '{port}')))}`
    commandReason = `package.json scripts.start, with {port} for its --port ${fixedPort}`
  } else if (start !== undefined) {
    command = 'npm start'
    commandReason = 'package.json scripts.start'
  } else if (entry !== undefined) {
    command = `node ${entry}`
    commandReason = main === entry ? 'package.json main' : `${entry} exists`
  } else {
    return undefined
  }
  const port = withPort(findPort(sources), 'node')
  const lock = (await exists(path.join(dir, 'package-lock.json'))) ? 'npm ci' : 'npm install'
  const health = findHealth(sources)
  return { runtime: 'node', command, commandReason, ...portFields(port), readyPath: health.path, readyReason: health.reason, install: lock }
}

/** `text` as one word of a POSIX shell command. */
function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

function portFields(port: { port: number; reason: string }): { port: number; portReason: string } {
  return { port: port.port, portReason: port.reason }
}

async function detectPython(dir: string): Promise<Detected | undefined> {
  const requirements = await readText(path.join(dir, 'requirements.txt'))
  const pyproject = await readText(path.join(dir, 'pyproject.toml'))
  const deps = `${requirements ?? ''}\n${pyproject ?? ''}`.toLowerCase()
  for (const file of ['main.py', 'app.py', 'app/main.py', 'src/main.py']) {
    const code = await readText(path.join(dir, file))
    if (code === undefined) continue
    const module = file.replace(/\.py$/, '').replaceAll('/', '.')
    const fastapi = /^\s*(\w+)\s*(?::\s*\w+\s*)?=\s*FastAPI\(/m.exec(code)
    const flask = /^\s*(\w+)\s*(?::\s*\w+\s*)?=\s*Flask\(/m.exec(code)
    const variable = fastapi?.[1] ?? flask?.[1]
    if (variable === undefined) continue
    const sources: [string, string][] = [[file, code]]
    const install = requirements !== undefined ? 'pip install -r requirements.txt' : pyproject !== undefined ? 'pip install .' : undefined
    const health = findHealth(sources)
    const target = `${module}:${variable}`
    let command: string
    let commandReason: string
    let fallback = DEFAULT_PORT.python
    if (fastapi !== null) {
      // uvicorn serves ASGI; gunicorn alone cannot run FastAPI without uvicorn's worker class.
      command = `python3 -m uvicorn ${target} --host 127.0.0.1 --port {port}`
      commandReason = `${file} creates FastAPI() as ${variable}${deps.includes('uvicorn') ? ', uvicorn in the dependencies' : ''}`
    } else if (deps.includes('gunicorn')) {
      command = `python3 -m gunicorn --bind 127.0.0.1:{port} ${target}`
      commandReason = `${file} creates Flask() as ${variable}, gunicorn in the dependencies`
    } else {
      command = `python3 -m flask --app ${target} run --host 127.0.0.1 --port {port}`
      commandReason = `${file} creates Flask() as ${variable}`
      fallback = FLASK_DEFAULT_PORT
    }
    const port = withPort(findPort(sources), 'python', fallback)
    return { runtime: 'python', command, commandReason, ...portFields(port), readyPath: health.path, readyReason: health.reason, install }
  }
  return undefined
}

async function detectGo(dir: string): Promise<Detected | undefined> {
  if (!(await exists(path.join(dir, 'go.mod')))) return undefined
  const sources: [string, string][] = []
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go')).sort()) {
    const code = await readText(path.join(dir, name))
    if (code !== undefined && /^package main\b/m.test(code)) sources.push([name, code])
  }
  const first = sources[0]
  if (first === undefined) return undefined
  const port = withPort(findPort(sources), 'go')
  const health = findHealth(sources)
  return {
    runtime: 'go',
    command: 'go run .',
    commandReason: `go.mod and package main in ${first[0]}`,
    ...portFields(port),
    readyPath: health.path,
    readyReason: health.reason,
    install: 'go build ./...',
  }
}

/** Guesses how to start the app in `dir`: Node, then Python, then Go. Undefined when none fits. */
export async function detectApp(dir: string): Promise<Detected | undefined> {
  return (await detectNode(dir)) ?? (await detectPython(dir)) ?? (await detectGo(dir))
}

/** The cannonade.yml text for what was detected, with comments saying what to edit. */
export function configText(found: Detected): string {
  const base = `http://127.0.0.1:${found.port}`
  const portNote = found.command.includes('{port}')
    ? '{port} is replaced by the port of baseUrl (and by a free port for the base commit)'
    : 'Cannonade also passes the port as PORT; an app that reads PORT needs nothing more'
  return `# Written by \`cannonade init\`: a starting point. Check each line, then run \`npx cannonade validate\`.
# Every field is described in the README, section "The config file".
app:
  # How the app is started (a shell command, run in this directory). ${portNote}.
  command: ${yamlString(found.command)}
  # Polled until it answers 2xx; point it at a route that answers once the app can serve.
  ready: ${base}${found.readyPath}
  readyTimeout: 60s
# Where requests go; the port the app listens on.
baseUrl: ${base}
defaults:
  duration: 2.5s   # measured time per round (short rounds fit more base/head pairs into a budget)
  warmup: 1s       # load before each round, discarded
  rounds: 5
  connections: 10
scenarios:
  # One scenario per endpoint you care about. Add method, headers, body and thresholds, e.g.
  #   thresholds: { p99: { max: 50ms }, errorRate: { max: 1% } }
  - name: ${found.readyPath === '/' ? 'home' : found.readyPath.slice(1)}
    path: ${found.readyPath}
`
}

function yamlString(value: string): string {
  return /^[\w./ -]+$/.test(value) && !value.includes(': ') ? value : JSON.stringify(value)
}

/** The .github/workflows/perf.yml text: the shape of examples/perf.yml with the runtime's setup step. */
export function workflowText(found: Detected, config: string): string {
  const setup: Record<Runtime, string> = {
    node: `      - uses: actions/setup-node@v4
        with:
          node-version: 20
`,
    python: `      - uses: actions/setup-python@v5
        with:
          python-version: '3.12'
`,
    go: `      - uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
`,
  }
  const install = found.install === undefined ? '' : `      - run: ${found.install}\n`
  return `# Written by \`cannonade init\`. Cannonade on every push to main (records the baseline) and every pull
# request (compares, comments, gates).
name: perf
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read        # check out the code
  actions: read         # find the baseline artifact of earlier runs
  pull-requests: write  # the sticky comment
jobs:
  perf:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
${setup[found.runtime]}${install}      - uses: cannonade/cannonade@v1
        with:
          config: ${config}
          fail-on: fail
`
}

/** `cannonade init`: writes a cannonade.yml and a workflow for the app in a directory. */
export const initCommand: Command = {
  summary: 'write a cannonade.yml and a workflow for the app in this directory',
  usage: `Usage: cannonade init [--dir DIR] [--force]

  --dir DIR   the app's directory (default: the current directory)
  --force     overwrite cannonade.yml and .github/workflows/perf.yml if they exist

Looks for a Node app (package.json scripts.start or main), a Python FastAPI or Flask app (main.py or
app.py) or a Go program (go.mod and package main), writes cannonade.yml and
.github/workflows/perf.yml, validates the config as \`cannonade validate\` does, and prints one line
per choice made. Exit code 2 when nothing is recognised or a file exists without --force.`,
  options: { dir: { type: 'string' }, force: { type: 'boolean' } },
  async run(flags) {
    const dir = path.resolve(stringFlag(flags, 'dir', '.'))
    const force = flags['force'] === true
    const configFile = path.join(dir, 'cannonade.yml')
    const workflowFile = path.join(dir, '.github', 'workflows', 'perf.yml')
    if (!force) {
      const taken = []
      for (const file of [configFile, workflowFile]) if (await exists(file)) taken.push(file)
      if (taken.length > 0) throw new InputError(taken.map((file) => `${file}: already exists; pass --force to overwrite it`))
    }
    const found = await detectApp(dir)
    if (found === undefined) {
      throw new InputError([
        `${dir}: no app recognised. Looked for package.json (scripts.start or main, or server.js/index.js/app.js), ` +
          'main.py or app.py creating FastAPI() or Flask(), and go.mod with package main. ' +
          'Write cannonade.yml by hand: see the README, section "The config file".',
      ])
    }
    await writeFile(configFile, configText(found))
    await mkdir(path.dirname(workflowFile), { recursive: true })
    await writeFile(workflowFile, workflowText(found, 'cannonade.yml'))
    const lines = [
      `app: ${found.command} (${found.commandReason})`,
      `port: ${found.port} (${found.portReason})`,
      `ready: http://127.0.0.1:${found.port}${found.readyPath} (${found.readyReason})`,
      `workflow: ${found.runtime} setup${found.install === undefined ? '' : `, ${found.install}`}`,
      `wrote ${path.relative(process.cwd(), configFile) || configFile} and ${path.relative(process.cwd(), workflowFile)}`,
    ]
    process.stdout.write(`${lines.map((line) => plain(line)).join('\n')}\n`)
    // The same check `cannonade validate` makes: a config init wrote must load.
    const plan = await loadPlan(configFile)
    for (const warning of plan.warnings) process.stderr.write(`warning: ${plain(warning)}\n`)
    process.stdout.write('ok: cannonade.yml validates; edit the scenarios, then run `npx cannonade run`\n')
    return EXIT.ok
  },
}
