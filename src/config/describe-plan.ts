import type { Plan, ScenarioPlan } from './plan.js'
import { humanDurationMs, plannedTime } from './planned-time.js'
import { formatDurationMs, formatSizeBytes } from './units.js'

/** In a volume scenario's path or body, replaced by the entry's body size in bytes. */
export const BODY_SIZE_PLACEHOLDER = '{bodySize}'

/** Names a load level the way tables show it: `10 conn`, `200 req/s`, `10 conn · 64KB`, or `stress` for a stress search (which has no one level). */
export function levelLabel(level: {
  readonly connections: number
  readonly rate?: number
  readonly bodyBytes?: number
  readonly stress?: { readonly loop: 'rate' | 'connections' }
}): string {
  if (level.stress !== undefined) return 'stress'
  const load = level.rate === undefined ? `${level.connections} conn` : `${level.rate} req/s`
  return level.bodyBytes === undefined ? load : `${load} · ${formatSizeBytes(level.bodyBytes)}`
}

function scenarioLine(s: ScenarioPlan): string {
  const steps = s.requests.length === 1 ? `${s.requests[0]?.method ?? 'GET'} ${s.requests[0]?.path ?? '/'}` : `${s.requests.length} steps`
  const length =
    s.stress !== undefined
      ? `search of ${formatDurationMs(s.stress.stepMs ?? s.durationMs)} steps`
      : s.amount === undefined
        ? formatDurationMs(s.durationMs)
        : `${s.amount} requests`
  const levels =
    s.stress === undefined
      ? s.levels.map(levelLabel).join(', ')
      : `stress ${s.stress.start} → ${s.stress.max} ${s.stress.loop === 'rate' ? 'req/s' : 'conn'} (×${s.stress.factor}, ${s.stress.bisect} bisection step${s.stress.bisect === 1 ? '' : 's'})`
  const spike =
    s.spike === undefined ? '' : ` (${s.spike.rate} → ${s.spike.rate * s.spike.multiple} req/s for ${formatDurationMs(s.spike.burstMs)})`
  const profile = s.profile === 'steady' || s.profile === 'stress' ? '' : ` [${s.profile}${spike}]`
  return `  - ${s.name}${profile}: ${steps}; ${levels}; ${s.rounds} x ${length} (+${formatDurationMs(s.warmupMs)} warm-up)`
}

function plannedText(plan: Plan): string {
  const { ms } = plannedTime(plan)
  const byAmount = plan.scenarios.some((s) => s.amount !== undefined && s.stress === undefined)
  return `${humanDurationMs(ms)} of load${byAmount ? ', plus the time the request-count rounds take' : ''} (one side; same-job and --against measure two)`
}

/** A few lines that say what a plan will do, for `cannonade validate` and the start of a run. */
export function describePlan(plan: Plan): string {
  const entries = plan.scenarios.reduce((sum, s) => sum + s.levels.length, 0)
  const lines = [
    `suite ${plan.suite}: ${plan.scenarios.length} scenario(s), ${entries} measured entr${entries === 1 ? 'y' : 'ies'} against ${plan.baseUrl}`,
    plan.app === undefined ? '  app: none (the server must already be running)' : `  app: ${plan.app.command} (in ${plan.app.cwd})`,
    ...plan.scenarios.map(scenarioLine),
    `  planned time: ${plannedText(plan)}`,
  ]
  return lines.join('\n')
}
