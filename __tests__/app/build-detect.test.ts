// `app.build: auto`: the build inferred from a checkout's lock files and manifests, on real directories.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeInferredBuild, inferBuild, type InferredBuild, type NoInferredBuild } from '../../src/app/build-detect.js'

let root = ''

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'cannonade-detect-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

let count = 0
/** A fresh directory holding `files` (name → text; JSON for objects). */
async function project(files: Record<string, string | object>): Promise<string> {
  const dir = path.join(root, `p${count++}`)
  await mkdir(dir, { recursive: true })
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), typeof text === 'string' ? text : JSON.stringify(text))
  }
  return dir
}

function found(result: InferredBuild | NoInferredBuild): InferredBuild {
  if ('nothing' in result) throw new Error(`expected a build, got: ${result.nothing}`)
  return result
}

const withBuild = { name: 'app', scripts: { build: 'tsc' }, dependencies: { express: '^4' } }

describe('inferring the build from a checkout', () => {
  it('runs npm ci for package-lock.json, then the build script package.json declares', async () => {
    const dir = await project({ 'package.json': withBuild, 'package-lock.json': '{}' })
    const build = found(await inferBuild(dir, dir))
    expect(build.command).toBe('npm ci && npm run build')
    expect(build.dir).toBe(dir)
    expect(describeInferredBuild(build)).toBe(
      'npm ci && npm run build (inferred from package-lock.json and the build script in package.json)',
    )
  })

  it('runs npm ci for npm-shrinkwrap.json, and no build step without a build script', async () => {
    const dir = await project({ 'package.json': { dependencies: { a: '1' } }, 'npm-shrinkwrap.json': '{}' })
    expect(found(await inferBuild(dir, dir)).command).toBe('npm ci')
  })

  it("runs Yarn 1's frozen install for yarn.lock, and Yarn 2+'s immutable one when .yarnrc.yml says Berry", async () => {
    const classic = await project({ 'package.json': withBuild, 'yarn.lock': '' })
    expect(found(await inferBuild(classic, classic)).command).toBe('yarn install --frozen-lockfile && yarn run build')
    const berry = await project({ 'package.json': withBuild, 'yarn.lock': '', '.yarnrc.yml': 'nodeLinker: node-modules\n' })
    expect(found(await inferBuild(berry, berry)).command).toBe('yarn install --immutable && yarn run build')
  })

  it("runs pnpm's frozen install for pnpm-lock.yaml", async () => {
    const dir = await project({ 'package.json': withBuild, 'pnpm-lock.yaml': '' })
    expect(found(await inferBuild(dir, dir)).command).toBe('pnpm install --frozen-lockfile && pnpm run build')
  })

  it('installs requirements.txt into a virtual environment in the checkout, first on the app’s PATH', async () => {
    const dir = await project({ 'requirements.txt': 'fastapi\n', 'pyproject.toml': '[project]\nname = "x"\n' })
    const build = found(await inferBuild(dir, dir))
    expect(build.command).toBe(
      'python3 -m venv .cannonade-venv && .cannonade-venv/bin/python -m pip install --disable-pip-version-check -r requirements.txt',
    )
    expect(build.pathFirst).toBe(path.join(dir, '.cannonade-venv', 'bin'))
    expect(build.env).toEqual({ VIRTUAL_ENV: path.join(dir, '.cannonade-venv') })
    expect(build.from).toBe('requirements.txt')
  })

  it('installs the project with pip install . when pyproject.toml is alone', async () => {
    const dir = await project({ 'pyproject.toml': '[project]\nname = "x"\n' })
    expect(found(await inferBuild(dir, dir)).command).toMatch(/ -m pip install --disable-pip-version-check \.$/)
  })

  it('builds every package for go.mod', async () => {
    const dir = await project({ 'go.mod': 'module example.test/app\n' })
    const build = found(await inferBuild(dir, dir))
    expect(build.command).toBe('go build ./...')
    expect(build.env).toEqual({})
    expect(build.pathFirst).toBeUndefined()
  })

  it('runs each ecosystem’s steps when one directory holds several', async () => {
    const dir = await project({ 'package.json': withBuild, 'package-lock.json': '{}', 'go.mod': 'module x\n' })
    const build = found(await inferBuild(dir, dir))
    expect(build.command).toBe('npm ci && npm run build && go build ./...')
    expect(build.from).toBe('package-lock.json, the build script in package.json and go.mod')
  })

  it('finds nothing in a directory without lock files or manifests, and says what it looked for', async () => {
    const dir = await project({ 'server.mjs': 'export {}\n', 'README.md': '# app\n' })
    const result = await inferBuild(dir, dir)
    expect(result).toEqual({
      nothing:
        "no lock file or manifest in the repository's root (looked for npm-shrinkwrap.json, package-lock.json, yarn.lock, pnpm-lock.yaml, package.json, requirements.txt, pyproject.toml, go.mod)",
    })
  })

  it('looks up from the app’s directory to the repository’s root, and builds where the lock file is', async () => {
    const repo = await project({ 'package.json': withBuild, 'package-lock.json': '{}', 'services/api/server.mjs': '' })
    const build = found(await inferBuild(path.join(repo, 'services', 'api'), repo))
    expect(build.dir).toBe(repo)
    expect(build.command).toBe('npm ci && npm run build')
    // The nearest directory with a manifest wins: a service with its own go.mod builds alone.
    const mono = await project({ 'package-lock.json': '{}', 'svc/go.mod': 'module svc\n' })
    expect(found(await inferBuild(path.join(mono, 'svc'), mono))).toMatchObject({ dir: path.join(mono, 'svc'), command: 'go build ./...' })
  })

  it('never looks above the repository’s root', async () => {
    const outer = await project({ 'package-lock.json': '{}', 'repo/app/server.mjs': '' })
    const result = await inferBuild(path.join(outer, 'repo', 'app'), path.join(outer, 'repo'))
    expect('nothing' in result && result.nothing).toMatch(/^no lock file or manifest in app or a directory above it in the repository \(/)
  })

  describe('with two lock files', () => {
    it("follows package.json's packageManager", async () => {
      const dir = await project({
        'package.json': { ...withBuild, packageManager: 'pnpm@9.1.0' },
        'package-lock.json': '{}',
        'pnpm-lock.yaml': '',
      })
      const build = found(await inferBuild(dir, dir))
      expect(build.command).toBe('pnpm install --frozen-lockfile && pnpm run build')
      expect(describeInferredBuild(build)).toBe(
        'pnpm install --frozen-lockfile && pnpm run build (inferred from pnpm-lock.yaml (packageManager: pnpm) and the build script in package.json; package-lock.json left out, set app.build to choose)',
      )
    })

    it('takes npm’s without packageManager, and names the one it left out', async () => {
      const dir = await project({ 'package.json': withBuild, 'package-lock.json': '{}', 'yarn.lock': '' })
      const build = found(await inferBuild(dir, dir))
      expect(build.command).toBe('npm ci && npm run build')
      expect(build.ignored).toEqual(['yarn.lock'])
      expect(describeInferredBuild(build)).toContain('; yarn.lock left out, set app.build to choose)')
    })

    it('reads Yarn 2+ from packageManager', async () => {
      const dir = await project({ 'package.json': { packageManager: 'yarn@4.1.0' }, 'package-lock.json': '{}', 'yarn.lock': '' })
      expect(found(await inferBuild(dir, dir)).command).toBe('yarn install --immutable')
    })
  })

  describe('a package.json without a lock file', () => {
    it('installs with npm install when it declares dependencies', async () => {
      const dir = await project({ 'package.json': withBuild })
      expect(found(await inferBuild(dir, dir)).command).toBe('npm install && npm run build')
    })

    it('is a Node project that needs no build when it declares nothing to install or build', async () => {
      const dir = await project({ 'package.json': { name: 'tiny', type: 'module' } })
      const build = found(await inferBuild(dir, dir))
      expect(build.command).toBe('')
      expect(describeInferredBuild(build)).toBe('nothing to build (inferred from package.json (nothing to install or build))')
    })

    it('still counts when it does not parse: the install says what is wrong', async () => {
      const dir = await project({ 'package.json': '{ not json', 'package-lock.json': '{}' })
      expect(found(await inferBuild(dir, dir)).command).toBe('npm ci')
    })
  })
})
