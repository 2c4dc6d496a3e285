// What users install: the packed package holds the self-contained bundles and pulls no other package.
import { execFileSync } from 'node:child_process'
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
  }, 60_000)
})
