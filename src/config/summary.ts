import type { Plan, ScenarioPlan } from './plan.js'
import { formatDurationMs } from './units.js'

/** Names a load level the way tables show it: `10 conn`, `200 req/s`, or `stress` for a stress search (which has no one level). */
export function levelLabel(level: {
  readonly connections: number
  readonly rate?: number
  readonly stress?: { readonly loop: 'rate' | 'connections' }
}): string {
  if (level.stress !== undefined) return 'stress'
  return level.rate === undefined ? `${level.connections} conn` : `${level.rate} req/s`
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
  return `  - ${s.name}: ${steps}; ${levels}; ${s.rounds} x ${length} (+${formatDurationMs(s.warmupMs)} warm-up)`
}

/** A few lines that say what a plan will do, for `cannonade validate` and the start of a run. */
export function describePlan(plan: Plan): string {
  const entries = plan.scenarios.reduce((sum, s) => sum + s.levels.length, 0)
  const lines = [
    `suite ${plan.suite}: ${plan.scenarios.length} scenario(s), ${entries} measured entr${entries === 1 ? 'y' : 'ies'} against ${plan.baseUrl}`,
    plan.app === undefined ? '  app: none (the server must already be running)' : `  app: ${plan.app.command} (in ${plan.app.cwd})`,
    ...plan.scenarios.map(scenarioLine),
  ]
  return lines.join('\n')
}
