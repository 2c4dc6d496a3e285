// The split of the test files into a parallel project and a serial one (vitest.config.ts) is read from
// what each file does. A load test put among the parallel files would be measured while other files
// take the CPU, so the split is checked here on the real files and on planted text.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { serialReason, testKinds } from '../helpers/test-kinds.js'

const ROOT = resolve(import.meta.dirname, '../..')

describe('which test files run one at a time', () => {
  it('puts the files that load an app, start servers or run the bundle in the serial project', () => {
    const { serial, parallel } = testKinds(ROOT)
    for (const file of [
      '__tests__/e2e/action.test.ts',
      '__tests__/load/measure.test.ts',
      '__tests__/load/metronome.test.ts',
      '__tests__/cli-run.test.ts',
      '__tests__/cli.test.ts',
      '__tests__/report/html-report.test.ts',
    ]) {
      expect(serial).toContain(file)
    }
    for (const file of ['__tests__/stats/stats.test.ts', '__tests__/compare/compare.test.ts', '__tests__/report/markdown.test.ts']) {
      expect(parallel).toContain(file)
    }
    // Every file is in exactly one project.
    expect(new Set([...serial, ...parallel]).size).toBe(serial.length + parallel.length)
  })

  it('reads each kind of work from the file text', () => {
    // The samples are assembled from pieces so that this file's own text reads as a unit test's.
    const call = (name: string, args: string): string => `${name}(${args})`
    const from = (module: string): string => `import { x } from '${module}'`
    expect(serialReason(`import autocannon ${'from'} 'autocannon'`)).toBe('runs autocannon')
    expect(serialReason(call('const server = http.createServer', 'handler'))).toBe('starts a server')
    expect(serialReason(from(['..', 'helpers', 'ports.js'].join('/')))).toBe('starts a server')
    expect(serialReason(call(`const fake = await ${'startFake'}GitHub`, '{ runs: [] }'))).toBe('starts a server')
    expect(serialReason(call('const child = spawn', "process.execPath, ['dist/cli.js']"))).toBe('spawns a process')
    expect(serialReason(from(['.', 'helpers', 'run-node.js'].join('/')))).toBe('spawns a process')
    expect(serialReason(from(['..', 'helpers', 'browser.js'].join('/')))).toBe('opens a browser')
    expect(serialReason("import { welch } from '../../src/stats/welch.js'\nexpect(welch([1], [2])).toBeDefined()")).toBeUndefined()
    expect(testKinds(ROOT).parallel).toContain('__tests__/architecture/test-kinds.test.ts')
  })
})
