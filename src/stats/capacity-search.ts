/**
 * The search for a capacity: which load to try next, given the steps measured so far and whether
 * each held the SLO. Pure: the stress profile (src/load/profiles/stress.ts) measures, this decides.
 *
 * Method:
 * 1. Geometric steps: start, start·factor, start·factor², … (never past `max`) until a step breaks
 *    the SLO or `max` held. Geometric, because a capacity may be anywhere over several orders of
 *    magnitude, and the relative resolution is what matters.
 * 2. Bisection between the highest load that held below the first one that broke (`good`) and that
 *    one (`bad`): `bisect` steps at the geometric midpoint √(good·bad), each replacing good or bad.
 *    After b steps the gap is factor^(1/2^b): 2 → 1.09 with the default 3 steps, i.e. the break point
 *    is known to about 9 %.
 * 3. Stop early when the first step already broke (no capacity above `start` to find), or when the
 *    midpoint rounds onto good or bad (whole connections).
 *
 * A step that breaks the SLO is measured once more before it counts as broken (`retry`), and a load
 * holds when either of its measurements held. One stall of a busy machine in a short step would
 * otherwise end the geometric phase early and put the capacity at a fraction of the true one: on the
 * project's shared 2-core machine, 1 of 6 searches of 400 ms steps did so (80 instead of 160–190
 * req/s). A real break breaks twice; a retry costs one step per break.
 *
 * A noisy step may hold above one that broke; the search trusts the lowest break (a capacity is a
 * promise that the SLO holds up to it) and takes `good` as the highest hold below it.
 */

/** How the search steps. */
export interface SearchSettings {
  readonly start: number
  readonly factor: number
  readonly max: number
  readonly bisect: number
  /** Loads are whole numbers (connections). */
  readonly integer: boolean
}

/** A measured step: the load tried and whether the SLO held. */
export interface SearchStep {
  readonly load: number
  readonly held: boolean
}

/** The next step, or undefined when the search is over. `retry` measures a load that broke once more. */
export type NextStep = { readonly load: number; readonly phase: 'step' | 'bisect' | 'retry' } | undefined

/** Each load once, in the order first tried, holding when any of its measurements held. */
export function outcomes(steps: readonly SearchStep[]): SearchStep[] {
  const held = new Map<number, boolean>()
  for (const step of steps) held.set(step.load, (held.get(step.load) ?? false) || step.held)
  return [...held].map(([load, h]) => ({ load, held: h }))
}

/** A load as it is tried: whole connections; a rate to the nearest req/s (to 0.01 below 10 req/s). */
export function roundLoad(load: number, integer: boolean): number {
  if (integer) return Math.max(1, Math.round(load))
  return load >= 10 ? Math.round(load) : Math.round(load * 100) / 100
}

/** Where the SLO broke first and the highest load that held below it, from the steps so far. */
export function bracket(measured: readonly SearchStep[]): { readonly good?: number; readonly bad?: number } {
  const steps = outcomes(measured)
  const broke = steps.filter((s) => !s.held).map((s) => s.load)
  const bad = broke.length === 0 ? undefined : Math.min(...broke)
  const held = steps.filter((s) => s.held && (bad === undefined || s.load < bad)).map((s) => s.load)
  const good = held.length === 0 ? undefined : Math.max(...held)
  return { ...(good === undefined ? {} : { good }), ...(bad === undefined ? {} : { bad }) }
}

/** The next load to try after `steps` (in the order measured), or undefined when the search is done. */
export function nextStep(settings: SearchSettings, measured: readonly SearchStep[]): NextStep {
  const { start, factor, max, integer } = settings
  const latest = measured[measured.length - 1]
  if (latest !== undefined && !latest.held && measured.filter((s) => s.load === latest.load).length === 1) {
    return { load: latest.load, phase: 'retry' }
  }
  const steps = outcomes(measured)
  const last = steps[steps.length - 1]
  if (last === undefined) return { load: roundLoad(Math.min(start, max), integer), phase: 'step' }
  const firstBreak = steps.findIndex((s) => !s.held)
  if (firstBreak === -1) {
    if (last.load >= max) return undefined
    const grown = roundLoad(Math.min(last.load * factor, max), integer)
    // Rounding to whole connections could stall a small factor at one connection: always move on.
    return { load: Math.min(max, Math.max(grown, integer ? last.load + 1 : grown)), phase: 'step' }
  }
  const bisected = steps.length - (firstBreak + 1)
  if (bisected >= settings.bisect) return undefined
  const { good, bad } = bracket(steps)
  if (good === undefined || bad === undefined) return undefined
  const middle = roundLoad(Math.sqrt(good * bad), integer)
  if (middle <= good || middle >= bad) return undefined
  return { load: middle, phase: 'bisect' }
}
