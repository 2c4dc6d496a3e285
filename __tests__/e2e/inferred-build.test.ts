// test-kind: process — which build is inferred, said and run, and which baseline is used, with fail-on:
// never; nothing asserts a measured change.
//
// A pull request whose config has no app.build, from the bundle: the base commit built as its files say
// (npm ci && npm run build from package-lock.json), or the stored baseline when the build fails, there
// is nothing to build from, or app.build is none. The run set-up is shared in ./bundle-run.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoRepo, gitIn as gitInRepo } from '../../__fixtures__/demo-repo.js'
import { freePort } from '../helpers/ports.js'
import { present } from './harness.js'
import { ONE_ROUND, useBundleRuns } from './bundle-run.js'

const e2e = useBundleRuns()
const { run: runAction, commentsOn, artifactOf, plantStoredBaseline } = e2e

describe('a pull request with no app.build: the base commit built as its files say', () => {
  let npmRepo = ''
  let plainRepo = ''
  let baseSha = ''
  let brokenSha = ''
  let barrenSha = ''
  const lock = { name: 'demo', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'demo', version: '1.0.0' } } }
  const pkg = (build: string): string => JSON.stringify({ name: 'demo', version: '1.0.0', private: true, scripts: { build } })

  async function configWithoutBuild(): Promise<string> {
    const port = await freePort()
    return [
      'suite: e2e',
      `app: { command: node server.mjs, cwd: app, env: { PORT: "${port}" }, ready: "http://127.0.0.1:${port}/health" }`,
      `baseUrl: http://127.0.0.1:${port}`,
      'defaults: { duration: 300ms, warmup: 100ms, rounds: 3, connections: 4 }',
      'scenarios:',
      '  - { name: cpu work, path: /cpu, thresholds: { regression: { rps: 25%, p50: 30%, p99: 100% } } }',
    ].join('\n')
  }

  beforeAll(async () => {
    e2e.fake.reset()
    npmRepo = await mkdtemp(path.join(os.tmpdir(), 'cannonade-npm-repo-'))
    // An npm project (a lock file with no dependencies, so npm ci needs no network) whose build
    // script says it ran; the pull request makes /cpu two and a half times as expensive.
    baseSha = await createDemoRepo(npmRepo, {
      'cannonade.yml': await configWithoutBuild(),
      'package.json': pkg('node -e "console.log(\'built by the inferred build\')"'),
      'package-lock.json': JSON.stringify(lock),
    })
    // Two other bases for the same head: one whose build script fails, one with no package files.
    const head = gitInRepo(npmRepo, 'rev-parse', 'HEAD')
    gitInRepo(npmRepo, 'checkout', '-q', '-b', 'broken', baseSha)
    await writeFile(path.join(npmRepo, 'package.json'), pkg('echo the build broke >&2; exit 4'))
    gitInRepo(npmRepo, 'commit', '-q', '-am', 'a build that fails')
    brokenSha = gitInRepo(npmRepo, 'rev-parse', 'HEAD')
    gitInRepo(npmRepo, 'checkout', '-q', '-b', 'barren', baseSha)
    gitInRepo(npmRepo, 'rm', '-q', 'package.json', 'package-lock.json')
    gitInRepo(npmRepo, 'commit', '-q', '-m', 'no package files')
    barrenSha = gitInRepo(npmRepo, 'rev-parse', 'HEAD')
    gitInRepo(npmRepo, 'checkout', '-q', 'main')
    expect(gitInRepo(npmRepo, 'rev-parse', 'HEAD')).toBe(head)
    plainRepo = await mkdtemp(path.join(os.tmpdir(), 'cannonade-plain-repo-'))
    await createDemoRepo(plainRepo, { 'cannonade.yml': await configWithoutBuild() })
  })
  afterAll(async () => {
    await rm(npmRepo, { recursive: true, force: true })
    await rm(plainRepo, { recursive: true, force: true })
  })

  it('infers npm ci && npm run build from package-lock.json, says so, and measures the base beside the head', async () => {
    const run = await runAction({
      runId: 1501,
      event: 'pull_request',
      sha: gitInRepo(npmRepo, 'rev-parse', 'HEAD'),
      pr: { number: 50, baseSha },
      inputs: { 'working-directory': npmRepo, budget: '3s', 'fail-on': 'never' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    const line = 'npm ci && npm run build (inferred from package-lock.json and the build script in package.json)'
    expect(run.stdout).toContain(`building the base commit ${baseSha.slice(0, 7)}: ${line}`)
    expect(run.stdout).toContain('\nbuilt by the inferred build\n')
    expect(run.stdout).toMatch(/\] base cpu work @ 4 conn {2}round 1\/3/)
    expect(run.stdout).toMatch(/\] head cpu work @ 4 conn {2}round 1\/3/)
    const body = commentsOn(50)[0]?.body ?? ''
    expect(body).toContain(
      `base commit ${baseSha.slice(0, 7)} measured in this job, built with npm ci &amp;&amp; npm run build (inferred from package-lock.json`,
    )
    expect(body).not.toContain('For the precise mode')
    const files = await e2e.fake.readArtifactFiles(present(artifactOf(1501)))
    expect(Object.keys(files)).toContain('base-results.json')
    expect(e2e.fake.requests.some((r) => r.path.includes('/actions/workflows/'))).toBe(false)
    expect(gitInRepo(npmRepo, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('falls back to the stored baseline when the inferred build fails, saying why in one line, and passes', async () => {
    await plantStoredBaseline(1500)
    const run = await runAction({
      runId: 1502,
      event: 'pull_request',
      sha: gitInRepo(npmRepo, 'rev-parse', 'HEAD'),
      pr: { number: 51, baseSha: brokenSha },
      inputs: { 'working-directory': npmRepo, 'fail-on': 'never', ...ONE_ROUND },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stderr + run.stdout).toContain('the build broke')
    const why =
      `the base commit ${brokenSha.slice(0, 7)} did not build (\`npm ci && npm run build\` exited with 4; ` +
      'inferred from package-lock.json and the build script in package.json: set app.build to a command, or to none)'
    expect(run.stdout).toContain(`::warning::Cannonade: ${why}. Comparing with the stored baseline instead.`)
    expect(run.outputs['baseline-run-id']).toBe('1500')
    expect(commentsOn(51)[0]?.body).toContain('the base commit was not measured in this job: the base commit')
    expect(gitInRepo(npmRepo, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('falls back to the stored baseline, without a warning, when the base has nothing to build from', async () => {
    await plantStoredBaseline(1500)
    const run = await runAction({
      runId: 1503,
      event: 'pull_request',
      sha: gitInRepo(npmRepo, 'rev-parse', 'HEAD'),
      pr: { number: 52, baseSha: barrenSha },
      inputs: { 'working-directory': npmRepo, 'fail-on': 'never', ...ONE_ROUND },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain(
      `Cannonade: nothing to build the base commit ${barrenSha.slice(0, 7)} with was found: no lock file or manifest in app or a directory above it in the repository (looked for npm-shrinkwrap.json,`,
    )
    expect(run.stdout).not.toMatch(/::warning::Cannonade: nothing to build/)
    expect(run.outputs['baseline-run-id']).toBe('1500')
    expect(commentsOn(52)[0]?.body).toContain('For the precise mode, add app.build')
    expect(gitInRepo(npmRepo, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('does not check the base out when the head has nothing to infer a build from', async () => {
    await plantStoredBaseline(1500)
    const run = await runAction({
      runId: 1504,
      event: 'pull_request',
      sha: gitInRepo(plainRepo, 'rev-parse', 'HEAD'),
      pr: { number: 53, baseSha: gitInRepo(plainRepo, 'rev-parse', 'HEAD~1') },
      inputs: { 'working-directory': plainRepo, 'fail-on': 'never', ...ONE_ROUND },
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain(
      'Cannonade: nothing to build the base commit with was found: no lock file or manifest in app or a directory above it in the repository (looked for',
    )
    expect(run.stdout).not.toContain('building the base commit')
    expect(run.outputs['baseline-run-id']).toBe('1500')
    const body = commentsOn(53)[0]?.body ?? ''
    expect(body).toContain('For the precise mode, add app.build')
    expect(body).toContain('the base commit was not measured in this job: nothing to build the base commit with was found')
  })

  it('keeps to the stored baseline with app.build: none, building nothing', async () => {
    await plantStoredBaseline(1500)
    await writeFile(path.join(npmRepo, 'none.yml'), (await configWithoutBuild()).replace('cwd: app,', 'cwd: app, build: none,'))
    try {
      const run = await runAction({
        runId: 1505,
        event: 'pull_request',
        sha: gitInRepo(npmRepo, 'rev-parse', 'HEAD'),
        pr: { number: 54, baseSha },
        inputs: { 'working-directory': npmRepo, config: 'none.yml', 'fail-on': 'never', ...ONE_ROUND },
      })
      expect(run.code, run.stdout + run.stderr).toBe(0)
      expect(run.stdout).not.toContain('building the base commit')
      expect(run.stdout).not.toContain('nothing to build')
      expect(run.outputs['baseline-run-id']).toBe('1500')
      // The team chose the stored baseline: no hint to do otherwise.
      expect(commentsOn(54)[0]?.body).not.toContain('For the precise mode')
    } finally {
      await rm(path.join(npmRepo, 'none.yml'), { force: true })
    }
  })
})
