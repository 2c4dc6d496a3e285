// The order test files start in: within each group of projects that run together, longest first, so
// the files that start last are short ones and no worker ends a group running one long file while the
// others wait. vitest orders by the durations it cached on the last run, which a clean clone (CI)
// does not have; it then starts the largest files first and keeps each project's files together, and
// size says little here (a 4 KB file that packs the package runs a minute, a 28 KB one of markdown
// cases a second): on a clean clone the parallel group took ~110 s longer than its files' time over
// three workers (busy machine). The durations measured here stand in: __tests__/durations.json,
// written by scripts/test-durations.mjs from a JSON report. A file not listed there goes first, as
// vitest runs files it has never run first. The order decides nothing but when a file starts.
import { readFileSync } from 'node:fs'
import { relative, sep } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/** Seconds each test file took, by path relative to the root (with /), from __tests__/durations.json. */
export function readDurations(file: string): Readonly<Record<string, number>> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>
  } catch {
    return {}
  }
}

/** One file to order: its group (sequence.groupOrder) and its path relative to the root. */
export interface OrderedFile {
  readonly group: number
  readonly path: string
}

/** `files` by group, then longest first by `durations`; unlisted files first, ties in the order given. */
export function longestFirst<T extends OrderedFile>(files: readonly T[], durations: Readonly<Record<string, number>>): T[] {
  const seconds = (file: T): number => durations[file.path] ?? Number.POSITIVE_INFINITY
  return files
    .map((file, index) => ({ file, index }))
    .sort((a, b) => a.file.group - b.file.group || seconds(b.file) - seconds(a.file) || a.index - b.index)
    .map(({ file }) => file)
}

/** vitest's sequencer with the longest-first order over every project of a group. */
export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root
    const durations = readDurations(`${root}/__tests__/durations.json`)
    // vitest's own order first, so files missing from durations.json keep it among themselves.
    const ordered = (await super.sort(files)).map((spec) => ({
      spec,
      group: spec.project.config.sequence.groupOrder,
      path: relative(root, spec.moduleId).split(sep).join('/'),
    }))
    return longestFirst(ordered, durations).map(({ spec }) => spec)
  }
}
