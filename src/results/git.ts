import { execFileSync } from 'node:child_process'

/** The commit being measured: from the Actions environment, else from git in `cwd`, else nothing. */
export function gitInfo(cwd: string, env: NodeJS.ProcessEnv = process.env): { sha?: string; ref?: string } {
  const sha = env['GITHUB_SHA'] ?? git(cwd, ['rev-parse', 'HEAD'])
  const ref = env['GITHUB_REF'] ?? git(cwd, ['symbolic-ref', '-q', 'HEAD'])
  return { ...(sha === undefined ? {} : { sha }), ...(ref === undefined ? {} : { ref }) }
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    const out = execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    return out === '' ? undefined : out
  } catch {
    return undefined
  }
}
