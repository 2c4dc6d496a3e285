// The one identity that tests and benches commit as in throwaway repositories: git refuses to commit
// without one, and a runner or a fresh container may have none configured.
import { execFileSync } from 'node:child_process'

/** Author and committer as git's environment variables, for git run here or by a script under test. */
export const GIT_IDENTITY: Readonly<Record<string, string>> = {
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
}

/** Runs git in `repo` as GIT_IDENTITY, returning its trimmed output. */
export function gitIn(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY } }).trim()
}
