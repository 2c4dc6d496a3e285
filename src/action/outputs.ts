// Step outputs that cannot stop the publishing. `core.setOutput` throws when GITHUB_OUTPUT names a
// file that is missing or unwritable; if that ended the run, the report, the comment and the artifact
// of a run that measured everything would be lost. So a failed output is remembered and reported
// once, publishing goes on, and the step fails at the very end.
import * as core from '@actions/core'
import { EnvironmentError, errorMessage } from '../errors.js'

/** Sets outputs, remembering the first failure instead of throwing it. */
export class StepOutputs {
  private failed: { readonly name: string; readonly reason: string } | undefined

  /** Sets one output; a failure becomes a warning (the first only) and is kept for `check()`. */
  set(name: string, value: string): void {
    try {
      core.setOutput(name, value)
    } catch (error) {
      if (this.failed !== undefined) return
      this.failed = { name, reason: errorMessage(error) }
      core.warning(
        `Cannonade could not set the step output '${name}' (${this.failed.reason}); the report, comment and artifact are still published.`,
      )
    }
  }

  /** Throws when an output could not be set, so the step fails although everything else was published. */
  check(): void {
    if (this.failed === undefined) return
    const file = process.env['GITHUB_OUTPUT'] ?? '(unset)'
    throw new EnvironmentError(
      `Cannonade could not write its step outputs to GITHUB_OUTPUT (${file}): ${this.failed.reason}. ` +
        'The results were measured and published (report, comment, artifact); later steps that read the outputs would not see them.',
    )
  }
}
