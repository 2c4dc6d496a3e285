// The sentence a run logs when the baseline it wanted is missing and it carries on with less. One home,
// so the action's paths (lookup failed, artifact unusable, base commit not measured) all say it alike.

/** What a run does instead: check absolute thresholds only, or compare with the stored baseline. */
export type Fallback = 'thresholds only' | 'stored baseline'

const INSTEAD: Readonly<Record<Fallback, string>> = {
  'thresholds only': 'Checking absolute thresholds only.',
  'stored baseline': 'Comparing with the stored baseline instead.',
}

/**
 * The log line for a missing baseline: `problem` (a sentence without its full stop, e.g. `Cannonade:
 * the base commit abc1234 did not build`), then what the run does instead.
 */
export function fallbackLine(problem: string, fallback: Fallback): string {
  return `${problem}. ${INSTEAD[fallback]}`
}
