// test-kind: process — the exports of a run whose threshold (p99 under 1 µs) fails whatever was
// measured: file contents and the step's exit code, no measured value.
//
// The action's `export` input, from the committed bundle as the runner runs it (no GitHub needed:
// baseline none, no token): a run whose threshold fails still writes its exports, and fails the step.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { demoAppLines } from '../__fixtures__/demo/app-config.js'
import { junitSchemaErrors } from './helpers/junit-schema.js'
import { freePort } from './helpers/ports.js'
import { runNode } from './helpers/run-node.js'
import { scratchDir } from './helpers/scratch.js'

const dir = scratchDir('action-export')

describe("the action's export input", () => {
  it('writes the JUnit and github-action-benchmark files of a failing run, relative to working-directory', async () => {
    const port = await freePort()
    await writeFile(
      path.join(dir(), 'cannonade.yml'),
      [
        ...demoAppLines(port),
        'defaults: { connections: 2, duration: 300ms, warmup: 100ms, rounds: 1 }',
        'scenarios:',
        '  - { name: users, path: /users, thresholds: { p99: { max: 0.001ms } } }',
      ].join('\n'),
    )
    await writeFile(path.join(dir(), 'event.json'), '{}')
    await writeFile(path.join(dir(), 'outputs'), '')
    await writeFile(path.join(dir(), 'summary'), '')
    const result = await runNode('dist/index.js', [], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: dir(),
        'INPUT_WORKING-DIRECTORY': dir(),
        INPUT_BASELINE: 'none',
        INPUT_EXPORT: 'junit=reports/perf.xml\ngab=bench.json\n',
        GITHUB_EVENT_NAME: 'workflow_dispatch',
        GITHUB_EVENT_PATH: path.join(dir(), 'event.json'),
        GITHUB_OUTPUT: path.join(dir(), 'outputs'),
        GITHUB_STEP_SUMMARY: path.join(dir(), 'summary'),
        GITHUB_REPOSITORY: 'owner/repo',
        GITHUB_RUN_ID: '5',
        GITHUB_SHA: 'b'.repeat(40),
        RUNNER_TEMP: dir(),
      },
    })
    expect(result.code, result.stdout + result.stderr).toBe(1)
    expect(result.stdout).toContain('::error::Cannonade: performance gate failed')
    expect(result.stdout).toContain(`export: ${path.join(dir(), 'reports/perf.xml')}`)
    const xml = await readFile(path.join(dir(), 'reports/perf.xml'), 'utf8')
    expect(await junitSchemaErrors(xml)).toEqual([])
    expect(xml).toMatch(/<testsuite name="users @ 2 conn" tests="1" failures="1"/)
    const bigger = JSON.parse(await readFile(path.join(dir(), 'bench-bigger.json'), 'utf8')) as { name: string }[]
    expect(bigger.map((p) => p.name)).toEqual(['users @ 2 conn: throughput'])
  })
})
