// Text from the config that reaches a request or a log: a CR/LF in a header value would end the header
// where the app reads it (request smuggling), and a line break or a bidirectional mark in a scenario
// name would forge a log line (`\n::error::...` is a workflow command) or reorder what a reader sees.
import { describe, expect, it } from 'vitest'
import { parsePlan } from '../../src/config/load.js'
import { problemsOf } from '../helpers/config-problems.js'

const head = 'baseUrl: http://127.0.0.1:3000\nscenarios:\n'

describe('hostile text in the config', () => {
  it('refuses CR, LF or NUL in a header value, naming the field', () => {
    const problems = problemsOf(
      `defaults:\n  headers: { x-a: "ok\\r\\nGET /admin HTTP/1.1" }\n${head}  - name: a\n    path: /\n  - name: b\n    requests:\n      - { path: /, headers: { x-b: "a\\nb" } }\n`,
    )
    expect(problems).toEqual([
      expect.stringMatching(/^cannonade\.yml:2:\d+: defaults\.headers\.x-a: a header value cannot contain CR, LF or NUL/),
      expect.stringMatching(
        /^cannonade\.yml:\d+:\d+: scenarios\[1\]\.requests\[0\]\.headers\.x-b: a header value cannot contain CR, LF or NUL/,
      ),
    ])
  })

  it('refuses line breaks, control characters and bidirectional marks in names and tags', () => {
    const problems = problemsOf(
      `${head}  - { name: "ok\\n::error::forged", path: / }\n  - { name: "evil\\u202Egnp.exe", path: /, tags: ["a\\u0007"] }\n`,
    )
    expect(problems).toEqual([
      expect.stringMatching(/scenarios\[0\]\.name: must be printable text .*got U\+000A in it/),
      expect.stringMatching(/scenarios\[1\]\.name: must be printable text .*got U\+202E in it/),
      expect.stringMatching(/scenarios\[1\]\.tags\[0\]: must be printable text .*got U\+0007 in it/),
    ])
  })

  it('accepts ordinary names, tags and headers, Unicode letters included', () => {
    const plan = parsePlan(
      `${head}  - { name: "liste des élèves · 列表", path: /, tags: [smoke], headers: { authorization: "Bearer a.b.c" } }\n`,
      'c.yml',
      '/srv',
    )
    expect(plan.scenarios[0]?.requests[0]?.headers).toEqual({ authorization: 'Bearer a.b.c' })
  })
})
