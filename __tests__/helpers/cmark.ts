// GitHub's markdown renderer for the tests that render a comment as github.com would. cmark-gfm is a
// system package (.ci/run installs it where it can, helpers/system-tools.ts); without it those tests skip.
import { spawnSync } from 'node:child_process'
import { awaitSystemTools } from './system-tools.js'

/** Whether cmark-gfm is on the PATH (once .ci/run's install of it has ended). */
export const hasCmark = (awaitSystemTools(), spawnSync('cmark-gfm', ['--version']).status === 0)

/** `markdown` as HTML, rendered by cmark-gfm with the extensions github.com enables. Throws on a failed render. */
export function renderGfm(markdown: string): string {
  const result = spawnSync('cmark-gfm', ['-e', 'table', '-e', 'strikethrough', '-e', 'autolink', '--unsafe'], {
    input: markdown,
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`cmark-gfm failed: ${result.stderr}`)
  return result.stdout
}
