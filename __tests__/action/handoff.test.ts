// comment.json comes from a fork's run: the comment run reads it as untrusted input.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readHandoff, writeHandoff } from '../../src/action/handoff.js'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-handoff-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function planted(text: string): Promise<string> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`)
  await writeFile(file, text)
  return file
}

describe('the hand-off to a comment run', () => {
  it('reads back what a run wrote', async () => {
    const file = path.join(dir, 'comment.json')
    await writeHandoff(file, { pullRequest: 42, headSha: 'ABCDEF0123456789abcdef0123456789abcdef01' })
    await expect(readHandoff(file)).resolves.toEqual({ pullRequest: 42, headSha: 'ABCDEF0123456789abcdef0123456789abcdef01' })
  })

  it.each([
    ['[]', 'bad pullRequest'],
    ['null', 'not an object'],
    ['"42"', 'not an object'],
    ['{"headSha": "abcdef0"}', 'bad pullRequest'],
    ['{"pullRequest": "42", "headSha": "abcdef0"}', 'bad pullRequest'],
    ['{"pullRequest": 0, "headSha": "abcdef0"}', 'bad pullRequest'],
    ['{"pullRequest": 4.5, "headSha": "abcdef0"}', 'bad pullRequest'],
    ['{"pullRequest": 1e308, "headSha": "abcdef0"}', 'bad pullRequest: expected a pull request number from 1 to 2147483647, got 1e+308'],
    ['{"pullRequest": 9007199254740993, "headSha": "abcdef0"}', 'bad pullRequest'],
    ['{"pullRequest": 42}', 'bad headSha'],
    ['{"pullRequest": 42, "headSha": "abc"}', 'bad headSha'],
    ['{"pullRequest": 42, "headSha": "main; rm -rf /"}', 'bad headSha'],
    ['{"pullRequest": 42, "headSha": 1234567}', 'bad headSha'],
  ])('refuses %s, naming the file', async (text, problem) => {
    const file = await planted(text)
    await expect(readHandoff(file)).rejects.toThrow(`${file}: ${problem}`)
  })

  it('refuses a file that is not JSON', async () => {
    await expect(readHandoff(await planted('{"pullRequest": 4'))).rejects.toThrow(SyntaxError)
  })
})
