// The app's log, kept to a size that fits an artifact. The app writes straight into the file while it
// runs (no pipe for Cannonade to drain while it measures, and no back-pressure on a chatty app), and
// the file is cut once the app has stopped: the head shows how it started, the tail how it ended.
import { open, readFile, rename, writeFile } from 'node:fs/promises'
import { maskSecrets } from './environment.js'

/** Bytes kept from the start of the log. */
export const LOG_HEAD_BYTES = 1024 * 1024
/** Bytes kept from the end of the log. */
export const LOG_TAIL_BYTES = 4 * 1024 * 1024

async function readAt(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(length)
    const { bytesRead } = await handle.read(buffer, 0, length, position)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** Size of a file in bytes; 0 when it cannot be read. */
async function sizeOf(file: string): Promise<number> {
  try {
    const handle = await open(file, 'r')
    try {
      return (await handle.stat()).size
    } finally {
      await handle.close()
    }
  } catch {
    return 0
  }
}

/**
 * Cuts a log longer than head + tail down to its first `headBytes`, one line saying how many bytes
 * were dropped, and its last `tailBytes`, both ends trimmed to whole lines. Returns the number of
 * bytes dropped (0 when the log was short enough or cannot be read). The new file replaces the old
 * one by rename, so a process still writing to the old one cannot corrupt it.
 */
export async function capLog(file: string, headBytes = LOG_HEAD_BYTES, tailBytes = LOG_TAIL_BYTES): Promise<number> {
  const size = await sizeOf(file)
  if (size <= headBytes + tailBytes) return 0
  let head = await readAt(file, 0, headBytes)
  let tail = await readAt(file, size - tailBytes, tailBytes)
  // Whole lines at both cuts, unless a line is longer than what is kept of it.
  const lastNewline = head.lastIndexOf(0x0a)
  if (lastNewline >= 0) head = head.subarray(0, lastNewline + 1)
  const firstNewline = tail.indexOf(0x0a)
  if (firstNewline >= 0 && firstNewline < tail.length - 1) tail = tail.subarray(firstNewline + 1)
  const dropped = size - head.length - tail.length
  const separator = head.length > 0 && head[head.length - 1] !== 0x0a ? '\n' : ''
  const note = `${separator}[cannonade: ${dropped} bytes of the app's output dropped here; app.log keeps the first ${headBytes} and the last ${tailBytes} bytes]\n`
  const capped = `${file}.capped`
  const handle = await open(capped, 'w')
  try {
    await handle.writev([head, Buffer.from(note), tail])
  } finally {
    await handle.close()
  }
  await rename(capped, file)
  return dropped
}

/** The last `lines` lines of a log, reading only its end; empty when it cannot be read. */
export async function tailOf(file: string, lines = 20): Promise<string> {
  try {
    const size = await sizeOf(file)
    const window = Math.min(size, 64 * 1024)
    const text = (await readAt(file, size - window, window)).toString('utf8')
    return text.trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

/**
 * Masks secrets in a stopped app's log (at most head + tail bytes once capped), replacing the file by
 * rename only when something was masked.
 */
export async function maskLog(file: string, secrets: readonly string[]): Promise<void> {
  if (secrets.length === 0) return
  const text = await readFile(file, 'utf8')
  const masked = maskSecrets(text, secrets)
  if (masked === text) return
  const next = `${file}.masked`
  await writeFile(next, masked)
  await rename(next, file)
}
