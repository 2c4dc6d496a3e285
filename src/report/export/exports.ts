// Results other tools read, behind one interface (as hyperfine's exporters are): `--export
// junit=FILE` on the CLI, `export: junit=perf.xml` lines in the action. Each format turns a run (and
// its comparison) into the text of one or more files; the entry points write them, before the gate
// decides, so a failing run still leaves them.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Comparison } from '../../compare/types.js'
import { InputError } from '../../errors.js'
import type { Results } from '../../results/document.js'
import { renderBmf } from './bmf.js'
import { renderGab } from './gab.js'
import { renderJunit } from './junit.js'

/** The formats `--export` takes. */
export const EXPORT_FORMATS = ['junit', 'bmf', 'gab'] as const
/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** One `FORMAT=FILE`. */
export interface ExportTarget {
  readonly format: ExportFormat
  readonly file: string
}

/** A file to write. */
export interface ExportFile {
  readonly format: ExportFormat
  readonly file: string
  readonly text: string
}

/**
 * Reads `FORMAT=FILE` specs; `where` names the flag or input in messages (`--export`,
 * `input 'export'`). Throws InputError listing every bad one.
 */
export function parseExports(specs: readonly string[], where: string): ExportTarget[] {
  const problems: string[] = []
  const targets: ExportTarget[] = []
  for (const spec of specs) {
    const at = spec.indexOf('=')
    const name = at < 0 ? '' : spec.slice(0, at).trim().toLowerCase()
    const file = at < 0 ? '' : spec.slice(at + 1).trim()
    const format = EXPORT_FORMATS.find((f) => f === name)
    if (format === undefined || file === '') {
      problems.push(
        `${where}: expected FORMAT=FILE with FORMAT one of ${EXPORT_FORMATS.join(', ')} (e.g. junit=perf.xml), got ${JSON.stringify(spec)}`,
      )
      continue
    }
    targets.push({ format, file })
  }
  const files = targets.flatMap((t) => filesOf(t))
  const twice = files.find((file, i) => files.indexOf(file) !== i)
  if (twice !== undefined) problems.push(`${where}: two exports would write ${twice}; give each its own file`)
  if (problems.length > 0) throw new InputError(problems)
  return targets
}

/**
 * The second file of a `gab` export: github-action-benchmark reads one direction per file, so
 * `gab=bench.json` writes the smaller-is-better points there and the bigger-is-better ones to
 * `bench-bigger.json`.
 */
export function biggerFileOf(file: string): string {
  const ext = path.extname(file)
  return `${file.slice(0, file.length - ext.length)}-bigger${ext === '' ? '.json' : ext}`
}

function filesOf(target: ExportTarget): string[] {
  return target.format === 'gab' ? [target.file, biggerFileOf(target.file)] : [target.file]
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/** The files of every target, from a run and its comparison (pure: the caller writes them). */
export function renderExports(targets: readonly ExportTarget[], comparison: Comparison, results: Results): ExportFile[] {
  return targets.flatMap((target): ExportFile[] => {
    if (target.format === 'junit') return [{ format: 'junit', file: target.file, text: renderJunit(comparison, results) }]
    if (target.format === 'bmf') return [{ format: 'bmf', file: target.file, text: json(renderBmf(results)) }]
    const lists = renderGab(results)
    return [
      { format: 'gab', file: target.file, text: json(lists.smaller) },
      { format: 'gab', file: biggerFileOf(target.file), text: json(lists.bigger) },
    ]
  })
}

/**
 * Renders and writes every target, paths relative to `baseDir`; returns the files written. Each is
 * written on its own: one that cannot be written is reported by the error it throws after the others.
 */
export async function writeExports(
  targets: readonly ExportTarget[],
  comparison: Comparison,
  results: Results,
  baseDir = process.cwd(),
): Promise<string[]> {
  const written: string[] = []
  const failed: string[] = []
  for (const { file, text } of renderExports(targets, comparison, results)) {
    const full = path.resolve(baseDir, file)
    try {
      await mkdir(path.dirname(full), { recursive: true })
      await writeFile(full, text)
      written.push(full)
    } catch (error) {
      failed.push(`${file}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  if (failed.length > 0) throw new Error(`could not write the export${failed.length === 1 ? '' : 's'} ${failed.join('; ')}`)
  return written
}
