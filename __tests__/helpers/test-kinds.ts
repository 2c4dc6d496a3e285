// Which test files must run one at a time, read from what each file does. A file that starts a server,
// runs autocannon, spawns a process (the bundle, the CLI, a timing probe) or opens a browser takes the
// CPU the load tests measure with, so those files run serially in a project of their own; every other
// file is pure computation and runs in parallel. Read from the file's text so a new test is classified
// the day it is written, with no list to keep in step.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** What makes a test file serial, each with the text that shows it in the file. */
export const SERIAL_MARKERS: ReadonlyArray<{ readonly does: string; readonly pattern: RegExp }> = [
  { does: 'runs autocannon', pattern: /from 'autocannon'/ },
  { does: 'starts a server', pattern: /createServer\(|\.listen\(|startFakeGitHub|helpers\/ports/ },
  { does: 'spawns a process', pattern: /\bspawn(Sync)?\(|\bexecFile(Sync)?\(|\bfork\(|helpers\/run-node/ },
  { does: 'opens a browser', pattern: /helpers\/browser/ },
]

/** Why `text` (a test file's source) must run serially, or undefined when it may run in parallel. */
export function serialReason(text: string): string | undefined {
  return SERIAL_MARKERS.find((marker) => marker.pattern.test(text))?.does
}

/** The test files under `dir` (paths relative to `root`, with /), split by whether they must run serially. */
export function testKinds(root: string, dir = '__tests__'): { serial: string[]; parallel: string[] } {
  const serial: string[] = []
  const parallel: string[] = []
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.test.ts')) {
        const name = relative(root, path).split(sep).join('/')
        if (serialReason(readFileSync(path, 'utf8')) === undefined) parallel.push(name)
        else serial.push(name)
      }
    }
  }
  walk(join(root, dir))
  return { serial: serial.sort(), parallel: parallel.sort() }
}
