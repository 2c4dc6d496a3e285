// A real git repository holding the demo app, for the tests that measure one commit beside another
// (baseline: same-job, run --against): a base commit, then one that makes /cpu 2.5 times as expensive.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { gitIn } from './git.js'

/** Runs git in `repo` as the tests' fixed identity (__fixtures__/git.ts). */
export { gitIn }

/**
 * Creates the repository in `repo` (an empty directory): `app/server.mjs` and the given files
 * (e.g. `cannonade.yml`) committed as the base, then the slower commit. Returns the base's sha.
 */
export async function createDemoRepo(repo: string, files: Record<string, string>): Promise<string> {
  await mkdir(path.join(repo, 'app'), { recursive: true })
  const server = path.join(repo, 'app', 'server.mjs')
  await copyFile(path.resolve('__fixtures__/demo/server.mjs'), server)
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(repo, name), text)
  gitIn(repo, 'init', '-q', '-b', 'main')
  gitIn(repo, 'add', '.')
  gitIn(repo, 'commit', '-q', '-m', 'base')
  const baseSha = gitIn(repo, 'rev-parse', 'HEAD')
  await writeFile(
    server,
    (await readFile(server, 'utf8')).replace("process.env.DEMO_SLOWDOWN ?? '0'", "process.env.DEMO_SLOWDOWN ?? '150'"),
  )
  gitIn(repo, 'commit', '-q', '-am', 'slower')
  return baseSha
}
