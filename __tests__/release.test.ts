// test-kind: process — the release script on a throwaway clone: versions, tags and dist; nothing is measured.
//
// The release script, run on a throwaway clone: version set, dist rebuilt with it, vX.Y.Z tagged and
// the major tag moved, which is what `uses: cannonade/cannonade@v1` resolves.
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GIT_IDENTITY } from '../__fixtures__/git.js'
import { release } from '../scripts/release.js'

let root = ''
let clone = ''
const git = (...args: string[]): string => execFileSync('git', args, { cwd: clone, encoding: 'utf8' }).trim()

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'cannonade-release-'))
  clone = path.join(root, 'repo')
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', process.cwd(), clone])
  // The clone builds with this checkout's installed packages and its own (current) sources.
  for (const dir of ['src', 'build.mjs', 'package.json', 'package-lock.json']) {
    execFileSync('cp', ['-R', path.resolve(dir), clone])
  }
  await symlink(path.resolve('node_modules'), path.join(clone, 'node_modules'))
  await writeFile(path.join(clone, '.git', 'info', 'exclude'), 'node_modules\n')
  // The release script commits and tags with git in this process: it needs the identity in its env.
  Object.assign(process.env, GIT_IDENTITY)
  git('add', '-A')
  git('commit', '--quiet', '--allow-empty', '-m', 'current sources')
}, 60_000)
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('npm run release', () => {
  it('sets the version, rebuilds dist with it, tags vX.Y.Z and points the major tag at it', async () => {
    const done = release(clone, '7.1.0')
    expect(done).toMatchObject({ tag: 'v7.1.0', majorTag: 'v7' })
    expect(JSON.parse(await readFile(path.join(clone, 'package.json'), 'utf8')).version).toBe('7.1.0')
    expect(execFileSync(process.execPath, [path.join(clone, 'dist/cli.js'), '--version'], { encoding: 'utf8' }).trim()).toContain('7.1.0')
    expect(git('rev-parse', 'v7.1.0^{commit}')).toBe(done.commit)
    expect(git('rev-parse', 'v7^{commit}')).toBe(done.commit)
    expect(git('status', '--porcelain')).toBe('')
    expect(done.pushCommands).toEqual(['git push origin HEAD v7.1.0', 'git push --force origin v7'])
  }, 60_000)

  it('moves the major tag on the next release and keeps the old version tag', () => {
    const first = git('rev-parse', 'v7.1.0^{commit}')
    const done = release(clone, 'v7.1.1')
    expect(git('rev-parse', 'v7^{commit}')).toBe(done.commit)
    expect(git('rev-parse', 'v7.1.0^{commit}')).toBe(first)
    expect(done.commit).not.toBe(first)
  }, 60_000)

  it('refuses a malformed or older version, an existing tag and a dirty tree, changing nothing', async () => {
    const head = git('rev-parse', 'HEAD')
    expect(() => release(clone, '8')).toThrow(/expected MAJOR\.MINOR\.PATCH/)
    expect(() => release(clone, '7.0.9')).toThrow(/not newer than package\.json's 7\.1\.1/)
    git('tag', 'v7.2.0')
    expect(() => release(clone, '7.2.0')).toThrow(/tag v7\.2\.0 already exists/)
    await writeFile(path.join(clone, 'README.md'), 'edited')
    expect(() => release(clone, '7.3.0')).toThrow(/uncommitted changes/)
    expect(git('rev-parse', 'HEAD')).toBe(head)
  })
})
