// test-kind: process — what reaches an app's environment and log; nothing is measured.
//
// The app under test does not inherit the runner's tokens, and what reaches its log anyway is masked.
// The app here is the demo server behind a shell that prints its whole environment into app.log, as
// an app that logs its configuration at start-up does.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appEnvironment, isWithheld, maskSecrets } from '../../src/app/environment.js'
import { parsePlan } from '../../src/config/load.js'
import { measure } from '../../src/load/schedule.js'
import { freePort } from '../helpers/ports.js'

const RUNNER = {
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-0123456789abcdef',
  ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/results/',
  GITHUB_TOKEN: 'ghs_fakeGithubToken0123456789',
  'INPUT_GITHUB-TOKEN': 'ghs_fakeInputToken0123456789',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'id-token-request-0123456789',
}
let outDir = ''
const saved: Record<string, string | undefined> = {}

beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-env-'))
  for (const [name, value] of Object.entries(RUNNER)) {
    saved[name] = process.env[name]
    process.env[name] = value
  }
})
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  await rm(outDir, { recursive: true, force: true })
})

describe("the app's environment", () => {
  it('withholds the runner tokens and action inputs, keeps the rest, and passes ${NAME} from app.env', () => {
    const { env, secrets } = appEnvironment(
      { ...RUNNER, PATH: '/bin', INPUT_CONFIG: 'cannonade.yml', DATABASE_URL: 'x' },
      { PASS: '${GITHUB_TOKEN}', PORT: '3000' },
    )
    for (const name of Object.keys(RUNNER)) expect(env).not.toHaveProperty(name)
    expect(env).not.toHaveProperty('INPUT_CONFIG')
    expect(env).toMatchObject({ PATH: '/bin', DATABASE_URL: 'x', PORT: '3000', PASS: RUNNER.GITHUB_TOKEN })
    expect(secrets).toContain(RUNNER.GITHUB_TOKEN)
    expect(secrets).toContain(RUNNER['INPUT_GITHUB-TOKEN'])
    expect(secrets).not.toContain('cannonade.yml')
    expect(isWithheld('input_github-token')).toBe(true)
    expect(maskSecrets(`token=${RUNNER.GITHUB_TOKEN}!`, secrets)).toBe('token=***!')
  })

  it('an app that prints its environment puts no runner token into app.log', async () => {
    const port = await freePort()
    const plan = parsePlan(
      [
        'app:',
        `  command: ${JSON.stringify('env; exec node server.mjs')}`,
        `  env: { PORT: "${port}", PASSED_ON: "\${GITHUB_TOKEN}" }`,
        `  ready: http://127.0.0.1:${port}/health`,
        '  stopTimeout: 2s',
        `baseUrl: http://127.0.0.1:${port}`,
        'warmupSuite: false',
        'defaults: { duration: 200ms, warmup: 0s, rounds: 1, connections: 1 }',
        'scenarios:',
        '  - { name: users, path: /users }',
      ].join('\n'),
      'env.yml',
      path.resolve('__fixtures__/demo'),
    )
    const { failure } = await measure(plan, { outDir })
    expect(failure).toBeUndefined()
    const log = await readFile(path.join(outDir, 'app.log'), 'utf8')
    expect(log).toContain('demo app listening')
    expect(log).toMatch(/^PATH=/m)
    for (const [name, value] of Object.entries(RUNNER)) {
      expect(log).not.toContain(`${name}=`)
      expect(log).not.toContain(value)
    }
    // Passed on on purpose through app.env, and still masked in the log.
    expect(log).toMatch(/^PASSED_ON=\*\*\*$/m)
  })
})
