// test-kind: process — --against's plumbing (worktree, build, both apps stopped, signals); the
// comparison's outcome may go either way (exit 0 or 1, one or two slower entries), as a busy machine makes it.
//
// `cannonade run --against REF` from the committed bundle, on a real temporary git repository: the
// ref checked out in a worktree, built with app.build (or the build inferred when it is absent),
// measured beside the checkout, then removed.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { groupRunning } from '../src/app/monitor.js'
import { parseResults } from '../src/results/io.js'
import { cli } from './helpers/run-node.js'
import { freePort } from './helpers/ports.js'
import { createDemoRepo, gitIn as gitInRepo } from '../__fixtures__/demo-repo.js'

let dir = ''
let repo = ''
let pidFile = ''
let baseSha = ''
const gitIn = (...args: string[]): string => gitInRepo(repo, ...args)

/** `quick`: a budget spent before the configured rounds end (no extra pairs) and no CPU profile of a slower entry. */
async function config(port: number, build: string | undefined, pids = pidFile, quick = false): Promise<string> {
  const app = [
    // Each app's shell writes its pid (its process group, as exec keeps it) so the test can check none is left.
    `command: ${JSON.stringify(`echo $$ >> ${pids}; exec node server.mjs`)}`,
    ...(build === undefined ? [] : [`build: ${JSON.stringify(build)}`]),
    'cwd: app',
    `env: { PORT: "${port}" }`,
    `ready: "http://127.0.0.1:${port}/health"`,
    ...(quick ? ['profile: none'] : []),
  ]
  return [
    'suite: against',
    // Over twice what the configured rounds take (2 entries × 3 pairs × 0.5 s), so undecided entries get extra pairs.
    `budget: ${quick ? '1ms' : '7s'}`,
    `app: { ${app.join(', ')} }`,
    `baseUrl: http://127.0.0.1:${port}`,
    'defaults: { duration: 200ms, warmup: 50ms, rounds: 3, connections: 2 }',
    'scenarios:',
    // The change below makes /cpu 2.5 times as expensive; tolerances are wide, the test is about the plumbing.
    '  - { name: cpu work, path: /cpu, thresholds: { regression: { rps: 25%, p50: 30% } } }',
    '  - { name: users, path: /users, thresholds: { regression: { rps: 50% } } }',
  ].join('\n')
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-against-'))
  repo = path.join(dir, 'repo')
  pidFile = path.join(dir, 'pids')
  const port = await freePort()
  // The second commit makes /cpu two and a half times as expensive, in the code.
  baseSha = await createDemoRepo(repo, {
    'cannonade.yml': await config(port, 'echo building the other checkout'),
    // What this one checks is the build inferred and the base measured, not deciding or profiling.
    'nobuild.yml': await config(port, undefined, pidFile, true),
    'none.yml': await config(port, 'none'),
    'badbuild.yml': await config(port, 'echo broken >&2; exit 3'),
    'interrupted.yml': await config(port, 'true', path.join(dir, 'interrupted-pids')),
    'hup.yml': await config(port, 'true', path.join(dir, 'SIGHUP-pids')),
    'term.yml': await config(port, 'true', path.join(dir, 'SIGTERM-pids')),
  })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('cannonade run --against', () => {
  it('measures HEAD~1 in a worktree beside the checkout, prints the comparison, and leaves no worktree or app behind', async () => {
    const out = path.join(dir, 'out')
    const markdown = path.join(dir, 'report.md')
    const result = await cli(['run', '--against', 'HEAD~1', '--out', out, '--markdown', markdown], { cwd: repo })
    // Whether the slowdown is decided within the budget depends on how busy the machine is; the
    // exit code is a comparison's (0 or 1), never bad input or a failed app.
    expect([0, 1], result.stdout + result.stderr).toContain(result.code)
    expect(result.stderr).toContain(`building HEAD~1 (${baseSha.slice(0, 7)}) in a worktree: echo building the other checkout`)
    // The build's own output goes to stderr, keeping stdout for the report.
    expect(result.stderr).toContain('\nbuilding the other checkout\n')
    expect(result.stderr).toMatch(/\] base cpu work @ 2 conn {2}round 1\/3/)
    expect(result.stderr).toMatch(/\] head cpu work @ 2 conn {2}round 1\/3/)
    expect(result.stdout).toContain(`HEAD~1 (${baseSha.slice(0, 7)}) measured beside this checkout`)
    expect(result.stdout).toContain('decided as they went')
    expect(result.stdout).toMatch(/^\| cpu work \| 2 conn \| .* → .* \| .*\(.*….*\) \|/m)
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(result.code === 1 ? /^✗ fail: .*regression/ : /^[✓⚠] (pass|warn): /)
    expect(await readFile(markdown, 'utf8')).toContain('cpu work')
    const head = parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')
    const base = parseResults(JSON.parse(await readFile(path.join(out, 'base-results.json'), 'utf8')), 'base-results.json')
    expect(base.git?.sha).toBe(baseSha)
    expect(head.git?.sha).toBe(gitIn('rev-parse', 'HEAD'))
    expect(base.entries.map((e) => e.key)).toEqual(head.entries.map((e) => e.key))
    // Decided as it went: rounds beyond the configured 3 were added, in pairs, while undecided.
    const rounds = (results: typeof head): number[] => results.entries.map((e) => e.rounds.length)
    expect(rounds(base)).toEqual(rounds(head))
    expect(Math.max(...rounds(head))).toBeGreaterThan(3)
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
    const pids = (await readFile(pidFile, 'utf8')).trim().split('\n').map(Number)
    // Slower entries get a profiled round per side (src/profile/), from two more app starts. On a busy
    // machine the unchanged entry can look slower too: "profiling 2 slower entries".
    expect(pids).toHaveLength(/profiling (the slower entry|\d+ slower entries)/.test(result.stderr) ? 4 : 2)
    for (const pid of pids) expect(groupRunning(pid)).toBe(false)
  })

  it('on Ctrl-C mid-run stops both apps, writes the finished rounds, removes the worktree and exits 130', async () => {
    const out = path.join(dir, 'interrupted')
    const result = await cli(['run', '--config', 'interrupted.yml', '--against', 'HEAD~1', '--out', out], {
      cwd: repo,
      interrupt: { when: /\] head cpu work @ 2 conn {2}round 1\/3/, signal: 'SIGINT' },
    })
    expect(result.code, result.stdout + result.stderr).toBe(130)
    expect(result.stderr).toContain('interrupted by SIGINT')
    const head = parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')
    const base = parseResults(JSON.parse(await readFile(path.join(out, 'base-results.json'), 'utf8')), 'base-results.json')
    expect(head.status).toBe('incomplete')
    expect(base.entries[0]?.rounds.length).toBeGreaterThan(0)
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
    const pids = (await readFile(path.join(dir, 'interrupted-pids'), 'utf8')).trim().split('\n').map(Number)
    expect(pids).toHaveLength(2)
    for (const pid of pids) expect(groupRunning(pid)).toBe(false)
  })

  // A closed terminal (SIGHUP) used to kill the run at once, leaving both apps serving and the
  // worktree registered; SIGTERM used to keep the rounds but write no report.html.
  it.each([
    ['SIGHUP', 'hup.yml', 129],
    ['SIGTERM', 'term.yml', 143],
  ] as const)('on %s mid-run stops both apps, writes the rounds and report.html, removes the worktree', async (signal, file, code) => {
    const out = path.join(dir, `interrupted-${signal}`)
    const result = await cli(['run', '--config', file, '--against', 'HEAD~1', '--out', out], {
      cwd: repo,
      interrupt: { when: /\] head cpu work @ 2 conn {2}round 1\/3/, signal },
    })
    expect(result.code, result.stdout + result.stderr).toBe(code)
    expect(result.stderr).toContain(`interrupted by ${signal}`)
    const head = parseResults(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')), 'results.json')
    expect(head.status).toBe('incomplete')
    expect(existsSync(path.join(out, 'report.html'))).toBe(true)
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
    const pids = (await readFile(path.join(dir, `${signal}-pids`), 'utf8')).trim().split('\n').map(Number)
    expect(pids).toHaveLength(2)
    for (const pid of pids) expect(groupRunning(pid)).toBe(false)
  })

  it('exits 3 saying so when the other checkout does not build, and removes the worktree', async () => {
    const result = await cli(['run', '--config', 'badbuild.yml', '--against', 'HEAD~1', '--out', path.join(dir, 'badbuild')], { cwd: repo })
    expect(result.code, result.stdout + result.stderr).toBe(3)
    expect(result.stderr).toMatch(/--against HEAD~1: the base commit [0-9a-f]{7} did not build \(`echo broken >&2; exit 3` exited with 3\)/)
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('exits 2 naming app.build when it is none, before checking anything out', async () => {
    const result = await cli(['run', '--config', 'none.yml', '--against', 'HEAD~1', '--out', path.join(dir, 'none')], { cwd: repo })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^none\.yml: app\.build: --against builds the other checkout with this shell command.*, got "none"/)
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('without app.build, infers the build from the other checkout, and measures it as checked out when there is nothing to build', async () => {
    const out = path.join(dir, 'nobuild')
    const result = await cli(['run', '--config', 'nobuild.yml', '--against', 'HEAD~1', '--out', out, '--scenario', 'cpu work'], {
      cwd: repo,
    })
    expect([0, 1], result.stdout + result.stderr).toContain(result.code)
    expect(result.stderr).toContain(
      `HEAD~1 (${baseSha.slice(0, 7)}) is measured as checked out, not built: no lock file or manifest in app or a directory above it in the repository (looked for npm-shrinkwrap.json,`,
    )
    expect(result.stderr).toContain('; set app.build if it needs a build\n')
    expect(result.stdout).toContain(
      `HEAD~1 (${baseSha.slice(0, 7)}) measured beside this checkout, built with nothing, no lock file or manifest`,
    )
    expect(result.stderr).toMatch(/\] base cpu work @ 2 conn {2}round 1\/3/)
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('exits 2 for a ref that names no commit', async () => {
    const result = await cli(['run', '--against', 'no-such-branch', '--out', path.join(dir, 'noref')], { cwd: repo })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--against: "no-such-branch" names no commit')
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
  })
})
