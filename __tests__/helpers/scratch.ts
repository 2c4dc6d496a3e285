// A test file's scratch folder: made before its first case, removed with all it holds after its last.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll } from 'vitest'

/**
 * Registers the calling file's scratch folder, `cannonade-<name>-XXXXXX` in the system's temp
 * folder, and returns a function that gives its path (from a hook or a case, once beforeAll has run).
 */
export function scratchDir(name: string): () => string {
  let dir: string | undefined
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), `cannonade-${name}-`))
  })
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })
  return () => {
    if (dir === undefined) throw new Error(`the scratch folder "${name}" is made in beforeAll: read it from a hook or a case`)
    return dir
  }
}
