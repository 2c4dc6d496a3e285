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

/** The text of comment.json. */
export function handoffText(handoff: Handoff): string {
  return `${JSON.stringify(handoff, null, 2)}\n`
}

/** Writes comment.json. */
export async function writeHandoff(file: string, handoff: Handoff): Promise<void> {
  await writeFile(file, handoffText(handoff))
}

/**
 * Reads comment.json, rejecting anything but a well-formed hand-off; `source` names it in messages
 * (default: its path). The pull request must be a number GitHub could have given, since it goes into
 * a URL: `1e308` would reach GitHub as `1e+308` and come back a puzzling 404.
 */
export async function readHandoff(file: string, source = file): Promise<Handoff> {
  const data: unknown = JSON.parse(await readFile(file, 'utf8'))
  if (typeof data !== 'object' || data === null) throw new Error(`${source}: not an object`)
  const pullRequest = 'pullRequest' in data ? data.pullRequest : undefined
  const headSha = 'headSha' in data ? data.headSha : undefined
  if (typeof pullRequest !== 'number' || !Number.isSafeInteger(pullRequest) || pullRequest < 1 || pullRequest > MAX_PULL_REQUEST) {
    throw new Error(
      `${source}: bad pullRequest: expected a pull request number from 1 to ${MAX_PULL_REQUEST}, got ${String(JSON.stringify(pullRequest))}`,
    )
  }
  if (typeof headSha !== 'string' || !/^[0-9a-f]{7,64}$/i.test(headSha)) throw new Error(`${source}: bad headSha`)
  return { pullRequest, headSha }
}

/** The largest issue number GitHub stores (a signed 32-bit integer). */
export const MAX_PULL_REQUEST = 2 ** 31 - 1
