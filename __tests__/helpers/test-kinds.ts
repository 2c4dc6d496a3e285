// Which vitest project each test file runs in, read from what the file does. A file that runs
// autocannon, starts an app or spawns a process (the bundle, the CLI, a timing probe) or opens a
// browser takes the CPU that load tests measure with; when its assertions depend on what was measured
// (a detected slowdown, a rate, a profile), the unit and process files beside it would change the
// result, so it runs in `load`, after them, beside only other load files. Files that only compute run
// in `unit`. Between the two, `process`: files that start servers or processes but assert nothing a
// busy CPU could change (comments, artifacts, exit codes, fallbacks), so they may share the machine
// with each other and with the unit files. A file is in `process` when its only server is the
// loopback fake GitHub, or when it says so with a marker line (PROCESS_MARKER) and the reason after
// it. Read from the file's text so a new test is classified the day it is written, with no list to
// keep in step.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** The vitest projects (vitest.config.ts): unit and process files together, then the load files on their own (three at a time). */
export type TestKind = 'unit' | 'process' | 'load'

/** What puts a file in `load` or `process`, each with the text that shows it in the file. */
export const MARKERS: ReadonlyArray<{ readonly does: string; readonly pattern: RegExp; readonly kind: 'process' | 'load' }> = [
  { does: 'runs autocannon', pattern: /from 'autocannon'/, kind: 'load' },
  { does: 'starts a server', pattern: /createServer\(|\.listen\(|helpers\/ports/, kind: 'load' },
  {
    does: 'spawns a process',
    // The helpers that spawn for a test file: run-node (the CLI, any script) and e2e/bundle-run (the action).
    pattern: /\bspawn(Sync)?\(|\bexecFile(Sync)?\(|\bfork\(|helpers\/run-node|\/bundle-run\.js/,
    kind: 'load',
  },
  { does: 'opens a browser', pattern: /helpers\/browser/, kind: 'load' },
  { does: 'starts the fake GitHub', pattern: /startFakeGitHub|startInProcess/, kind: 'process' },
]

/**
 * The line a file that starts servers or processes carries when none of its assertions depends on
 * what was measured, followed by why: `// test-kind: process — <why>`. Refused in a file that runs
 * autocannon itself, which measures by definition.
 */
export const PROCESS_MARKER = /^\/\/ test-kind: process\b/m

/** The project of one file and why; throws when `text` carries the process marker but runs autocannon. */
export function kindOf(text: string, file = 'the file'): { kind: TestKind; why: string } {
  const found = MARKERS.filter((marker) => marker.pattern.test(text))
  const load = found.find((marker) => marker.kind === 'load')
  if (PROCESS_MARKER.test(text)) {
    if (load?.does === 'runs autocannon') {
      throw new Error(`${file}: the '// test-kind: process' marker, but the file runs autocannon, which measures: drop the marker`)
    }
    if (found.length > 0) return { kind: 'process', why: `says its assertions need no quiet CPU (${found[0]?.does ?? ''})` }
  }
  if (load !== undefined) return { kind: 'load', why: load.does }
  if (found.length > 0) return { kind: 'process', why: found[0]?.does ?? '' }
  return { kind: 'unit', why: 'only computes' }
}

/** Why `text` (a test file's source) must run in `load`, after the others, or undefined when it may run beside them. */
export function serialReason(text: string): string | undefined {
  const { kind, why } = kindOf(text)
  return kind === 'load' ? why : undefined
}

/** The test files under `dir` (paths relative to `root`, with /), by project. */
export function testKinds(root: string, dir = '__tests__'): Record<TestKind, string[]> {
  const kinds: Record<TestKind, string[]> = { unit: [], process: [], load: [] }
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.test.ts')) {
        const name = relative(root, path).split(sep).join('/')
        kinds[kindOf(readFileSync(path, 'utf8'), name).kind].push(name)
      }
    }
  }
  walk(join(root, dir))
  for (const files of Object.values(kinds)) files.sort()
  return kinds
}
