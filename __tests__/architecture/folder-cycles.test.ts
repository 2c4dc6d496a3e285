import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

// STYLE.md rule 24: a folder of src/ never imports a folder that imports it back, so each stage can
// change without reaching round to the one before. Each folder is a node; a top-level file
// (src/errors.ts) is a node of its own.

const SRC = resolve(import.meta.dirname, '../../src')

/** A folder-to-folder import, with one file that makes it, to say where to look. */
interface Edge {
  readonly from: string
  readonly to: string
  readonly file: string
  readonly specifier: string
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

// src/errors.ts is the node 'errors.ts'; src/load/round.ts is the node 'load'.
function nodeOf(file: string): string {
  const parts = relative(SRC, file).split(sep)
  return parts[0] ?? file
}

/** Every import between two different nodes of src/, type-only imports and re-exports included. */
function folderEdges(src: string = SRC): Edge[] {
  const edges: Edge[] = []
  for (const file of sourceFiles(src)) {
    // preProcessFile reads import, import type, export … from, and import() without type-checking.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) continue
      const target = resolve(dirname(file), specifier)
      if (relative(src, target).startsWith('..')) continue
      const from = nodeOf(file)
      const to = nodeOf(target.replace(/\.js$/, '.ts'))
      if (from !== to) edges.push({ from, to, file: relative(src, file), specifier })
    }
  }
  return edges
}

/** The strongly connected groups of two or more nodes (Tarjan): each is at least one cycle. */
function cyclicGroups(edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>()
  for (const { from, to } of edges) {
    const set = next.get(from) ?? new Set<string>()
    set.add(to)
    next.set(from, set)
  }
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  const visit = (node: string): void => {
    index.set(node, index.size)
    low.set(node, index.get(node) ?? 0)
    stack.push(node)
    onStack.add(node)
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to)
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0))
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0))
      }
    }
    if (low.get(node) !== index.get(node)) return
    const group: string[] = []
    let member: string | undefined
    do {
      member = stack.pop()
      if (member === undefined) break
      onStack.delete(member)
      group.push(member)
    } while (member !== node)
    if (group.length > 1) groups.push(group.sort())
  }
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node)
  return groups.sort((a, b) => a.join().localeCompare(b.join()))
}

// Each import inside a cyclic group, one line each, so the failure says which file to change.
function describeGroup(group: readonly string[], edges: readonly Edge[]): string {
  const inside = new Set(group)
  const seen = new Set<string>()
  const lines = edges
    .filter((e) => inside.has(e.from) && inside.has(e.to))
    .filter((e) => {
      const key = `${e.from}>${e.to}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    .map((e) => `  ${e.from} -> ${e.to}   (${e.file} imports '${e.specifier}')`)
  return [`cycle among ${group.join(', ')}:`, ...lines].join('\n')
}

describe('src/ folders', () => {
  it('import one another one way only', () => {
    const edges = folderEdges()
    // The parse found the imports at all: without this a broken parser would pass.
    expect(edges.length).toBeGreaterThan(20)
    const cycles = cyclicGroups(edges).map((group) => describeGroup(group, edges))
    expect(cycles.join('\n\n')).toBe('')
  })

  it('the check reports a cycle', () => {
    const edges: Edge[] = [
      { from: 'a', to: 'b', file: 'a/x.ts', specifier: '../b/y.js' },
      { from: 'b', to: 'c', file: 'b/y.ts', specifier: '../c/z.js' },
      { from: 'c', to: 'a', file: 'c/z.ts', specifier: '../a/x.js' },
      { from: 'c', to: 'd', file: 'c/z.ts', specifier: '../d/w.js' },
    ]
    expect(cyclicGroups(edges)).toEqual([['a', 'b', 'c']])
    expect(cyclicGroups(edges.slice(0, 2))).toEqual([])
  })
})
