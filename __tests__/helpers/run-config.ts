// The config `cannonade run`'s CLI tests write: the demo app on a free port, short warm-ups and no
// warm-up pass (what they check is the CLI around the rounds), and two scenarios.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { freePort } from './ports.js'

/** What a case changes in the config: the app's env and command, the users scenario's thresholds and more fields. */
export interface RunConfigExtra {
  readonly env?: string
  readonly thresholds?: string
  readonly command?: string
  readonly users?: string
}

/** Writes `dir/name` and returns its path. */
export async function writeRunConfig(dir: string, name: string, extra: RunConfigExtra = {}): Promise<string> {
  const port = await freePort()
  const file = path.join(dir, name)
  await writeFile(
    file,
    [
      'app:',
      `  command: ${JSON.stringify(extra.command ?? 'node server.mjs')}`,
      `  cwd: ${JSON.stringify(path.resolve('__fixtures__/demo'))}`,
      `  env: { PORT: "${port}"${extra.env ?? ''} }`,
      `  ready: http://127.0.0.1:${port}/health`,
      `baseUrl: http://127.0.0.1:${port}`,
      'warmupSuite: false',
      'defaults: { connections: 2, warmup: 100ms }',
      'scenarios:',
      `  - { name: users, path: /users, thresholds: { ${extra.thresholds ?? 'p99: { max: 1s }'} }${extra.users ?? ''} }`,
      '  - { name: search, path: /search, tags: [cpu] }',
    ].join('\n'),
  )
  return file
}

/** One short round: enough for what most cases check (the first runs --quick itself). */
export const SHORT = ['--rounds', '1', '--duration', '300ms'] as const
