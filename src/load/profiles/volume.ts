// profile: volume. One entry per body size (`bodySize: [1KB, 64KB, 1MB]`). The size is sent as a
// request body of that many bytes, unless the path or body of a step holds `{bodySize}`: then the
// byte count is written there instead (an app that answers with a body of the asked size) and no
// body is generated. Throughput is reported in bytes per second beside req/s.
import { BODY_SIZE_PLACEHOLDER } from '../../config/describe-plan.js'
import type { LoadLevel, RequestStep, ScenarioPlan } from '../../config/plan.js'
import type { ProfileSummary, RoundResult } from '../../results/document.js'
import { median } from '../../stats/stats.js'

/** A body of `bytes` bytes: printable, so that a body check or a log stays readable. */
function bodyOf(bytes: number): string {
  return 'x'.repeat(bytes)
}

function sized(step: RequestStep, bytes: number): RequestStep {
  const count = String(bytes)
  const named = step.path.includes(BODY_SIZE_PLACEHOLDER) || (step.body?.includes(BODY_SIZE_PLACEHOLDER) ?? false)
  if (named) {
    const body = step.body?.replaceAll(BODY_SIZE_PLACEHOLDER, count)
    return { ...step, path: step.path.replaceAll(BODY_SIZE_PLACEHOLDER, count), ...(body === undefined ? {} : { body }) }
  }
  return { ...step, headers: { 'content-type': 'application/octet-stream', ...step.headers }, body: bodyOf(bytes) }
}

/** The scenario as measured at one level: its requests carry the level's body size (volume only). */
export function scenarioAt(scenario: ScenarioPlan, level: LoadLevel): ScenarioPlan {
  const bytes = level.bodyBytes
  if (scenario.profile !== 'volume' || bytes === undefined) return scenario
  return { ...scenario, requests: scenario.requests.map((step) => sized(step, bytes)) }
}

/** Request body bytes one request of the entry sends (0 when the size goes into the path). */
function sentPerRequest(scenario: ScenarioPlan): number {
  const bodies = scenario.requests.map((step) => Buffer.byteLength(step.body ?? ''))
  return bodies.reduce((a, b) => a + b, 0) / Math.max(1, bodies.length)
}

/** Bytes per second sent and received, medians over the rounds. */
export function summariseVolume(scenario: ScenarioPlan, bodyBytes: number, rounds: readonly RoundResult[]): ProfileSummary | undefined {
  if (rounds.length === 0) return undefined
  const perRequest = sentPerRequest(scenario)
  const rate = (pick: (r: RoundResult) => number): number =>
    Math.round(median(rounds.map((r) => (pick(r) / Math.max(1, r.durationMs)) * 1000)))
  return {
    kind: 'volume',
    bodyBytes,
    sentBytesPerSec: rate((r) => r.requests * perRequest),
    receivedBytesPerSec: rate((r) => r.bytes),
  }
}
