// Unpacking an artifact that may come from untrusted code (a fork's run): only the files asked for,
// only at the top level, each under a size cap, never anything else. A zip holding a 1 GiB log costs
// nothing, because the log is never decompressed.
import { createWriteStream } from 'node:fs'
import path from 'node:path'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { openPromise, type Entry } from 'yauzl'
import { EnvironmentError } from '../errors.js'

/** A file wanted from a zip, and the most it may hold once unpacked. */
export interface WantedFile {
  readonly name: string
  readonly maxBytes: number
}

/** Thrown when a wanted file is larger than its cap: the artifact is refused, not truncated. */
export class ArtifactTooLargeError extends EnvironmentError {
  constructor(message: string) {
    super(message)
    this.name = 'ArtifactTooLargeError'
  }
}

// The declared size is checked first, but a crafted zip can lie about it: count what really comes out.
class ByteLimit extends Transform {
  private seen = 0
  constructor(
    private readonly limit: number,
    private readonly name: string,
  ) {
    super()
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length
    if (this.seen > this.limit) done(new ArtifactTooLargeError(`${this.name} unpacks to more than ${this.limit} bytes`))
    else done(null, chunk)
  }
}

/**
 * Unpacks the wanted files found at the top level of the zip at `zipPath` into `dir`, and returns the
 * names unpacked. Other entries (directories, nested paths, unwanted names) are skipped without
 * being decompressed. A wanted file larger than its cap, or held twice, rejects the whole zip.
 */
export async function extractWanted(zipPath: string, dir: string, wanted: readonly WantedFile[]): Promise<Set<string>> {
  const caps = new Map(wanted.map((w) => [w.name, w.maxBytes]))
  const found = new Set<string>()
  const zip = await openPromise(zipPath, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true })
  try {
    for await (const entry of zip.eachEntry()) {
      const name: string = (entry satisfies Entry).fileName
      const cap = caps.get(name)
      if (cap === undefined) continue
      // Readers differ on which of two same-named entries they take (the first, the last, the
      // central directory's): what Cannonade reads could differ from what a person unzipping it sees.
      if (found.has(name))
        throw new EnvironmentError(`the artifact holds ${name} twice; refusing it, since readers differ on which one counts`)
      if (entry.uncompressedSize > cap) {
        throw new ArtifactTooLargeError(`${name} is ${entry.uncompressedSize} bytes unpacked, more than the ${cap} allowed`)
      }
      const stream = await zip.openReadStreamPromise(entry)
      await pipeline(stream, new ByteLimit(cap, name), createWriteStream(path.join(dir, name), { flags: 'wx' }))
      found.add(name)
    }
  } finally {
    zip.close()
  }
  return found
}
