// A plan that starts the demo app (__fixtures__/demo/server.mjs) on a free loopback port, for tests
// that measure a real server process.
import path from 'node:path'
import { parsePlan } from '../../src/config/load.js'
import type { Plan } from '../../src/config/plan.js'
import { freePort } from './ports.js'

/** The demo app's directory, the plans' base for relative paths. */
export const demoDir = path.resolve('__fixtures__/demo')

/**
 * The demo app on a free port with extra `env`, another start command (`app`), `defaults`, extra
 * top-level lines (`extra`, e.g. a budget), and the given scenarios (YAML list lines).
 */
export async function demoPlan(
  scenarios: string,
  options: { env?: string; app?: string; defaults?: string; extra?: readonly string[] } = {},
): Promise<Plan> {
  const port = await freePort()
  const text = [
    'app:',
    `  command: ${JSON.stringify(options.app ?? 'node server.mjs')}`,
    `  env: { PORT: "${port}"${options.env === undefined ? '' : `, ${options.env}`} }`,
    `  ready: http://127.0.0.1:${port}/health`,
    '  readyTimeout: 5s',
    '  stopTimeout: 2s',
    `baseUrl: http://127.0.0.1:${port}`,
    ...(options.extra ?? []),
    `defaults: ${options.defaults ?? '{ duration: 300ms, warmup: 100ms, rounds: 2, connections: 2 }'}`,
    'scenarios:',
    scenarios,
  ].join('\n')
  return parsePlan(text, 'test.yml', demoDir)
}
