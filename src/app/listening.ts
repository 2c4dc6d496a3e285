// Where a started app does listen, read from the kernel's socket tables, so that an app that never
// got ready on the port Cannonade waits at can be told where it went instead (a port written in its
// command, a default it fell back to). Linux only; elsewhere nothing is found and nothing is said.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { groupPids } from './monitor.js'

// The state column of /proc/net/tcp{,6}: 0A is TCP_LISTEN.
const LISTEN = '0A'

/** The inodes of the sockets any thread of the process holds open. */
function socketInodes(pid: string, into: Set<string>): void {
  let tasks: string[]
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    return
  }
  // Threads share their file table, but a main thread that has ended (a zombie) shows none: ask each.
  for (const tid of tasks) {
    let fds: string[]
    try {
      fds = readdirSync(`/proc/${pid}/task/${tid}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/task/${tid}/fd/${fd}`)
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1]
        if (inode !== undefined) into.add(inode)
      } catch {
        // closed meanwhile
      }
    }
    if (fds.length > 0) return
  }
}

/** `0100007F` (little-endian, as the kernel prints it) → `127.0.0.1`; 32 digits → an IPv6 address in brackets. */
export function hexAddress(hex: string): string {
  const bytes: number[] = []
  // Each 32-bit word is printed in host order (little-endian on every platform Node runs this on).
  for (let word = 0; word < hex.length; word += 8) {
    const chunk = hex.slice(word, word + 8)
    for (let i = 6; i >= 0; i -= 2) bytes.push(parseInt(chunk.slice(i, i + 2), 16))
  }
  if (bytes.length === 4) return bytes.join('.')
  const groups: string[] = []
  for (let i = 0; i < bytes.length; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16))
  // The URL parser writes an IPv6 address in its shortest form ([::1], [::]).
  return new URL(`http://[${groups.join(':')}]/`).hostname
}

/**
 * The listening sockets in a /proc/net/tcp or tcp6 table whose inode is one of `inodes`, as
 * `host:port` (`127.0.0.1:8101`, `[::]:8101`).
 */
export function listeningIn(table: string, inodes: ReadonlySet<string>): string[] {
  const found: string[] = []
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/)
    const [local, state, inode] = [fields[1], fields[3], fields[9]]
    if (local === undefined || state !== LISTEN || inode === undefined || !inodes.has(inode)) continue
    const [address, port] = local.split(':')
    if (address === undefined || port === undefined) continue
    found.push(`${hexAddress(address)}:${parseInt(port, 16)}`)
  }
  return found
}

/** The TCP addresses the processes of a group listen on, e.g. `['127.0.0.1:8101']`; empty when none or not Linux. */
export function groupListening(pgid: number): string[] {
  if (process.platform !== 'linux') return []
  const inodes = new Set<string>()
  for (const pid of groupPids(pgid)) socketInodes(pid, inodes)
  if (inodes.size === 0) return []
  const found: string[] = []
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      found.push(...listeningIn(readFileSync(table, 'utf8'), inodes))
    } catch {
      // no IPv6 table on a kernel without IPv6
    }
  }
  return [...new Set(found)]
}
