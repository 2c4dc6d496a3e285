// The lines of a cannonade.yml that start the bundled demo app on `port` and measure it there, for
// tests that write their own config around them.
import path from 'node:path'

/** `app:` (the demo server in `__fixtures__/demo`, ready at /health) and `baseUrl:`, on `port`. */
export function demoAppLines(port: number): string[] {
  return [
    'app:',
    '  command: node server.mjs',
    `  cwd: ${JSON.stringify(path.resolve('__fixtures__/demo'))}`,
    `  env: { PORT: "${port}" }`,
    `  ready: http://127.0.0.1:${port}/health`,
    `baseUrl: http://127.0.0.1:${port}`,
  ]
}
