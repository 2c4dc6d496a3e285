import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { extractWanted } from '../../src/github/extract-zip.js'
import { createZip } from '../e2e/fake-github.js'
import { zipWithTwice } from '../helpers/zip-twice.js'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-unzip-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function zipOf(files: Record<string, string | Buffer>): Promise<string> {
  const file = path.join(dir, 'a.zip')
  await writeFile(file, await createZip(files))
  return file
}

describe('unpacking an untrusted artifact', () => {
  it('unpacks only the wanted top-level files and says which it found', async () => {
    const zip = await zipOf({ 'results.json': '{"a":1}', 'app.log': 'x'.repeat(10_000), 'nested/results.json': 'no', 'comment.json': '{}' })
    const out = path.join(dir, 'out')
    await mkdir(out)
    const found = await extractWanted(zip, out, [
      { name: 'results.json', maxBytes: 100 },
      { name: 'base-results.json', maxBytes: 100 },
    ])
    expect([...found]).toEqual(['results.json'])
    expect(await readdir(out)).toEqual(['results.json'])
    expect(await readFile(path.join(out, 'results.json'), 'utf8')).toBe('{"a":1}')
  })

  it('refuses a wanted file larger than its cap, before decompressing it', async () => {
    const zip = await zipOf({ 'results.json': Buffer.alloc(50 * 1024 * 1024, 0x20) })
    const out = path.join(dir, 'out')
    await mkdir(out)
    await expect(extractWanted(zip, out, [{ name: 'results.json', maxBytes: 1024 * 1024 }])).rejects.toThrow(
      'results.json is 52428800 bytes unpacked, more than the 1048576 allowed',
    )
    expect(await readdir(out)).toEqual([])
  })

  it('refuses a zip holding a wanted file twice, and never writes outside the directory', async () => {
    const file = path.join(dir, 'a.zip')
    await writeFile(file, await zipWithTwice('results.json', 'first', 'second'))
    const out = path.join(dir, 'out')
    await mkdir(out)
    await expect(extractWanted(file, out, [{ name: 'results.json', maxBytes: 100 }])).rejects.toThrow(
      'the artifact holds results.json twice; refusing it, since readers differ on which one counts',
    )
    expect(await readdir(dir)).toEqual(['a.zip', 'out'])
  })

  it('skips an entry whose name only resembles a wanted one', async () => {
    const zip = await zipOf({ 'results.json': 'first', './results.json': 'second' })
    const out = path.join(dir, 'out')
    await mkdir(out)
    await extractWanted(zip, out, [{ name: 'results.json', maxBytes: 100 }])
    expect(await readFile(path.join(out, 'results.json'), 'utf8')).toBe('first')
  })

  it('rejects a path that climbs out of the directory as a corrupt zip', async () => {
    const zip = await zipOf({ '../results.json': 'evil' })
    const out = path.join(dir, 'out')
    await mkdir(out)
    await expect(extractWanted(zip, out, [{ name: 'results.json', maxBytes: 100 }])).rejects.toThrow(/invalid relative path/)
    expect(await readdir(dir)).toEqual(['a.zip', 'out'])
  })
})
