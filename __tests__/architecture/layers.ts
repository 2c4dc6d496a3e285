// The layering rule of ARCHITECTURE.md as a check over a source tree: which node (a folder of src/, or
// a file at its root) each file belongs to, which imports cross layers the wrong way, and which files
// import each other round in a circle. Pure functions over a directory, so the test can run them on
// the real src/ and on a planted copy.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'

/** One row of the layer table: a node, its layer, and the neighbours in its layer it may import. */
export interface LayerRow {
  readonly node: string
  readonly layer: number
  readonly sideways: readonly string[]
}

/** One import from a file of src/ to another, with the nodes they belong to (`src/load/`, `src/errors.ts`). */
export interface FileImport {
  readonly file: string
  readonly target: string
  readonly specifier: string
  readonly from: string
  readonly to: string
}

/** An import the table forbids that is let through for now, with the reason it is still there. */
export interface AllowedImport {
  readonly file: string
  readonly to: string
  readonly until: string
}

const BACKTICKED = /`([^`]+)`/g

/**
 * The table under `## Layers` of ARCHITECTURE.md: rows `| layer | \`node\` | owns | \`also\`, … |`.
 * Throws on a row it cannot read or a node listed twice, so a typo in the doc fails loudly.
 */
export function parseLayerTable(markdown: string): LayerRow[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('Layers'))
  if (section === undefined) throw new Error('ARCHITECTURE.md has no "## Layers" section')
  const rows: LayerRow[] = []
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim())
    // A row is `| 3 | \`src/config/\` | … | … |`: empty first cell, the layer number, then the node.
    if (cells.length < 5 || !/^\d+$/.test(cells[1] ?? '')) continue
    const node = [...(cells[2] ?? '').matchAll(BACKTICKED)].map((m) => m[1] ?? '')
    if (node.length !== 1 || !/^src\/[\w.-]+(\/|\.ts)$/.test(node[0] ?? '')) {
      throw new Error(`ARCHITECTURE.md: the row "${line.trim()}" should name one \`src/folder/\` or \`src/file.ts\``)
    }
    const sideways = [...(cells[4] ?? '').matchAll(BACKTICKED)].map((m) => m[1] ?? '')
    rows.push({ node: node[0] ?? '', layer: Number(cells[1]), sideways })
  }
  const seen = new Set<string>()
  for (const { node } of rows) {
    if (seen.has(node)) throw new Error(`ARCHITECTURE.md lists ${node} twice`)
    seen.add(node)
  }
  for (const row of rows) {
    for (const to of row.sideways) {
      const target = rows.find((r) => r.node === to)
      if (target?.layer !== row.layer) throw new Error(`ARCHITECTURE.md: ${row.node} may import ${to}, which is not in its layer`)
    }
  }
  if (rows.length === 0) throw new Error('ARCHITECTURE.md: the "## Layers" section has no table rows')
  return rows
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** The node of a path under `src`: `src/load/` for src/load/profiles/stress.ts, `src/errors.ts` for itself. */
export function nodeOf(src: string, file: string): string {
  const parts = relative(src, file).split(sep)
  return parts.length > 1 ? `src/${parts[0]}/` : `src/${parts[0]}`
}

// './x.js' is the source file x.ts (NodeNext spelling); a JSON import is the file itself.
function resolveSource(file: string, specifier: string): string {
  const target = resolve(dirname(file), specifier)
  if (target.endsWith('.js')) return `${target.slice(0, -3)}.ts`
  if (existsSync(`${target}.ts`)) return `${target}.ts`
  if (existsSync(join(target, 'index.ts'))) return join(target, 'index.ts')
  return target
}

/** Every relative import between files of `src`, type-only imports, re-exports and `import()` included. */
export function fileImports(src: string): FileImport[] {
  const imports: FileImport[] = []
  for (const file of sourceFiles(src)) {
    // preProcessFile reads import, import type, export … from and import() without type-checking.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) continue
      const target = resolveSource(file, specifier)
      if (relative(src, target).startsWith('..')) continue
      imports.push({
        file: relative(dirname(src), file).split(sep).join('/'),
        target: relative(dirname(src), target).split(sep).join('/'),
        specifier,
        from: nodeOf(src, file),
        to: nodeOf(src, target),
      })
    }
  }
  return imports
}

/** The nodes that exist in `src`: each folder and each .ts file at its root. */
export function nodesIn(src: string): string[] {
  return readdirSync(src, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() || entry.name.endsWith('.ts'))
    .map((entry) => (entry.isDirectory() ? `src/${entry.name}/` : `src/${entry.name}`))
    .sort()
}

/**
 * What breaks the table: a node of `src` in no row, and each import that goes to a higher layer or to
 * a neighbour of the same layer its row does not name. `allowed` lets named file → node imports
 * through. One line per problem, saying which file to change.
 */
export function layerViolations(src: string, rows: readonly LayerRow[], allowed: readonly AllowedImport[] = []): string[] {
  const byNode = new Map(rows.map((row) => [row.node, row]))
  const problems = nodesIn(src)
    .filter((node) => !byNode.has(node))
    .map((node) => `${node} is in no layer: add a row for it to the table in ARCHITECTURE.md`)
  for (const edge of fileImports(src)) {
    if (edge.from === edge.to) continue
    const from = byNode.get(edge.from)
    const to = byNode.get(edge.to)
    if (from === undefined || to === undefined) continue
    if (to.layer < from.layer || (to.layer === from.layer && from.sideways.includes(to.node))) continue
    if (allowed.some((a) => a.file === edge.file && a.to === edge.to)) continue
    const way = to.layer > from.layer ? 'upward' : 'sideways'
    problems.push(
      `${edge.file} imports '${edge.specifier}': ${way}, ${edge.from} (layer ${from.layer}) may not import ${edge.to} (layer ${to.layer})`,
    )
  }
  return problems
}

/** The strongly connected groups of two or more nodes (Tarjan): each holds at least one cycle. */
export function cyclicGroups(edges: ReadonlyArray<{ readonly from: string; readonly to: string }>): string[][] {
  const next = new Map<string, Set<string>>()
  for (const { from, to } of edges) {
    if (from === to) continue
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

/** Each import cycle between files of `src` (type-only imports count), with the imports that close it. */
export function fileCycles(src: string): string[] {
  const edges = fileImports(src).map((e) => ({ ...e, from: e.file, to: e.target }))
  return cyclicGroups(edges).map((group) => {
    const inside = new Set(group)
    const lines = edges.filter((e) => inside.has(e.from) && inside.has(e.to)).map((e) => `  ${e.from} imports '${e.specifier}'`)
    return [`import cycle among ${group.join(', ')}:`, ...lines].join('\n')
  })
}
