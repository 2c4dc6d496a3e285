// What a run leaves in its artifact for a later `mode: comment` run (the fork-safe path): which pull
// request the report is for, and the comment's marker. The comment run trusts none of it blindly.
import { readFile, writeFile } from 'node:fs/promises'

/** File name inside the artifact. */
export const HANDOFF_FILE = 'comment.json'

/** Contents of comment.json. */
export interface Handoff {
  readonly pullRequest: number
  readonly headSha: string
  readonly marker: string
}

const MARKER = /^<!-- cannonade:[A-Za-z0-9._-]{1,64} -->$/

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
  const marker = 'marker' in data ? data.marker : undefined
  if (typeof pullRequest !== 'number' || !Number.isInteger(pullRequest) || pullRequest < 1) throw new Error(`${file}: bad pullRequest`)
  if (typeof headSha !== 'string' || !/^[0-9a-f]{7,64}$/i.test(headSha)) throw new Error(`${file}: bad headSha`)
  if (typeof marker !== 'string' || !MARKER.test(marker)) throw new Error(`${file}: bad marker`)
  return { pullRequest, headSha, marker }
}
