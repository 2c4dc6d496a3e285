// The suite the accuracy benches measure: the demo app's three slowable routes (more CPU work, a
// longer wait, a slower tail), with DEMO_SLOWDOWN making the app that much more expensive.
import path from 'node:path'
import { parsePlan } from '../src/config/load.js'
import type { Plan } from '../src/config/plan.js'

/** How the demo routes are measured. */
export interface DemoRoutesOptions {
  readonly port: number
  /** Percent more work per request on the slowable routes. */
  readonly slowdown: number
  /** Round length and warm-up, as config durations (`1s`, `250ms`). */
  readonly duration: string
  readonly warmup?: string
  readonly rounds: number
  /** The decide-as-you-go budget of a same-job run (default: the config's). */
  readonly budget?: string
}

/** The demo routes on `port`, slowed by `slowdown` percent. */
export function demoRoutesPlan(options: DemoRoutesOptions): Plan {
  const { port, slowdown, duration, rounds } = options
  const text = `
app:
  command: node server.mjs
  env: { PORT: "${port}", DEMO_SLOWDOWN: "${slowdown}" }
  ready: http://127.0.0.1:${port}/health
baseUrl: http://127.0.0.1:${port}
${options.budget === undefined ? '' : `budget: ${options.budget}\n`}defaults: { duration: ${duration}, warmup: ${options.warmup ?? '250ms'}, rounds: ${rounds}, connections: 10 }
scenarios:
  - { name: cpu work, path: /cpu }
  - { name: added delay, path: /delay }
  - { name: slow tail, path: /tail, connections: 4 }
`
  return parsePlan(text, 'demo-routes.yml', path.resolve('__fixtures__/demo'))
}
