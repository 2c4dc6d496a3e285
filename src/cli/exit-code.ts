// The CLI's exit code for a finished run. The README reserves 1 for "slower" (a regression, a `fail`
// threshold, requests that timed out) so a CI step can tell it from a setup that cannot be measured.
// An entry with no valid round because the app failed (every answer a 500, connections refused,
// every body wrong) says nothing about speed: when nothing else fails, the code is 3, as for an app
// that could not be started.
import type { Violation } from '../compare/thresholds.js'
import type { Comparison } from '../compare/types.js'
import { EXIT } from '../errors.js'
import type { Results } from '../results/document.js'

// Whether an entry without a valid round failed rather than slowed down: most of its failed requests
// were errors, wrong statuses or wrong bodies, not timeouts (which count among its errors).
function failedNotSlow(results: Results, key: string): boolean {
  const rounds = results.entries.find((e) => e.key === key)?.rounds ?? []
  let failed = 0
  let timeouts = 0
  for (const r of rounds) {
    failed += r.errors + r.unexpectedStatus + r.bodyMismatches
    timeouts += r.timeouts
  }
  return timeouts * 2 < failed || failed === 0
}

/** The code for a run's absolute violations: 1 for anything slower, else 3 when only a failing app broke them, else 0. */
export function exitForViolations(violations: readonly Violation[], results: Results): number {
  const failing = violations.filter((v) => v.severity === 'fail')
  if (failing.length === 0) return EXIT.ok
  const broken = failing.every((v) => v.noValidRound !== undefined && failedNotSlow(results, v.entry))
  return broken ? EXIT.appFailed : EXIT.gateFailed
}

/** The code for a comparison with the head's results: as {@link exitForViolations}, regressions counting as slower. */
export function exitForComparison(comparison: Pick<Comparison, 'outcome' | 'findings'>, head: Results): number {
  if (comparison.outcome !== 'fail') return EXIT.ok
  const failing = comparison.findings.filter((f) => f.severity === 'fail')
  const broken = failing.every((f) => f.kind === 'unmeasurable' && failedNotSlow(head, f.entry))
  return failing.length > 0 && broken ? EXIT.appFailed : EXIT.gateFailed
}
