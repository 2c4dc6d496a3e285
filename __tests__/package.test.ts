// test-kind: process — npm pack and install, and the installed CLI answering; nothing is measured.
//
// What users install: the packed package holds the self-contained bundles and pulls no other package,
// npm accepts it for publishing, and `npx cannonade` runs it from a project that installed it.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-pack-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })

describe('the packed package', () => {
  it('installs alone, with no dependency, and its CLI works from the bundle', async () => {
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], process.cwd())) as [
      { filename: string; files: { path: string }[] },
    ]
    expect(packed.files.map((f) => f.path).sort()).toEqual([
      'LICENSE',
      'README.md',
      'action.yml',
      'dist/cli.js',
      'dist/index.js',
      'dist/load-worker.js',
      'package.json',
      'src/config/schema.json',
    ])
    const app = path.join(dir, 'app')
    execFileSync('mkdir', [app])
    await writeFile(path.join(app, 'package.json'), '{"name":"app","private":true}')
    npm(['install', '--offline', path.join(dir, packed.filename)], app)
    expect(await readdir(path.join(app, 'node_modules'))).toEqual(['.bin', '.package-lock.json', 'cannonade'])
    const bin = path.join(app, 'node_modules', '.bin', 'cannonade')
    const version = (JSON.parse(await readFile('package.json', 'utf8')) as { version: string }).version
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toContain(version)
    const out = execFileSync(bin, ['validate', '--config', path.resolve('__fixtures__/demo/cannonade.yml')], { encoding: 'utf8' })
    expect(out).toMatch(/^ok/)
    // What `npm i -D cannonade` and then `npx cannonade` in a user's repository run.
    const npx = execFileSync(
      'npx',
      ['--offline', '--no', 'cannonade', 'validate', '--config', path.resolve('__fixtures__/demo/cannonade.yml')],
      {
        cwd: app,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    expect(npx).toMatch(/^ok/)
  }, 60_000)

  it('is publishable: not private, with what a registry page and an installer read', async () => {
    const manifest: unknown = JSON.parse(await readFile('package.json', 'utf8'))
    expect(manifest).not.toHaveProperty('private')
    expect(manifest).toMatchObject({
      name: 'cannonade',
      license: 'MIT',
      bin: { cannonade: 'dist/cli.js' },
      engines: { node: expect.stringMatching(/^>=\d+/) },
      repository: { type: 'git', url: expect.stringContaining('github.com/cannonade/cannonade') },
      keywords: expect.arrayContaining(['github-action', 'performance']),
    })
    // --dry-run packs and checks without uploading anything; npm names every field it had to correct.
    const publish = spawnSync('npm', ['publish', '--dry-run', '--offline', '--json', '--no-audit', '--no-fund'], { encoding: 'utf8' })
    expect(publish.status).toBe(0)
    expect(publish.stderr).not.toMatch(/warn package-json|error/i)
    const report = JSON.parse(publish.stdout) as Record<string, { id: string }>
    expect(Object.values(report).map((r) => r.id)).toEqual([expect.stringMatching(/^cannonade@\d+\.\d+\.\d+$/)])
    // npm links the bin as is: without the shebang it would not run as a command.
    expect((await readFile('dist/cli.js', 'utf8')).startsWith('#!/usr/bin/env node')).toBe(true)
  }, 60_000)
})
