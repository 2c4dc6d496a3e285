// What a config may well mean but probably does not: accepted, and said before anything runs. Each
// warning is a Problem, so it is printed like a config error, with file, line and column.
import { PORT_PLACEHOLDER, type Plan } from './plan.js'
import type { Problem } from './validate.js'

/** True for names and addresses that reach this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === '::1' ||
    host === '0.0.0.0' ||
    host === '::'
  )
}

function portOf(url: URL): string {
  return url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port
}

function parse(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

/** The warnings a plan deserves: an app started here but measured elsewhere, or probed and measured on different ports. */
export function planWarnings(plan: Plan): Problem[] {
  const app = plan.app
  const base = parse(plan.baseUrl)
  if (app === undefined || base === undefined) return []
  if (!isLoopbackHost(base.hostname)) {
    return [
      {
        path: ['baseUrl'],
        message:
          `points at ${base.hostname}, not this machine, while app starts a server here: the requests go to ${base.hostname}, ` +
          'not to the app Cannonade started. Use http://127.0.0.1:PORT for the app, or leave out app to measure an external server',
      },
    ]
  }
  return [...literalPort(app, portOf(base)), ...readyElsewhere(app, base)]
}

// The port written as a number on its own (not part of 18101), or as {port}, which is baseUrl's.
function mentions(text: string, port: string): boolean {
  return new RegExp(`(^|\\D)${port}(\\D|$)`).test(text)
}

// baseUrl's port written into the command: the base commit, started beside this app on a port of its
// own (run --against, a same-job baseline), would be told this one and collide with the head.
function literalPort(app: NonNullable<Plan['app']>, port: string): Problem[] {
  if (app.build.kind === 'none' || !mentions(app.command, port)) return []
  return [
    {
      path: ['app', 'command'],
      message:
        `has baseUrl's port ${port} written in it: run --against and a same-job baseline start the base commit beside this app ` +
        `on a port of their own, and this command would tell it ${port} too. Write {port} instead (e.g. --port {port}): ` +
        "Cannonade fills in each side's port, and also passes it as PORT",
    },
  ]
}

// An app told about both ports (PORT and ADMIN_PORT, say) can well answer health checks on one and
// traffic on the other; a port that is not in how the app is started is more likely a slip. {port}
// is baseUrl's port. The PORT Cannonade passes by itself does not count: an app may well ignore it.
function readyElsewhere(app: NonNullable<Plan['app']>, base: URL): Problem[] {
  const ready = app.readyUrl === undefined ? undefined : parse(app.readyUrl)
  if (ready === undefined || !isLoopbackHost(ready.hostname) || portOf(ready) === portOf(base)) return []
  const told = [app.command, ...Object.values(app.env)].join(' ')
  const baseTold = mentions(told, portOf(base)) || told.includes(PORT_PLACEHOLDER)
  const readyTold = mentions(told, portOf(ready))
  if (baseTold && readyTold) return []
  const only = baseTold ? `only ${portOf(base)}` : readyTold ? `only ${portOf(ready)}` : 'neither'
  return [
    {
      path: ['baseUrl'],
      message:
        `is on port ${portOf(base)} but app.ready is on port ${portOf(ready)}, and app.command and app.env mention ${only}: ` +
        'the app is awaited on one port and measured on the other, ' +
        'and nothing may answer there. Use the same port in both, unless the app really listens on both',
    },
  ]
}
