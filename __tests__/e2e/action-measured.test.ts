// The bundle's cases whose assertions read what was measured, so they run alone (the load project):
// the same-job run that catches a 2.5x slowdown and stops measuring it early while the undecided entry
// goes on, the app that crashes two seconds in, and the app whose server escaped its process group and
// used no CPU in a measured window. The run set-up is shared in ./bundle-run.ts.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort } from '../helpers/ports.js'
import { MAIN_SHA, present } from './harness.js'
import { useBundleRuns, useSameJobRepo } from './bundle-run.js'

const e2e = useBundleRuns()
const { run: runAction, commentsOn, artifactOf, plantStoredBaseline } = e2e

describe('when GitHub fails', () => {
  it('uploads what was measured and fails with the log quoted when the app crashes mid-run', async () => {
    e2e.fake.reset()
    // With a baseline present, as the crash that got a ✅ headline had (issue 18).
    await plantStoredBaseline(101)
    const run = await runAction({
      runId: 801,
      event: 'pull_request',
      sha: '5'.repeat(40),
      pr: { number: 15 },
      env: { DEMO_EXIT_AFTER: '2000' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.outputs['verdict']).toBe('error')
    expect(run.stdout).toMatch(/::error::the app exited \(exit code 70\) during round \d+ of /)
    expect(run.stdout).toContain('crashing on purpose')
    const files = await e2e.fake.readArtifactFiles(present(artifactOf(801)))
    const results = JSON.parse(files['results.json']?.toString() ?? '{}') as { status: string; entries: unknown[] }
    expect(results.status).toBe('incomplete')
    expect(results.entries.length).toBeGreaterThan(0)
    expect(files['app.log']?.toString()).toContain('crashing on purpose')
    expect(commentsOn(15)[0]?.body).toMatch(/stopped early/)
    // A run that crashed never gets a ✅ headline, in the comment or the summary.
    const headlineOf = (text: string): string => text.split('\n').find((line) => line.includes('**Cannonade:')) ?? ''
    expect(headlineOf(commentsOn(15)[0]?.body ?? '')).toMatch(/^(⚠️|❌) \*\*Cannonade: .*run incomplete/)
    expect(headlineOf(run.summary)).toMatch(/^(⚠️|❌) /)
  })
})

describe('faults that must not lose what was measured', () => {
  it("warns, naming the port, when the app's server escaped its process group and outlived the stop", async () => {
    e2e.fake.reset()
    const port = await freePort()
    const pidFile = path.join(e2e.workspace, 'escaped.pid')
    await writeFile(
      path.join(e2e.workspace, 'escape.yml'),
      [
        'suite: e2e',
        `app: { command: "setsid node server.mjs & echo $! > ${pidFile}; wait", cwd: ${JSON.stringify(path.resolve('__fixtures__/demo'))}, env: { PORT: "${port}" }, ready: "http://127.0.0.1:${port}/health" }`,
        `baseUrl: http://127.0.0.1:${port}`,
        // Long enough for the 1,000 responses the no-CPU warning needs even on a busy machine (~650 req/s seen).
        'defaults: { duration: 1500ms, warmup: 100ms, rounds: 2, connections: 4 }',
        'scenarios: [{ name: list users, path: /users }]',
      ].join('\n'),
    )
    try {
      const run = await runAction({ runId: 1003, event: 'push', sha: MAIN_SHA, inputs: { config: 'escape.yml', baseline: 'none' } })
      expect(run.stdout).toContain(`::warning::Cannonade: port ${port} on 127.0.0.1 still answers after the app was stopped`)
      expect(run.stdout).toMatch(/::warning::Cannonade: the app's process group used no CPU while it answered/)
    } finally {
      const pid = Number(await readFile(pidFile, 'utf8').catch(() => '0'))
      if (pid > 0) {
        try {
          process.kill(-pid, 'SIGKILL') // a session leader: its group is its own pid
        } catch {
          // already gone
        }
      }
    }
  })
})

describe('baseline: same-job, the base commit measured beside the head', () => {
  const sameJob = useSameJobRepo()
  const { gitIn } = sameJob

  it('checks out, builds and measures the base beside the head, catches the regression and stops measuring it early', async () => {
    const run = await runAction({
      runId: 901,
      event: 'pull_request',
      sha: gitIn('rev-parse', 'HEAD'),
      pr: { number: 30, baseSha: sameJob.baseSha },
      inputs: { 'working-directory': sameJob.repo, baseline: 'same-job', 'baseline-build': 'echo building the base commit', budget: '24s' },
    })
    expect(run.code, run.stdout + run.stderr).toBe(1)
    expect(run.stdout).toContain('building the base commit')
    expect(run.stdout).toMatch(/\] base cpu work @ 4 conn {2}round 1\/3/)
    expect(run.stdout).toMatch(/\] head cpu work @ 4 conn {2}round 1\/3/)
    const body = commentsOn(30)[0]?.body ?? ''
    expect(body).toContain(`base commit ${sameJob.baseSha.slice(0, 7)} measured in this job`)
    expect(body).toMatch(/cpu work.*regression/s)
    const files = await e2e.fake.readArtifactFiles(present(artifactOf(901)))
    expect(Object.keys(files)).toContain('base-results.json')
    expect(gitIn('worktree', 'list').split('\n')).toHaveLength(1)
    // Decided as it went: the clear regression stopped after the few pairs its sequence needs, the
    // undecided entry kept measuring, interleaved, until the budget was spent.
    const rounds = (name: string): number => {
      const results = JSON.parse(files['results.json']?.toString() ?? '{}') as { entries: { key: string; rounds: unknown[] }[] }
      return results.entries.find((e) => e.key.startsWith(name))?.rounds.length ?? 0
    }
    expect(rounds('cpu work')).toBeGreaterThan(3)
    // How many pairs a 2.5x slowdown needs depends on the machine's noise (6 to 7 beside four busy
    // loops), so no count is asserted: the point is that it stopped while the undecided entry went on.
    // It once ran out of budget undecided here, its pairs left out as uneven where the slower app took
    // more of the full CPUs in every pair (compare.ts unevenPairs).
    expect(rounds('users')).toBeGreaterThan(rounds('cpu work'))
    expect(body).toContain('decided as they went')
    // rps, p50, p99 and, since Cannonade starts the app, cpu, in each of the two entries.
    expect(body).toMatch(/false-alarm budget: at most 1 % chance that an unchanged suite fails, split over 8 gated metrics/)
  })
})
