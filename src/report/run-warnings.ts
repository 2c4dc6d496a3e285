// The words for what a run noticed about the app that makes its telemetry or the next run doubtful.
import { loadgenState } from '../load/assess.js'
import { sharedCpuRounds } from '../results/entry-numbers.js'
import type { RunWarning } from '../load/schedule.js'
import type { RoundResult } from '../results/document.js'

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

/**
 * The results table's note on the load generator, from its rounds: `load generator saturated (CPU
 * 97 %)` when its own CPU limited it in a round, else `load generator descheduled (event loop 24 ms
 * late, CPU 12 %)` when it was idle but ran late (a busy machine), with the worst round's figures.
 */
export function loadgenNote(rounds: readonly Pick<RoundResult, 'loadgenCpuPercent' | 'loadgenLoopDelayMs'>[]): string | undefined {
  const states = rounds.map((r) => ({ round: r, state: loadgenState(r.loadgenCpuPercent, r.loadgenLoopDelayMs?.p99) }))
  const saturated = states.filter((s) => s.state === 'saturated').map((s) => s.round.loadgenCpuPercent)
  if (saturated.length > 0) return `load generator saturated (CPU ${Math.max(...saturated).toFixed(0)} %)`
  const late = states.filter((s) => s.state === 'descheduled').map((s) => s.round)
  const worst = late.reduce<(typeof late)[number] | undefined>(
    (a, b) => (a === undefined || (b.loadgenLoopDelayMs?.p99 ?? 0) > (a.loadgenLoopDelayMs?.p99 ?? 0) ? b : a),
    undefined,
  )
  if (worst === undefined) return undefined
  return `load generator descheduled (event loop ${(worst.loadgenLoopDelayMs?.p99 ?? 0).toFixed(0)} ms late, CPU ${worst.loadgenCpuPercent.toFixed(0)} %)`
}

/**
 * The results table's note on other work that shared the app's CPUs (app.cpus: separate), from the
 * round where it took most of them, when that was more than the rounds' warning level (`app's CPUs
 * shared with other work (46 %)`).
 */
export function sharedCpuNote(rounds: readonly Pick<RoundResult, 'server' | 'valid'>[]): string | undefined {
  // Every round, whatever its app did: the table shows what was measured.
  const shared = sharedCpuRounds(rounds, () => true)
  return shared === undefined ? undefined : `app's CPUs shared with other work (${shared.most.toFixed(0)} %)`
}
