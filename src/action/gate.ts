// The two decisions publishing makes from a comparison and the inputs, apart from the side effects
// so they can be tested alone: whether to comment, and whether the step fails.
import { gatedAndOpen } from '../compare/compare.js'
import { openSlopes } from '../compare/thresholds.js'
import type { Comparison } from '../compare/types.js'
import type { CommentPolicy, Inputs } from './inputs.js'

/**
 * `post` creates or updates the sticky comment; `update-only` corrects an existing one without
 * starting a new thread (`comment: on-change` on a quiet pull request); `skip` leaves it alone.
 */
export type CommentDecision = 'post' | 'update-only' | 'skip'

/** Whether to comment under `policy` on a pull request that got `comparison`. */
export function shouldComment(policy: CommentPolicy, comparison: Comparison): CommentDecision {
  if (policy === 'never') return 'skip'
  if (policy !== 'on-change') return 'post'
  const notable = comparison.findings.length > 0 || comparison.counts.regressions + comparison.counts.improvements > 0
  // Quiet pull requests get no new comment, but an old one that reported a problem is corrected.
  return notable ? 'post' : 'update-only'
}

/**
 * Gated metrics of a comparison that no verdict decided and that may still regress beyond their
 * tolerance, and soak slopes whose interval reaches both sides of their limit (`open`).
 */
export function undecidedGated(comparison: Pick<Comparison, 'entries'>): number {
  return comparison.entries.reduce((n, e) => n + e.metrics.filter(gatedAndOpen).length + openSlopes(e.slopes).length, 0)
}

/**
 * Whether the step fails: at the `fail-on` outcome or worse; `inconclusive` also when a gated metric
 * is undecided and not clear of its tolerance ({@link gatedAndOpen}), or a soak slope is undecided
 * against its limit; `never` only reports.
 */
export function gateFails(failOn: Inputs['failOn'], comparison: Pick<Comparison, 'outcome' | 'entries'>): boolean {
  if (failOn === 'never') return false
  if (failOn === 'fail') return comparison.outcome === 'fail'
  if (comparison.outcome !== 'pass') return true
  return failOn === 'inconclusive' && undecidedGated(comparison) > 0
}
