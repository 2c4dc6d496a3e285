// Cuts a release: sets the version, rebuilds dist/ (the bundle carries the version string), commits,
// tags vX.Y.Z and moves the major tag vX to it, which is what `uses: cannonade/cannonade@v1` follows.
// `npm run release -- 1.2.0` does it locally and prints the push commands; `--push` also pushes.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

/** Thrown for anything that makes the release unsafe; the repository is left as it was. */
export class ReleaseError extends Error {}

type Version = readonly [number, number, number]

function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(text.trim())
  return match === null ? undefined : [Number(match[1]), Number(match[2]), Number(match[3])]
}

function newer(a: Version, b: Version): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) > (b[i] ?? 0)
  return false
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}

/** What a release did: the tags it wrote and the commands that publish them. */
export interface Released {
  readonly tag: string
  readonly majorTag: string
  readonly commit: string
  readonly pushCommands: readonly string[]
}

/**
 * Releases `requested` (`1.2.0` or `v1.2.0`) from the clean work tree at `cwd`. Refuses a malformed
 * version, one not newer than package.json's, a tag that exists, and uncommitted changes.
 */
export function release(cwd: string, requested: string, options: { push?: boolean; remote?: string } = {}): Released {
  const version = parseVersion(requested)
  if (version === undefined) throw new ReleaseError(`version: expected MAJOR.MINOR.PATCH such as 1.2.0, got "${requested}"`)
  const current = parseVersion(String((JSON.parse(readFileSync(`${cwd}/package.json`, 'utf8')) as { version?: unknown }).version))
  if (current !== undefined && !newer(version, current)) {
    throw new ReleaseError(`version: ${version.join('.')} is not newer than package.json's ${current.join('.')}`)
  }
  const text = version.join('.')
  const tag = `v${text}`
  const majorTag = `v${version[0]}`
  if (git(cwd, 'status', '--porcelain') !== '') throw new ReleaseError('the work tree has uncommitted changes; commit or stash them first')
  if (git(cwd, 'tag', '--list', tag) !== '') throw new ReleaseError(`tag ${tag} already exists`)

  execFileSync('npm', ['version', text, '--no-git-tag-version', '--allow-same-version'], { cwd, stdio: 'ignore' })
  execFileSync('npm', ['run', '--silent', 'build'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  git(cwd, 'add', 'package.json', 'package-lock.json', 'dist')
  git(cwd, 'commit', '--quiet', '-m', `Release ${tag}`)
  git(cwd, 'tag', '-a', tag, '-m', `Cannonade ${tag}`)
  // The major tag moves with every release of that major version; users pinning @v1 get the newest 1.x.
  git(cwd, 'tag', '-f', '-a', majorTag, '-m', `Cannonade ${majorTag} (${tag})`)
  const remote = options.remote ?? 'origin'
  const pushCommands = [`git push ${remote} HEAD ${tag}`, `git push --force ${remote} ${majorTag}`]
  if (options.push === true) {
    git(cwd, 'push', remote, 'HEAD', tag)
    git(cwd, 'push', '--force', remote, majorTag)
  }
  return { tag, majorTag, commit: git(cwd, 'rev-parse', 'HEAD'), pushCommands }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  const requested = args.find((a) => !a.startsWith('--'))
  try {
    if (requested === undefined) throw new ReleaseError('usage: npm run release -- MAJOR.MINOR.PATCH [--push]')
    const done = release(process.cwd(), requested, { push: args.includes('--push') })
    console.log(`released ${done.tag} at ${done.commit.slice(0, 7)}; ${done.majorTag} now points to it`)
    if (!args.includes('--push')) console.log(`publish with:\n  ${done.pushCommands.join('\n  ')}`)
  } catch (error) {
    console.error(`release: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 2
  }
}
