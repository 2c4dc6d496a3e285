// The words for what a run noticed about the app that makes its telemetry or the next run doubtful.
import type { RunWarning } from '../load/schedule.js'

function portOf(url: string): string {
  const parsed = new URL(url)
  return parsed.port === '' ? (parsed.protocol === 'https:' ? '443' : '80') : parsed.port
}

/** One sentence per warning, saying what was seen, what it means and what to do. */
export function runWarningText(warning: RunWarning): string {
  const app = warning.side === undefined ? 'the app' : `the ${warning.side} app`
  if (warning.kind === 'still-listening') {
    const { hostname } = new URL(warning.url)
    return (
      `port ${portOf(warning.url)} on ${hostname} still answers after ${app} was stopped: its server runs outside the process ` +
      'group Cannonade started (started with setsid, nohup into a new session, or a daemon), so the CPU and memory ' +
      'figures are not of the server, and the next run will find the port in use. Start the server in the foreground ' +
      '(e.g. `exec node server.js`), and stop the leftover process.'
    )
  }
  return (
    `${app}'s process group used no CPU while it answered ${warning.responses.toLocaleString('en-US')} requests: the server ` +
    'runs outside that group (setsid, a daemon, a container), so the CPU and memory figures are of the wrong process. ' +
    'Start the server in the foreground (e.g. `exec node server.js`).'
  )
}
