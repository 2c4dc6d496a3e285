// The suite both accuracy benches measure: the demo app's three slowable routes (more CPU work, a
// longer wait, a slower tail), with DEMO_SLOWDOWN making the app that much more expensive.
import path from 'node:path'
import { parsePlan } from '../src/config/load.js'
import type { Plan } from '../src/config/plan.js'

/** The demo routes on `port`, slowed by `slowdown` percent, `rounds` rounds of `duration` each. */
export function demoRoutesPlan(options: { port: number; slowdown: number; duration: string; rounds: number }): Plan {
  const { port, slowdown, duration, rounds } = options
  const text = `
app:
  command: node server.mjs
  env: { PORT: "${port}", DEMO_SLOWDOWN: "${slowdown}" }
  ready: http://127.0.0.1:${port}/health
baseUrl: http://127.0.0.1:${port}
defaults: { duration: ${duration}, warmup: 250ms, rounds: ${rounds}, connections: 10 }
scenarios:
  - { name: cpu work, path: /cpu }
  - { name: added delay, path: /delay }
  - { name: slow tail, path: /tail, connections: 4 }
`
  return parsePlan(text, 'demo-routes.yml', path.resolve('__fixtures__/demo'))
}
