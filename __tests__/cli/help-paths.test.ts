// A file a command's help names must exist: `history --help` pointed at examples/pages.yml, which the
// repository never had (the workflow is examples/perf-pages.yml).
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { commands } from '../../src/cli/commands.js'

describe('the files the CLI help names', () => {
  it('all exist in the repository', () => {
    const named = Object.values(commands).flatMap((command) => command.usage.match(/\bexamples\/[\w.-]+/g) ?? [])
    expect(named).toContain('examples/perf-pages.yml')
    expect(named.filter((file) => !existsSync(file))).toEqual([])
  })
})
