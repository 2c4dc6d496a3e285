// `mode: merge` whole, in this process: the shards' artifacts (parts of a recorded run) downloaded
// from the fake GitHub, merged into one results file and published once; and a shard artifact whose
// results say they are another shard.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { recordedResults } from '../../__fixtures__/recorded/recorded.js'
import { ARTIFACT, artifactOf, MAIN_SHA, present } from '../e2e/harness.js'
import type { Results } from '../../src/results/document.js'
import { startInProcess, type InProcess } from './in-process.js'

let h: InProcess

// Generous: the first import of the whole action (src/main.ts and what it imports) is transformed cold
// when the run starts, beside every other worker's; it took over 30 s at load 14 (.ci/run, a bench beside).
beforeAll(async () => {
  h = await startInProcess()
}, 180_000)
afterAll(async () => {
  await h.close()
})
beforeEach(() => {
  h.fake.reset()
})

/** Shard `index` of 2 of the recorded push: its `index`-th entry. */
function shard(index: number, says = index): Results {
  const results = recordedResults('push')
  return { ...results, entries: results.entries.slice(index - 1, index), shard: { index: says, count: 2 } }
}

describe('mode: merge', () => {
  it('merges every shard of the run into one results file, one comparison and one comment', async () => {
    await h.fake.addArtifactZip(170, `${ARTIFACT}-shard-1-of-2`, { 'results.json': JSON.stringify(shard(1)) })
    await h.fake.addArtifactZip(170, `${ARTIFACT}-shard-2-of-2`, { 'results.json': JSON.stringify(shard(2)) })
    const run = await h.runAction({
      runId: 170,
      event: 'pull_request',
      sha: 'c'.repeat(40),
      pr: { number: 70 },
      inputs: { mode: 'merge', 'fail-on': 'never' },
    })
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toContain(`${ARTIFACT}-shard-1-of-2: 1 entries`)
    const files = await h.fake.readArtifactFiles(present(artifactOf(h.fake, 170)))
    const merged = JSON.parse(files['results.json']?.toString() ?? '{}') as Results
    expect(merged.entries.map((e) => e.key)).toEqual(['list users @ 4 conn', 'cpu work @ 4 conn'])
    expect(merged.shard).toBeUndefined()
    const comments = h.fake.comments.filter((c) => c.issueNumber === 70)
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body).toContain('cpu work')
  })

  it('fails when an artifact holds the results of another shard than its name says', async () => {
    await h.fake.addArtifactZip(171, `${ARTIFACT}-shard-1-of-2`, { 'results.json': JSON.stringify(shard(1, 2)) })
    await h.fake.addArtifactZip(171, `${ARTIFACT}-shard-2-of-2`, { 'results.json': JSON.stringify(shard(2)) })
    const run = await h.runAction({ runId: 171, event: 'push', sha: MAIN_SHA, inputs: { mode: 'merge' } })
    expect(run.code, run.stdout).toBe(1)
    expect(run.stdout).toContain(`::error::mode merge: the artifact ${ARTIFACT}-shard-1-of-2 holds the results of shard 2 of 2`)
    expect(artifactOf(h.fake, 171)).toBeUndefined()
  })
})
