// The config of the hashing service in this folder (node:http or FastAPI on Debian's uvicorn), one
// home for the benches that measure a service we did not tune: how it is started, where it is ready,
// and the scenarios and defaults each bench gives it.
import autocannon from 'autocannon'

/** Which build of the hashing service. */
export type HashApp = 'node' | 'python'

/** Waits until the service on `port` answers `GET /health` (20 s at most, else throws). */
export async function hashAppReady(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return
    } catch {
      // not yet listening
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the app on port ${port} did not answer in 20 s`)
}

/** One round of the benches' load on the service on `port`: 4 connections on `GET /search?q=x` for `seconds`. */
export function hashAppLoad(port: number, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}/search?q=x`, connections: 4, duration: seconds }, (error, result) =>
      error ? reject(error) : resolve(result),
    )
  })
}

/** The command that starts the service, listening on `port` (a number, or `"$PORT"` for the shell). */
export function hashAppCommand(app: HashApp, port: number | string): string {
  return app === 'python' ? `/usr/bin/python3 -m uvicorn hash_app:app --port ${port} --log-level warning` : 'node hash-server.mjs'
}

/** What a bench sets besides the app: the defaults line, the scenario lines, and any top-level lines. */
export interface HashConfigParts {
  readonly port: number
  readonly command: string
  /** The flow mapping of `defaults:`, e.g. `{ duration: 1s, rounds: 5, connections: 4 }`. */
  readonly defaults: string
  /** One `  - { … }` line a scenario. */
  readonly scenarios: readonly string[]
  /** Lines under `app:` (indented) besides command, env and ready, e.g. `  build: "true"`. */
  readonly appLines?: readonly string[]
  /** Variables the app's env sets besides PORT, e.g. `{ MALLOC_TOP_PAD_: '67108864' }`. */
  readonly env?: Readonly<Record<string, string>>
  /** Top-level lines after baseUrl, e.g. `budget: 3m`. */
  readonly topLines?: readonly string[]
}

/** The config text of the hashing service on `port`. */
export function hashConfig(parts: HashConfigParts): string {
  const { port } = parts
  return [
    'app:',
    `  command: ${parts.command}`,
    ...(parts.appLines ?? []),
    `  env: { ${[`PORT: "${port}"`, ...Object.entries(parts.env ?? {}).map(([name, value]) => `${name}: "${value}"`)].join(', ')} }`,
    `  ready: http://127.0.0.1:${port}/health`,
    `baseUrl: http://127.0.0.1:${port}`,
    ...(parts.topLines ?? []),
    `defaults: ${parts.defaults}`,
    'scenarios:',
    ...parts.scenarios,
    '',
  ].join('\n')
}
