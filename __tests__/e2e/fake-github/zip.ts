// Zip archives as GitHub's artifact storage holds them: written for planted artifacts, read back to
// check what a client uploaded. Deflate or store, UTF-8 names, no zip64.
import zlib from 'node:zlib'
import { promisify } from 'node:util'

const deflateRaw = promisify(zlib.deflateRaw)
const inflateRaw = promisify(zlib.inflateRaw)

const SIG_LOCAL = 0x04034b50
const SIG_CENTRAL = 0x02014b50
const SIG_END = 0x06054b50
const FLAG_UTF8 = 0x0800
const METHOD_STORE = 0
const METHOD_DEFLATE = 8

function dosDateTime(date: Date): { time: number; date: number } {
  // DOS timestamps cannot express years before 1980.
  const year = Math.max(date.getFullYear(), 1980)
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  }
}

/**
 * Builds a zip archive (deflate, or store when deflate would not shrink the entry)
 * without data descriptors, so both streaming readers (unzip-stream, used by
 * `@actions/artifact` downloads) and central-directory readers accept it.
 */
export async function createZip(files: Record<string, string | Buffer>): Promise<Buffer> {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  const stamp = dosDateTime(new Date())
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
    const nameBytes = Buffer.from(name, 'utf8')
    const deflated = await deflateRaw(data)
    const useDeflate = deflated.length < data.length
    const stored = useDeflate ? deflated : data
    const method = useDeflate ? METHOD_DEFLATE : METHOD_STORE
    const crc = zlib.crc32(data)

    const local = Buffer.alloc(30)
    local.writeUInt32LE(SIG_LOCAL, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(FLAG_UTF8, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt16LE(stamp.time, 10)
    local.writeUInt16LE(stamp.date, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(stored.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    local.writeUInt16LE(0, 28)
    locals.push(local, nameBytes, stored)

    const central = Buffer.alloc(46)
    central.writeUInt32LE(SIG_CENTRAL, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, so external attrs carry a mode
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(FLAG_UTF8, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt16LE(stamp.time, 12)
    central.writeUInt16LE(stamp.date, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(stored.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt16LE(0, 30)
    central.writeUInt16LE(0, 32)
    central.writeUInt16LE(0, 34)
    central.writeUInt16LE(0, 36)
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, nameBytes)

    offset += local.length + nameBytes.length + stored.length
  }
  const centralDir = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(SIG_END, 0)
  const count = Object.keys(files).length
  end.writeUInt16LE(count, 8)
  end.writeUInt16LE(count, 10)
  end.writeUInt32LE(centralDir.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, centralDir, end])
}

/**
 * Reads every file entry of a zip via its central directory. The central directory
 * is authoritative because archiver (used by uploads) streams entries with data
 * descriptors, leaving sizes in the local headers zeroed. Rejects on anything
 * malformed, including CRC mismatches, so a corrupt artifact cannot pass silently.
 */
export async function extractZip(zip: Buffer): Promise<Record<string, Buffer>> {
  let endAt = -1
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === SIG_END) {
      endAt = i
      break
    }
  }
  if (endAt < 0) throw new Error('not a zip: end of central directory record not found')
  const count = zip.readUInt16LE(endAt + 10)
  const centralOffset = zip.readUInt32LE(endAt + 16)
  if (count === 0xffff || centralOffset === 0xffffffff) throw new Error('zip64 archives are not supported')

  const out: Record<string, Buffer> = {}
  let at = centralOffset
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== SIG_CENTRAL) {
      throw new Error(`corrupt zip: bad central directory entry ${n}`)
    }
    const method = zip.readUInt16LE(at + 10)
    const crc = zip.readUInt32LE(at + 16)
    const compressedSize = zip.readUInt32LE(at + 20)
    const size = zip.readUInt32LE(at + 24)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const localOffset = zip.readUInt32LE(at + 42)
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8')
    at += 46 + nameLength + extraLength + commentLength

    if (name.endsWith('/')) continue
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== SIG_LOCAL) {
      throw new Error(`corrupt zip: bad local header for ${name}`)
    }
    // Local name/extra lengths may differ from the central copy, so they are re-read.
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28)
    const raw = zip.subarray(dataStart, dataStart + compressedSize)
    if (raw.length !== compressedSize) throw new Error(`corrupt zip: ${name} is truncated`)
    let data: Buffer
    if (method === METHOD_STORE) data = Buffer.from(raw)
    else if (method === METHOD_DEFLATE) data = await inflateRaw(raw)
    else throw new Error(`unsupported zip compression method ${method} for ${name}`)
    if (data.length !== size || zlib.crc32(data) !== crc) throw new Error(`corrupt zip: checksum mismatch for ${name}`)
    out[name] = data
  }
  return out
}
