// What a run leaves in its artifact for a later `mode: comment` run (the fork-safe path): which pull
// request its results are for. The comment run trusts none of it blindly.
import { readFile, writeFile } from 'node:fs/promises'

/** File name inside the artifact. */
export const HANDOFF_FILE = 'comment.json'

/** Contents of comment.json. */
export interface Handoff {
  readonly pullRequest: number
  readonly headSha: string
}

/** Writes comment.json. */
export async function writeHandoff(file: string, handoff: Handoff): Promise<void> {
  await writeFile(file, `${JSON.stringify(handoff, null, 2)}\n`)
}

/** Reads comment.json, rejecting anything but a well-formed hand-off. */
export async function readHandoff(file: string): Promise<Handoff> {
  const data: unknown = JSON.parse(await readFile(file, 'utf8'))
  if (typeof data !== 'object' || data === null) throw new Error(`${file}: not an object`)
  const pullRequest = 'pullRequest' in data ? data.pullRequest : undefined
  const headSha = 'headSha' in data ? data.headSha : undefined
  if (typeof pullRequest !== 'number' || !Number.isInteger(pullRequest) || pullRequest < 1) throw new Error(`${file}: bad pullRequest`)
  if (typeof headSha !== 'string' || !/^[0-9a-f]{7,64}$/i.test(headSha)) throw new Error(`${file}: bad headSha`)
  return { pullRequest, headSha }
}
