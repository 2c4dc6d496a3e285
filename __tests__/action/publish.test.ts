// Publishing in this process, on recorded results (__fixtures__/recorded): the comparison, comment,
// summary, annotations, artifact, outputs and gate of a run, its fallbacks when the baseline is
// missing or hostile, forks, and GitHub failing, against the loopback fake GitHub with the real
// @actions/core, @actions/artifact and Octokit. These cases moved here from e2e/action.test.ts: they
// need no measurement, only what one writes.
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { recordedResults } from '../../__fixtures__/recorded/recorded.js'
import { createZip, type FakeGitHub } from '../e2e/fake-github.js'
import { ARTIFACT, MAIN_SHA, WORKFLOW, artifactOf as artifactIn, exampleInputs, plantPushRun, present } from '../e2e/harness.js'
import type { Results } from '../../src/results/document.js'
import { startInProcess, type InProcess, type InProcessRun } from './in-process.js'

let h: InProcess
let fake: FakeGitHub

// Generous: the first import of the whole action (src/main.ts and what it imports) is transformed cold
// when the run starts, beside every other worker's; it took over 30 s at load 14 (.ci/run, a bench beside).
beforeAll(async () => {
  h = await startInProcess()
  fake = h.fake
}, 180_000)
afterAll(async () => {
  await h.close()
})
beforeEach(() => {
  fake.reset()
})

const artifactOf = (runId: number): FakeGitHub['artifacts'][number] | undefined => artifactIn(fake, runId)
const commentsOn = (pr: number): FakeGitHub['comments'] => fake.comments.filter((c) => c.issueNumber === pr)
const push = (): Results => recordedResults('push')
/** Results as a run of commit `sha` records them. */
const withSha = (results: Results, sha: string): Results => ({ ...results, git: { sha, ref: 'refs/heads/main' } })
const pushJson = (): string => JSON.stringify(push())

describe('a pull request compared with the stored baseline', () => {
  it('updates that comment on the next push to the pull request instead of adding one', async () => {
    await plantPushRun(fake, 101, { 'results.json': pushJson() })
    const now = new Date().toISOString()
    // The sticky comment an earlier run of this pull request left, beside another bot's and a person's.
    fake.comments.push(
      { id: 5001, issueNumber: 7, body: 'LGTM', userLogin: 'octocat', createdAt: now, updatedAt: now },
      {
        id: 5002,
        issueNumber: 7,
        body: '<!-- cannonade:e2e -->\nold report',
        userLogin: 'github-actions[bot]',
        createdAt: now,
        updatedAt: now,
      },
    )
    const before = commentsOn(7)[1]
    const run = await h.publishRun({
      runId: 103,
      event: 'pull_request',
      sha: 'c'.repeat(40),
      pr: { number: 7 },
      inputs: { 'fail-on': 'never' },
      results: push(),
    })
    expect(run.code, run.stdout).toBe(0)
    const comments = commentsOn(7)
    expect(comments).toHaveLength(2)
    expect(comments[1]?.id).toBe(before?.id)
    expect(comments[1]?.body).not.toContain('old report')
    expect(comments[0]?.body).toBe('LGTM')
    expect(fake.requests).toContainEqual({ method: 'PATCH', path: `/repos/octo/app/issues/comments/${before?.id ?? 0}`, status: 200 })
  })

  it('fails a pull request that slows a route down, names the route and annotates', async () => {
    await plantPushRun(fake, 101, { 'results.json': pushJson() })
    const run = await h.publishRun({
      runId: 104,
      event: 'pull_request',
      sha: 'd'.repeat(40),
      pr: { number: 8 },
      results: recordedResults('slowCpu'),
    })
    expect(run.code, run.stdout).toBe(1)
    expect(run.outputs['verdict']).toBe('fail')
    expect(Number(run.outputs['regressions'])).toBeGreaterThan(0)
    const body = commentsOn(8)[0]?.body ?? ''
    expect(body).toContain('❌')
    expect(body).toMatch(/cpu work.*regression/s)
    // Workflow commands escape ':' in properties as %3A.
    expect(run.stdout).toMatch(
      /::error title=Cannonade%3A regression::cpu work @ 4 conn: (throughput \(req\/s\)|latency p50|latency p99) [-+]\d/,
    )
    expect(run.stdout).toContain('::error::Cannonade: performance gate failed')
    expect(artifactOf(104)).toBeDefined()
  })

  it('compares against the results file given as baseline, looking nothing up', async () => {
    await writeFile(path.join(h.workspace, 'base-results.json'), pushJson())
    const lookups = (): number => fake.requests.filter((r) => r.path.endsWith('/runs')).length
    const run = await h.publishRun({
      runId: 105,
      event: 'pull_request',
      sha: '9'.repeat(40),
      pr: { number: 14 },
      inputs: { baseline: 'base-results.json', 'fail-on': 'never' },
      results: push(),
    })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs['baseline-run-id']).toBeUndefined()
    expect(commentsOn(14)[0]?.body).toContain('file base-results.json')
    expect(lookups()).toBe(0)
  })
})

describe('a merge with a shard missing', () => {
  it('fails naming the missing shards instead of showing their entries as removed', async () => {
    await fake.addArtifactZip(160, `${ARTIFACT}-shard-1-of-3`, { 'results.json': pushJson() })
    const merged = await h.runAction({ runId: 160, event: 'push', sha: MAIN_SHA, inputs: { mode: 'merge' } })
    expect(merged.code, merged.stdout).toBe(1)
    expect(merged.stdout).toContain(
      `::error::mode merge: 2 of 3 shards missing: no artifact ${ARTIFACT}-shard-2-of-3, ${ARTIFACT}-shard-3-of-3 in this run.`,
    )
    expect(artifactOf(160)).toBeUndefined()
  })
})

describe('when the baseline is missing or unusable', () => {
  const plantRun = (id: number): void => {
    fake.addRun({
      id,
      workflowPath: WORKFLOW,
      headBranch: 'main',
      headSha: MAIN_SHA,
      event: 'push',
      status: 'completed',
      conclusion: 'success',
    })
  }

  it('says there is no baseline yet, checks thresholds only and passes', async () => {
    const run = await h.publishRun({ runId: 201, event: 'pull_request', sha: 'e'.repeat(40), pr: { number: 9 }, results: push() })
    expect(run.code, run.stdout).toBe(0)
    expect(commentsOn(9)[0]?.body).toMatch(/no baseline/i)
    expect(run.outputs['baseline-run-id']).toBeUndefined()
  })

  it('skips an expired baseline artifact and says so', async () => {
    plantRun(300)
    await fake.addArtifactZip(300, ARTIFACT, { 'results.json': '{}' }, { expired: true })
    const run = await h.publishRun({ runId: 301, event: 'pull_request', sha: 'f'.repeat(40), pr: { number: 10 }, results: push() })
    expect(run.code, run.stdout).toBe(0)
    expect(run.summary).toContain('expired')
  })

  it('warns clearly about a corrupt baseline and checks thresholds only', async () => {
    plantRun(400)
    await fake.addArtifactZip(400, ARTIFACT, { 'results.json': '{"schemaVersion": 1, "entries": "garbage"' })
    const run = await h.publishRun({ runId: 401, event: 'pull_request', sha: '1'.repeat(40), pr: { number: 11 }, results: push() })
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toMatch(
      /::warning::Cannonade could not use the artifact of run 400 .*results\.json \(artifact cannonade-e2e of run 400\): not a valid Cannonade results file/,
    )
    expect(commentsOn(11)[0]?.body).toContain('could not be used')
  })
})

describe('artifacts from other runs are untrusted input', () => {
  it('unpacks only results.json from a baseline holding a huge log, and leaves nothing behind', async () => {
    // 256 MiB of log compresses to a few hundred KB: unpacked, it would fill the runner's disk run after run.
    await plantPushRun(fake, 701, { 'results.json': pushJson(), 'app.log': Buffer.alloc(256 * 1024 * 1024, 0x61) })
    expect(present(fake.artifacts[0]).zip.length).toBeLessThan(2 * 1024 * 1024)
    const run = await h.publishRun({
      runId: 702,
      event: 'pull_request',
      sha: '6'.repeat(40),
      pr: { number: 21 },
      inputs: { 'fail-on': 'never' },
      results: push(),
    })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs['baseline-run-id']).toBe('701')
    expect(run.leftovers).toEqual([])
  }, 60_000)

  it('refuses a results.json larger than its cap without unpacking it, and checks thresholds only', async () => {
    await plantPushRun(fake, 710, { 'results.json': `{"schemaVersion": 1${' '.repeat(65 * 1024 * 1024)}}` })
    const run = await h.publishRun({ runId: 711, event: 'pull_request', sha: '7'.repeat(40), pr: { number: 22 }, results: push() })
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toMatch(
      /::warning::Cannonade could not use the artifact of run 710 .*results\.json is \d+ bytes unpacked, more than the 67108864 allowed/,
    )
    expect(commentsOn(22)[0]?.body).toContain('could not be used')
    expect(run.leftovers).toEqual([])
  }, 60_000)
})

describe('pull requests from forks', () => {
  const FORK_SHA = '2'.repeat(40)
  const forkRepo = (): string => `someone/${fake.repo}`

  /** Plants the fork's pull_request run 501 for #12 with the files such a run uploads (and `extra`). */
  async function plantForkRun(files: Record<string, string> = {}, pr = 12, runId = 501, sha = FORK_SHA): Promise<void> {
    fake.addRun({
      id: runId,
      workflowPath: WORKFLOW,
      headBranch: `feature-${pr}`,
      headSha: sha,
      event: 'pull_request',
      status: 'completed',
      conclusion: 'success',
    })
    await fake.addArtifactZip(runId, ARTIFACT, {
      'results.json': pushJson(),
      'comment.json': JSON.stringify({ pullRequest: pr, headSha: sha }),
      'report.md': '<!-- cannonade:e2e -->\nreport',
      ...files,
    })
  }
  const commentRun = async (
    runId: number,
    trigger: number,
    inputs: Record<string, string>,
    sha = FORK_SHA,
    pr = 12,
  ): Promise<ReturnType<InProcess['runAction']>> =>
    h.runAction({
      runId,
      event: 'workflow_run',
      sha: MAIN_SHA,
      workflowRun: { id: trigger, headSha: sha, headBranch: `feature-${pr}`, headRepo: forkRepo() },
      inputs,
    })

  it('does not comment from the fork run but leaves the report in the artifact', async () => {
    const run = await h.publishRun({ runId: 501, event: 'pull_request', sha: FORK_SHA, pr: { number: 12, fork: true }, results: push() })
    expect(run.code, run.stdout).toBe(0)
    expect(fake.comments).toEqual([])
    expect(run.stdout).toContain('::notice::This pull request comes from a fork')
    const files = await fake.readArtifactFiles(present(artifactOf(501)))
    expect(files['report.md']?.toString()).toContain('<!-- cannonade:e2e -->')
    expect(JSON.parse(files['comment.json']?.toString() ?? '{}')).toEqual({ pullRequest: 12, headSha: FORK_SHA })
  })

  it("refuses a fork's results whose suite would inject markdown into the bot's comment", async () => {
    const payload =
      'default -->\n\n# Approved @org/admins [claim](https://example.invalid/x) ![](https://example.invalid/t.png) <!-- cannonade:x'
    await plantForkRun({ 'results.json': JSON.stringify({ ...push(), suite: payload }) }, 23, 720, '8'.repeat(40))
    fake.pulls.push({ number: 23, headSha: '8'.repeat(40), headRef: 'feature-23', baseRef: 'main', headRepo: forkRepo() })
    const run = await commentRun(
      721,
      720,
      { ...(await exampleInputs('examples/perf-comment.yml')), 'artifact-name': ARTIFACT },
      '8'.repeat(40),
      23,
    )
    expect(run.code, run.stdout).toBe(1)
    expect(run.stdout).toMatch(
      /::error::.*results\.json \(artifact cannonade-e2e of run 720\): not a valid Cannonade results file: suite: must match pattern/,
    )
    expect(commentsOn(23)).toEqual([])
    expect(fake.comments.filter((c) => c.body.includes('admins'))).toEqual([])
    expect(run.leftovers).toEqual([])
  })

  it("says a base measured by the fork's own run is the fork's claim, not a measurement beside the head", async () => {
    await plantForkRun({ 'base-results.json': pushJson() })
    fake.pulls.push({ number: 12, headSha: FORK_SHA, headRef: 'feature-12', baseRef: 'main', headRepo: forkRepo() })
    const run = await commentRun(504, 501, { mode: 'comment', 'artifact-name': ARTIFACT })
    expect(run.code, run.stdout).toBe(0)
    expect(commentsOn(12)[0]?.body).toContain(
      "base commit as the fork's run 501 reports measuring it beside the head (the fork's own numbers)",
    )
  })

  it('refuses to comment on a pull request whose head is not the commit that was measured', async () => {
    await plantForkRun()
    // The pull request moved on after the fork's run measured it.
    fake.pulls.push({ number: 12, headSha: '3'.repeat(40), headRef: 'feature-12', baseRef: 'main', headRepo: forkRepo() })
    const run = await commentRun(503, 501, { mode: 'comment', 'artifact-name': ARTIFACT })
    expect(run.code, run.stdout).toBe(1)
    expect(run.stdout).toContain('is not the commit that run measured')
    expect(commentsOn(12)).toEqual([])
  })
})

describe('when GitHub fails', () => {
  it('keeps the results when commenting fails with a server error, and lets the gate decide', async () => {
    fake.faults.comments = 500
    const run = await h.publishRun({ runId: 601, event: 'pull_request', sha: '4'.repeat(40), pr: { number: 13 }, results: push() })
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toMatch(/::warning::Cannonade could not comment on #13: .*\(HTTP 500\)/)
    expect(Object.keys(await fake.readArtifactFiles(present(artifactOf(601))))).toContain('results.json')
  }, 60_000)

  it('fails a push run whose artifact cannot be uploaded: the branch would be left without its next baseline', async () => {
    fake.faults.upload = 403
    const run = await h.publishRun({ runId: 602, event: 'push', sha: MAIN_SHA, results: push() })
    expect(run.code, run.stdout).toBe(1)
    expect(run.stdout).toMatch(/::warning::Cannonade could not upload the artifact cannonade-e2e: /)
    expect(run.stdout).toContain(
      '::error::the artifact cannonade-e2e could not be uploaded, so this push leaves no baseline or history for main',
    )
    expect(artifactOf(602)).toBeUndefined()
    // What was measured stays on the runner.
    expect(JSON.parse(await readFile(path.join(h.outDir, 'results.json'), 'utf8'))).toMatchObject({ suite: 'e2e' })
  })
})

describe('faults that must not lose what was measured', () => {
  it('still uploads, reports and comments when GITHUB_OUTPUT points into a missing directory, then fails naming it', async () => {
    const missing = path.join(os.tmpdir(), `cannonade-missing-${process.pid}`, 'output')
    const run = await h.publishRun({
      runId: 1001,
      event: 'pull_request',
      sha: '6'.repeat(40),
      pr: { number: 40 },
      env: { GITHUB_OUTPUT: missing },
      results: push(),
      appLog: 'demo app listening\n',
    })
    expect(run.code, run.stdout).toBe(1)
    expect(run.stdout).toContain(`::warning::Cannonade could not set the step output 'results-path' (Missing file at path: ${missing})`)
    expect(run.stdout).toContain(`::error::Cannonade could not write its step outputs to GITHUB_OUTPUT (${missing})`)
    const files = await fake.readArtifactFiles(present(artifactOf(1001)))
    expect(Object.keys(files).sort()).toEqual(['app.log', 'comment.json', 'report.html', 'report.md', 'results.json'])
    expect(commentsOn(40)).toHaveLength(1)
    expect(run.summary).toContain('Cannonade')
  })
})

describe("artifact baselines that know the base branch's run-to-run spread", () => {
  type Measured = { entries: { key: string; rps: number; rounds: { rps: number }[]; latencyUs: Record<string, number> }[] }
  interface PlantedRun {
    runId: number
    sha: string
    entries: { key: string; metrics: Record<string, { median: number; low: number; high: number }> }[]
  }

  /** A history of 8 runs alternating ±`sigma` (log scale), the last the baseline itself. */
  const alternating =
    (sigma: number) =>
    (i: number): number =>
      i === 7 ? 1 : Math.exp(i % 2 === 0 ? sigma : -sigma)

  /** A baseline on main whose rps is `factor` times the recorded push's, and a history of 8 runs, run i at `drift(i)` times it. */
  async function plantBaseline(runId: number, factor: number, drift: (i: number) => number): Promise<void> {
    const results = JSON.parse(pushJson()) as Measured
    for (const entry of results.entries) {
      entry.rps *= factor
      for (const round of entry.rounds) round.rps *= factor
    }
    const runs = Array.from({ length: 8 }, (_, i) => {
      const point = (v: number): { median: number; low: number; high: number } => ({
        median: v * drift(i),
        low: v * drift(i) * 0.99,
        high: v * drift(i) * 1.01,
      })
      return {
        runId: runId - 8 + i,
        sha: String(i).repeat(40),
        date: `2026-11-2${i}T10:00:00.000Z`,
        runner: 'Test CPU / 2 cores / linux / v24',
        entries: results.entries.map((e) => ({
          key: e.key,
          metrics: { rps: point(e.rps), p50: point(e.latencyUs['p50'] ?? 1), p99: point(e.latencyUs['p99'] ?? 1) },
        })),
      }
    })
    await plantPushRun(fake, runId, {
      'results.json': JSON.stringify(results),
      'history.json': JSON.stringify({ schemaVersion: 1, suite: 'e2e', runs }),
    })
  }

  it("builds a history over push runs: the third push's artifact holds three points", { timeout: 150_000 }, async () => {
    for (const [i, runId] of [801, 802, 803].entries()) {
      const sha = String(i + 1).repeat(40)
      const run = await h.publishRun({ runId, event: 'push', sha, inputs: { 'fail-on': 'never' }, results: withSha(push(), sha) })
      expect(run.code, run.stdout).toBe(0)
    }
    const files = await fake.readArtifactFiles(present(artifactOf(803)))
    const history = JSON.parse(files['history.json']?.toString() ?? '{}') as { suite: string; runs: PlantedRun[] }
    expect(history.suite).toBe('e2e')
    expect(history.runs.map((r) => [r.runId, r.sha])).toEqual([
      [801, '1'.repeat(40)],
      [802, '2'.repeat(40)],
      [803, '3'.repeat(40)],
    ])
    expect(history.runs[2]?.entries.map((e) => e.key).sort()).toEqual(['cpu work @ 4 conn', 'list users @ 4 conn'])
    expect(history.runs[2]?.entries[0]?.metrics['rps']?.median).toBeGreaterThan(0)
  })

  it('rebuilds a corrupt history from the baseline results, with a notice', async () => {
    await plantPushRun(fake, 803, {
      'results.json': pushJson(),
      'history.json': '{"schemaVersion": 1, "suite": "e2e", "runs": [{"date": "\u001b[31m"}]}',
    })
    const run = await h.publishRun({ runId: 804, event: 'push', sha: '4'.repeat(40), inputs: { 'fail-on': 'never' }, results: push() })
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toMatch(
      /::notice::Cannonade: the history in the artifact of run 803 .* could not be used \(.*history\.json .*not a valid Cannonade history file.*\); it starts again from that run's results\./,
    )
    const history = JSON.parse((await fake.readArtifactFiles(present(artifactOf(804))))['history.json']?.toString() ?? '{}') as {
      runs: PlantedRun[]
    }
    expect(history.runs.map((r) => r.runId)).toEqual([803, 804])
  })

  it("passes a pull request whose change the base branch's own spread explains", async () => {
    // 1.3 times the throughput in the baseline: -23 %, near the 25 % tolerance, and the history's
    // runs swing by a factor of e^±0.1 from one to the next (a spread the cap allows).
    await plantBaseline(820, 1.3, alternating(0.1))
    const run = await h.publishRun({ runId: 821, event: 'pull_request', sha: 'e'.repeat(40), pr: { number: 30 }, results: push() })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs['baseline-run-id']).toBe('820')
    expect(run.outputs['regressions']).toBe('0')
    const body = commentsOn(30)[0]?.body ?? ''
    expect(body).toMatch(/throughput \(req\/s\).*-\d+\.\d %.*run-to-run ±\d+(\.\d)? %.*inconclusive/)
    expect(body).toContain("intervals include the run-to-run spread of the base branch's last 8 runs")
  })

  it('fails a pull request whose change is far beyond that spread', async () => {
    await plantBaseline(830, 20, alternating(0.01))
    const run = await h.publishRun({ runId: 831, event: 'pull_request', sha: 'f'.repeat(40), pr: { number: 31 }, results: push() })
    expect(run.code, run.stdout).toBe(1)
    expect(run.outputs['baseline-run-id']).toBe('830')
    expect(Number(run.outputs['regressions'])).toBeGreaterThan(0)
    expect(run.stdout).toMatch(/::error title=Cannonade%3A regression::.* @ 4 conn: throughput \(req\/s\) -\d/)
  })

  describe('a poisoned history does not open the gate', () => {
    it('fails a 20× drop against a history with one 50× outlier run, naming the run it left out', async () => {
      await plantBaseline(850, 20, (i) => (i === 3 ? 50 : i % 2 === 0 ? 1.01 : 0.99))
      const run = await h.publishRun({ runId: 851, event: 'pull_request', sha: 'a1'.repeat(20), pr: { number: 32 }, results: push() })
      expect(run.code, run.stdout).toBe(1)
      expect(run.outputs['verdict']).toBe('fail')
      expect(run.stdout).toMatch(/::error title=Cannonade%3A regression::.* @ 4 conn: throughput \(req\/s\) -\d/)
      expect(commentsOn(32)[0]?.body ?? '').toContain('outlier run run 845 left out')
    })

    it('fails a 20× drop against a hostile history alternating ±10×, whose spread is capped', async () => {
      await plantBaseline(860, 20, (i) => (i === 7 ? 1 : i % 2 === 0 ? 10 : 0.1))
      const run = await h.publishRun({ runId: 861, event: 'pull_request', sha: 'a2'.repeat(20), pr: { number: 33 }, results: push() })
      expect(run.code, run.stdout).toBe(1)
      expect(run.outputs['verdict']).toBe('fail')
      expect(commentsOn(33)[0]?.body ?? '').toMatch(
        /throughput \(req\/s\).*capped at what this run's rounds and twice the assumed drift allow/,
      )
    })
  })
})

describe('history on the base branch: change points and trends', () => {
  const quick = { 'fail-on': 'never' }
  const shaOf = (runId: number): string => String(runId % 10).repeat(40)
  const QUICK = ['quick1', 'quick2', 'quick3', 'quick4', 'quick5'] as const

  /** Five push runs 1001-1005 (five recorded measurements), each carrying the history forward: what each printed. */
  async function fivePushes(): Promise<string[]> {
    const stdouts: string[] = []
    for (const [i, which] of QUICK.entries()) {
      const runId = 1001 + i
      const results = withSha(recordedResults(which), shaOf(runId))
      const run = await h.publishRun({ runId, event: 'push', sha: shaOf(runId), inputs: quick, results })
      if (run.code !== 0) throw new Error(`push ${runId} failed: ${run.stdout}`)
      stdouts.push(run.stdout)
    }
    return stdouts
  }

  // The five pushes and a sixth, every CPU route doing twenty times the work, published once: what
  // they printed and the artifacts of the fifth and sixth. Each test plants what it needs again, so
  // none depends on another having run first.
  type SixPushes = { stdouts: string[]; five: Record<string, Buffer>; slow: InProcessRun; six: Record<string, Buffer> }
  let sixPushes: Promise<SixPushes> | undefined
  function recordedSixPushes(): Promise<SixPushes> {
    sixPushes ??= (async () => {
      fake.reset()
      const stdouts = await fivePushes()
      const five = await fake.readArtifactFiles(present(artifactOf(1005)))
      const results = withSha(recordedResults('quickSlow'), shaOf(1006))
      const slow = await h.publishRun({ runId: 1006, event: 'push', sha: shaOf(1006), inputs: quick, results })
      const six = slow.code === 0 ? await fake.readArtifactFiles(present(artifactOf(1006))) : {}
      fake.reset()
      return { stdouts, five, slow, six }
    })()
    return sixPushes
  }

  /** Plants the sixth push's run and artifact, the history of all six in it. */
  async function plantSixth(): Promise<void> {
    await plantPushRun(fake, 1006, (await recordedSixPushes()).six, shaOf(1006))
  }

  it('builds a history of five points over five push runs, with no change point', { timeout: 150_000 }, async () => {
    const { stdouts, five: files } = await recordedSixPushes()
    for (const stdout of stdouts) expect(stdout).not.toContain('title=Cannonade%3A change point')
    const history = JSON.parse(files['history.json']?.toString() ?? '{}') as {
      runs: { runId: number; runner: string; entries: { metrics: Record<string, { median: number; low: number; high: number }> }[] }[]
    }
    expect(history.runs.map((r) => r.runId)).toEqual([1001, 1002, 1003, 1004, 1005])
    const point = history.runs[4]?.entries[0]?.metrics['p50']
    expect(point?.low).toBeLessThanOrEqual(point?.median ?? 0)
    expect(point?.high).toBeGreaterThanOrEqual(point?.median ?? Infinity)
    expect(history.runs[4]?.runner).toMatch(/ cores \/ /)
  })

  it(
    'reports a push whose app is 20× slower as a change point on its commit, in an annotation and the summary',
    { timeout: 150_000 },
    async () => {
      const { slow, six: files } = await recordedSixPushes()
      expect(slow.code, slow.stdout).toBe(0)
      expect(slow.stdout).toMatch(
        /::warning title=Cannonade%3A change point::cpu work @ 4 conn: .* stepped .* at 5555555\.\.6666666 \(.*\), slower, beyond the run-to-run spread of ±\d+\.\d %25 over the 5 runs before/,
      )
      expect(slow.stdout).not.toMatch(/change point::list users/)
      expect(slow.summary).toContain('### Change points on <code>main</code>')
      expect(slow.summary).toMatch(/- 🔺 cpu work @ 4 conn: .* at 5555555\.\.6666666/)
      const history = JSON.parse(files['history.json']?.toString() ?? '{}') as { runs: { runId: number }[] }
      expect(history.runs.map((r) => r.runId)).toEqual([1001, 1002, 1003, 1004, 1005, 1006])
    },
  )

  it("shows each entry's trend over the base branch in a pull request's comment", { timeout: 150_000 }, async () => {
    await plantSixth()
    const pr = await h.publishRun({
      runId: 1007,
      event: 'pull_request',
      sha: 'c'.repeat(40),
      pr: { number: 40 },
      inputs: quick,
      results: recordedResults('quick5'),
    })
    expect(pr.code, pr.stdout).toBe(0)
    const body = commentsOn(40)[0]?.body ?? ''
    const trends = body.split('<details').filter((b) => b.includes('📈'))
    expect(trends.map((t) => /📈 ([^:]+):/.exec(t)?.[1]).sort()).toEqual(['cpu work @ 4 conn', 'list users @ 4 conn'])
    for (const trend of trends) {
      expect(trend).toContain('over the last 6 base-branch runs and this pull request')
      expect(trend).toMatch(/x-axis \["1111111", "2222222", "3333333", "4444444", "5555555", "6666666", "PR"\]/)
      expect(/^ {2}line \[(.*)\]$/m.exec(trend)?.[1]?.split(', ')).toHaveLength(7)
    }
  })

  it(
    "keeps what remains of a damaged history, rebuilding the baseline run's point from its results, with a notice",
    { timeout: 150_000 },
    async () => {
      await plantSixth()
      const artifact = present(artifactOf(1006))
      const files = await fake.readArtifactFiles(artifact)
      const history = JSON.parse(files['history.json']?.toString() ?? '{}') as { runs: Record<string, unknown>[] }
      history.runs[2] = { ...history.runs[2], date: 'the day before yesterday' }
      history.runs[5] = { ...history.runs[5], runner: '\u001b[31m' }
      artifact.zip = await createZip({ ...files, 'history.json': JSON.stringify(history) })
      const run = await h.publishRun({
        runId: 1008,
        event: 'push',
        sha: '8'.repeat(40),
        inputs: quick,
        results: withSha(recordedResults('quick5'), '8'.repeat(40)),
      })
      expect(run.code, run.stdout).toBe(0)
      expect(run.stdout).toMatch(
        /::notice::Cannonade: 2 runs of the history in the artifact of run 1006 .* could not be read and were dropped \(history\.json .*runs\[2\]\.date: must match pattern.*\); the rest is kept\./,
      )
      const kept = JSON.parse((await fake.readArtifactFiles(present(artifactOf(1008))))['history.json']?.toString() ?? '{}') as {
        runs: { runId: number; sha: string }[]
      }
      expect(kept.runs.map((r) => r.runId)).toEqual([1001, 1002, 1004, 1005, 1006, 1008])
      expect(kept.runs[4]?.sha).toBe('6'.repeat(40))
    },
  )
})
