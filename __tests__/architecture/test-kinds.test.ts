// The split of the test files into vitest projects (vitest.config.ts) is read from what each file does.
// A load test put among the parallel files would be measured while other files take the CPU, so the
// split is checked here on the real files and on planted text.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { kindOf, serialReason, testKinds } from '../helpers/test-kinds.js'

const ROOT = resolve(import.meta.dirname, '../..')

describe('which vitest project each test file runs in', () => {
  it('puts the files whose assertions read a measurement in load, alone, and the rest in parallel', () => {
    const { unit, process, load } = testKinds(ROOT)
    for (const file of [
      // A regression caught, rounds cut short, a profile naming the slower function: each reads what was measured.
      '__tests__/e2e/action-measured.test.ts',
      '__tests__/e2e/verdicts.test.ts',
      '__tests__/profile/against-profile.test.ts',
      '__tests__/load/measure.test.ts',
      '__tests__/load/metronome.test.ts',
      '__tests__/cli-stress.test.ts',
      '__tests__/cli-profiles.test.ts',
      // Sub-millisecond latencies in the table: a busy CPU can push them over 1 ms.
      '__tests__/cli-run.test.ts',
    ]) {
      expect(load).toContain(file)
    }
    for (const file of [
      // The bundle's plumbing (comments, artifacts, fallbacks, exit codes), marked as such.
      '__tests__/e2e/action.test.ts',
      '__tests__/e2e/same-job.test.ts',
      // The CLI's plumbing, refusals and exit codes, and pages of recorded results, marked as such.
      '__tests__/cli.test.ts',
      '__tests__/cli-limits.test.ts',
      '__tests__/cli-run-exits.test.ts',
      '__tests__/cli-against.test.ts',
      '__tests__/cli-compare.test.ts',
      '__tests__/report/html-report.test.ts',
      // Only the loopback fake GitHub.
      '__tests__/e2e/fake-github.test.ts',
      '__tests__/github/faults.test.ts',
      '__tests__/action/publish.test.ts',
    ]) {
      expect(process).toContain(file)
    }
    for (const file of ['__tests__/stats/stats.test.ts', '__tests__/compare/compare.test.ts', '__tests__/report/markdown.test.ts']) {
      expect(unit).toContain(file)
    }
    // Every file is in exactly one project.
    expect(new Set([...unit, ...process, ...load]).size).toBe(unit.length + process.length + load.length)
  })

  it('reads each kind of work from the file text', () => {
    // The samples are assembled from pieces so that this file's own text reads as a unit test's.
    const from = (module: string): string => `import { x } from '${module}'`
    expect(serialReason(`import autocannon ${'from'} 'autocannon'`)).toBe('runs autocannon')
    expect(serialReason(call('const server = http.createServer', 'handler'))).toBe('starts a server')
    expect(serialReason(from(['..', 'helpers', 'ports.js'].join('/')))).toBe('starts a server')
    expect(serialReason(call('const child = spawn', "process.execPath, ['dist/cli.js']"))).toBe('spawns a process')
    expect(serialReason(from(['.', 'helpers', 'run-node.js'].join('/')))).toBe('spawns a process')
    expect(serialReason(from(['.', 'bundle-run.js'].join('/')))).toBe('spawns a process')
    expect(serialReason(from(['..', 'helpers', 'browser.js'].join('/')))).toBe('opens a browser')
    expect(serialReason("import { welch } from '../../src/stats/welch.js'\nexpect(welch([1], [2])).toBeDefined()")).toBeUndefined()
    expect(testKinds(ROOT).unit).toContain('__tests__/architecture/test-kinds.test.ts')
  })

  it('runs the fake GitHub alone in parallel, and a marked file of servers and processes, never one that runs autocannon', () => {
    const fake = call(`const fake = await ${'startFake'}GitHub`, '{ runs: [] }')
    const marker = `${'//'} test-kind: process — asserts the comment and the artifact, not a measurement\n`
    const spawned = call('const child = spawn', "process.execPath, ['dist/index.js']")
    expect(kindOf(fake)).toEqual({ kind: 'process', why: 'starts the fake GitHub' })
    // The fake beside a spawned bundle: the bundle measures, so load unless the file says otherwise.
    expect(kindOf(`${fake}\n${spawned}`).kind).toBe('load')
    expect(kindOf(`${marker}${fake}\n${spawned}`).kind).toBe('process')
    // The marker is a line of its own, not a mention inside another comment or a string.
    expect(kindOf(`// see ${marker}${spawned}`).kind).toBe('load')
    // Pure computation stays in unit, marker or not.
    expect(kindOf(`${marker}const x = 1`).kind).toBe('unit')
    expect(() => kindOf(`${marker}import autocannon ${'from'} 'autocannon'`, 'x.test.ts')).toThrow(
      /x\.test\.ts: the '\/\/ test-kind: process' marker, but the file runs autocannon/,
    )
  })
})

/** `name(args)`, assembled so that this file's text holds no call it would be classified by. */
function call(name: string, args: string): string {
  return `${name}(${args})`
}
