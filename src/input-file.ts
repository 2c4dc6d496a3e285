import { readFile } from 'node:fs/promises'
import { InputError } from './errors.js'

/** Reads a file the user named; a missing or unreadable one is an InputError saying so, plus `hint`. */
export async function readInputFile(file: string, hint = ''): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : ''
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code || 'unknown error'})`
    throw new InputError([`${file}: ${why}${hint}`])
  }
}
