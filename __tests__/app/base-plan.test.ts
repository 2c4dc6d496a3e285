// The base commit's plan in same-job mode: the head's scenarios, the app moved into the worktree and
// onto its own port wherever the head's port appears.
import { describe, expect, it } from 'vitest'
import { basePlanOf } from '../../src/app/checkout.js'
import { parsePlan } from '../../src/config/load.js'

const head = parsePlan(
  [
    'app:',
    '  command: node server.js',
    '  cwd: services/api',
    '  env: { PORT: "3000", ADMIN_PORT: "9000", GREETING: "3000 ways", DATABASE_URL: "postgres://127.0.0.1:3000/x" }',
    '  ready: http://127.0.0.1:3000/health',
    'baseUrl: http://127.0.0.1:3000/api/',
    'scenarios: [{ name: a, path: /users }]',
  ].join('\n'),
  'cannonade.yml',
  '/repo/perf',
)
const app = head.app
if (app === undefined) throw new Error('the config has an app')

describe('the base checkout’s plan', () => {
  const base = basePlanOf(head, app, '/repo', '/tmp/wt/base', 4123)

  it('moves the app’s directory into the worktree, at the same place in the repository', () => {
    expect(app.cwd).toBe('/repo/perf/services/api')
    expect(base.app?.cwd).toBe('/tmp/wt/base/perf/services/api')
  })

  it('puts the base URL, the ready URL and the port variable on the new port, nothing else', () => {
    expect(head.baseUrl).toBe('http://127.0.0.1:3000/api')
    expect(base.baseUrl).toBe('http://127.0.0.1:4123/api')
    expect(base.app?.readyUrl).toBe('http://127.0.0.1:4123/health')
    expect(base.app?.env).toEqual({ PORT: '4123', ADMIN_PORT: '9000', GREETING: '3000 ways', DATABASE_URL: 'postgres://127.0.0.1:3000/x' })
  })

  it('keeps the scenarios, the command and the config hash, and leaves the head plan as it was', () => {
    expect(base.scenarios).toBe(head.scenarios)
    expect(base.app?.command).toBe('node server.js')
    expect(base.configHash).toBe(head.configHash)
    expect(app.env['PORT']).toBe('3000')
  })

  it('leaves a ready URL on another port alone', () => {
    const other = basePlanOf(head, { ...app, readyUrl: 'http://127.0.0.1:9000/ready' }, '/repo', '/tmp/wt/base', 4123)
    expect(other.app?.readyUrl).toBe('http://127.0.0.1:9000/ready')
  })

  it('adds what an inferred build needs (a virtual environment on PATH) to the base app only', () => {
    const venv = { VIRTUAL_ENV: '/tmp/wt/base/.cannonade-venv', PATH: '/tmp/wt/base/.cannonade-venv/bin:/usr/bin' }
    const built = basePlanOf(head, app, '/repo', '/tmp/wt/base', 4123, venv)
    expect(built.app?.env).toMatchObject({ PORT: '4123', ...venv })
    expect(app.env['VIRTUAL_ENV']).toBeUndefined()
  })
})
