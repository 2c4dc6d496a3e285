// Issue 21 with perf on a Python (uvicorn) app, from the bundle: the second commit makes price_basket,
// a pure-Python function, five times as expensive. `run --against HEAD~1` fails the entry and profiles
// it with `perf record -e cpu-clock -g` on the app's processes. perf names Python functions only
// through Python 3.12's trampolines (PYTHONPERFSUPPORT=1, which the profiled app gets): with an older
// Python the test still checks the perf path end to end, and says why it cannot check the name.
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gitIn } from '../../__fixtures__/demo-repo.js'
import { perfUnavailable } from '../../src/profile/profilers.js'
import { freePort } from '../helpers/ports.js'
import { cli } from '../helpers/run-node.js'

const PYTHON = '/usr/bin/python3'

/** Why this test cannot run here, or undefined. */
function missing(): string | undefined {
  const perf = perfUnavailable()
  if (perf !== undefined) return perf
  try {
    execFileSync(PYTHON, ['-c', 'import fastapi, uvicorn'], { stdio: 'ignore' })
  } catch {
    return `${PYTHON} lacks fastapi or uvicorn (apt-get install -y python3-fastapi python3-uvicorn)`
  }
  return undefined
}

function pythonMinor(): number {
  return Number(execFileSync(PYTHON, ['-c', 'import sys; print(sys.version_info[1])'], { encoding: 'utf8' }).trim())
}

const MAIN_PY = `from fastapi import FastAPI

app = FastAPI()


def price_basket(items):
    total = 0
    for i in range(items):
        total = (total * 33 + i * 7) % 1000000007
    return total


@app.get("/health")
def health():
    return {"ok": True}


@app.get("/checkout")
def checkout():
    return {"total": price_basket(4000)}
`

const why = missing()
if (why !== undefined) process.stderr.write(`skipping the perf profile test of a Python app: ${why}\n`)

let dir = ''
let repo = ''

beforeAll(async () => {
  if (why !== undefined) return
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-profile-py-'))
  repo = path.join(dir, 'repo')
  await mkdir(path.join(repo, 'app'), { recursive: true })
  const port = await freePort()
  await writeFile(path.join(repo, 'app', 'main.py'), MAIN_PY)
  await writeFile(
    path.join(repo, 'cannonade.yml'),
    [
      'suite: profiled-python',
      'budget: 40s',
      'app:',
      `  command: "exec ${PYTHON} -m uvicorn main:app --host 127.0.0.1 --port $PORT --log-level warning"`,
      '  build: "true"',
      '  cwd: app',
      `  env: { PORT: "${port}" }`,
      `  ready: "http://127.0.0.1:${port}/health"`,
      '  profile: perf',
      `baseUrl: http://127.0.0.1:${port}`,
      'defaults: { duration: 1s, warmup: 300ms, rounds: 3, connections: 2 }',
      'scenarios:',
      '  - { name: checkout, path: /checkout, thresholds: { regression: { rps: 20%, p50: 20% } } }',
    ].join('\n'),
  )
  gitIn(repo, 'init', '-q', '-b', 'main')
  gitIn(repo, 'add', '.')
  gitIn(repo, 'commit', '-q', '-m', 'base')
  await writeFile(path.join(repo, 'app', 'main.py'), MAIN_PY.replace('for i in range(items):', 'for i in range(items * 5):'))
  gitIn(repo, 'commit', '-q', '-am', 'price_basket does five times the work')
})
afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true })
})

describe.skipIf(why !== undefined)('run --against with a perf profile of the slower entry (Python, uvicorn)', () => {
  it('fails the entry, profiles it with perf, and names price_basket first where Python has perf support', async () => {
    const out = path.join(dir, 'out')
    const result = await cli(['run', '--against', 'HEAD~1', '--out', out], { cwd: repo, timeoutMs: 170_000 })
    const output = result.stdout + result.stderr
    expect(result.code, output).toBe(1)
    expect(result.stderr).toContain('profiling the slower entry with perf record: one extra round per side, not compared')
    expect(result.stdout).toMatch(/Why checkout @ 2 conn got slower: CPU per request .* → .*; grew most: /)
    for (const side of ['base', 'head']) {
      const files = await readdir(path.join(out, 'profiles', side))
      expect(files, files.join(', ')).toContain('checkout-2-conn.perf.data')
      const folded = await readFile(path.join(out, 'profiles', side, 'checkout-2-conn.folded'), 'utf8')
      // Samples of the app's interpreter, cut to the profiled round's window.
      expect(folded).toMatch(/python3/)
    }
    if (pythonMinor() < 12) {
      process.stderr.write(
        `perf profiled the Python app, but ${PYTHON} is 3.${pythonMinor()}: naming price_basket needs Python 3.12's perf trampolines; the name is not checked here\n`,
      )
      return
    }
    expect(result.stdout).toMatch(/grew most: price_basket \(main\.py\) \+/)
    expect(result.stdout).toMatch(/^\| +1 \| price_basket \(main\.py\) +\|/m)
  }, 180_000)
})
