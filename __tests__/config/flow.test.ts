// What a config with captures, data files and templates is refused for: every problem at once, each
// naming the file, the field and what was expected.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCsv, parseJsonPath } from '../../src/config/flow.js'
import { parsePlan } from '../../src/config/load.js'
import { InputError } from '../../src/errors.js'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-flow-config-'))
  await writeFile(path.join(dir, 'users.csv'), 'user,password\nann,a\nbob,b\n')
  await writeFile(
    path.join(dir, 'users.json'),
    JSON.stringify([
      { user: 'ann', id: 1 },
      { user: 'bob', id: 2 },
    ]),
  )
  await writeFile(path.join(dir, 'ragged.csv'), 'user,password\nann,a\nbob\n')
  await writeFile(path.join(dir, 'object.json'), JSON.stringify({ user: 'ann' }))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function problems(scenario: string): string[] {
  try {
    parsePlan(`baseUrl: http://127.0.0.1:3000\nscenarios:\n  - name: s\n${scenario}`, 'perf.yml', dir)
  } catch (error) {
    if (error instanceof InputError) return [...error.problems]
    throw error
  }
  throw new Error('expected the config to be rejected')
}

const plan = (scenario: string) => parsePlan(`baseUrl: http://127.0.0.1:3000\nscenarios:\n  - name: s\n${scenario}`, 'perf.yml', dir)

describe('captures, data and templates in the config', () => {
  it('builds captures of each kind and reads CSV and JSON data', () => {
    const [s] = plan(`    data: users.json
    requests:
      - method: POST
        path: /login
        body: { user: "{{user}}" }
        capture:
          token: $.auth["access token"]
          session: { header: Set-Cookie }
          id: { regex: 'id=(\\d+)-(\\w+)', group: 2 }
      - path: /users/{{id}}?s={{session}}
        headers: { authorization: "Bearer {{token}}" }
`).scenarios
    expect(s?.data).toEqual({
      file: 'users.json',
      columns: ['user', 'id'],
      rows: [
        ['ann', '1'],
        ['bob', '2'],
      ],
    })
    expect(s?.requests[0]?.captures).toEqual([
      { name: 'token', from: 'json', path: ['auth', 'access token'], source: '$.auth["access token"]' },
      { name: 'session', from: 'header', header: 'set-cookie' },
      { name: 'id', from: 'regex', pattern: 'id=(\\d+)-(\\w+)', group: 2 },
    ])
    expect(s?.requests[0]?.jsonBody).toBe(true)
    expect(plan('    data: users.csv\n    path: /u/{{user}}\n').scenarios[0]?.data?.rows).toEqual([
      ['ann', 'a'],
      ['bob', 'b'],
    ])
  })

  it('refuses an unknown variable, a capture used before it is made, and a bad helper', () => {
    expect(
      problems(`    requests:
      - path: /a/{{nobody}}
        capture: { token: $.token }
      - path: /b
        headers: { x-seq: "{{$seqq}}" }
      - path: /c/{{$randomInt(5,1)}}
        body: "{{token"
`),
    ).toEqual([
      'perf.yml:5:15: scenarios[0].requests[0].path: {{nobody}} is not a variable: none of the steps before captures it and the data file has no such column',
      'perf.yml:8:27: scenarios[0].requests[1].headers.x-seq: {{$seqq}} is not a helper; the helpers are {{$uuid}}, {{$seq}} and {{$randomInt(min,max)}}',
      'perf.yml:9:15: scenarios[0].requests[2].path: {{$randomInt(5,1)}}: $randomInt(min,max) needs whole numbers with min at most max',
      'perf.yml:10:15: scenarios[0].requests[2].body: has "{{" at character 1 with no "}}" after it; write {{name}}, {{$uuid}}, {{$seq}} or {{$randomInt(1,100)}}',
    ])
    expect(
      problems(`    requests:
      - path: /me
        headers: { authorization: "Bearer {{token}}" }
      - path: /login
        capture: { token: $.token }
`),
    ).toEqual([
      'perf.yml:6:35: scenarios[0].requests[0].headers.authorization: {{token}} is captured only by requests[1], at or after this step; a step can use what the steps before it captured',
    ])
  })

  it('refuses a bad JSON path, regex group, capture with pipelining and a missing or malformed data file', () => {
    expect(
      problems(`    pipelining: 4
    data: nowhere.csv
    requests:
      - path: /login
        capture:
          c: $.items[x]
`),
    ).toEqual([
      'perf.yml:5:11: scenarios[0].data: cannot read nowhere.csv (no such file); expected a CSV or JSON file, relative to the config file',
      'perf.yml:9:11: scenarios[0].requests[0].capture: needs pipelining 1 (got 4): with pipelining a step is sent before the response it would capture from has come',
      'perf.yml:9:14: scenarios[0].requests[0].capture.c: must be a JSON path such as $.token, $.items[0].id or $["a key"] (body.token also works), got "$.items[x]"',
    ])
    // The schema already refuses a capture that is no JSON path nor a mapping.
    expect(problems(`    requests:\n      - path: /\n        capture: { a: token }\n`)).toEqual([
      'perf.yml:6:23: scenarios[0].requests[0].capture.a: must be a JSON path such as $.token, or a mapping with one of json, header, regex (and group with regex), got "token"',
    ])
    expect(problems(`    data: ragged.csv\n    path: /\n`)).toEqual([
      'perf.yml:4:11: scenarios[0].data: ragged.csv: line 3: has 1 field, the header row 2',
    ])
    expect(problems(`    data: object.json\n    path: /\n`)).toEqual([
      'perf.yml:4:11: scenarios[0].data: object.json: expected a list of objects, e.g. [{"user": "a", "password": "x"}]',
    ])
    expect(problems(`    requests:\n      - path: /\n        capture: { b: { regex: 'x(y)', group: 2 } }\n`)).toEqual([
      'perf.yml:6:47: scenarios[0].requests[0].capture.b.group: group 2 does not exist: the pattern has 1 group',
    ])
  })
})

describe('the small parsers', () => {
  it('reads RFC 4180 CSV: quotes, doubled quotes, line breaks in quotes, CRLF, a BOM', () => {
    expect(parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z\r\n')).toEqual({
      columns: ['a', 'b'],
      rows: [
        ['x, y', 'say "hi"'],
        ['two\nlines', 'z'],
      ],
    })
    expect(parseCsv('a\n"open')).toBe('line 2: a quoted field is not closed')
    expect(parseCsv('a,a\n1,2')).toBe('line 1: column "a" appears twice in the header row')
  })

  it('reads JSON paths of members and indexes only', () => {
    expect(parseJsonPath('$.a.b[0]["c d"]')).toEqual(['a', 'b', 0, 'c d'])
    expect(parseJsonPath('body.token')).toEqual(['token'])
    expect(parseJsonPath('$')).toEqual([])
    expect(parseJsonPath('$.a[*]')).toBeUndefined()
    expect(parseJsonPath('$..a')).toBeUndefined()
  })
})
