// The two decisions publishing makes from a comparison and the inputs, apart from the side effects
// so they can be tested alone: whether to comment, and whether the step fails.
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

/** Whether the step fails: at the `fail-on` outcome or worse; `never` only reports. */
export function gateFails(failOn: Inputs['failOn'], comparison: Pick<Comparison, 'outcome'>): boolean {
  if (failOn === 'fail') return comparison.outcome === 'fail'
  return failOn === 'warn' && comparison.outcome !== 'pass'
}
