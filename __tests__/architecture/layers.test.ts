// ARCHITECTURE.md's layer table, enforced: every folder of src/ (and every file at its root) is in a
// layer, imports go only downward (or to a neighbour the table names), and no files import each other
// round in a circle. The table is read from the doc itself, so the doc and the check cannot drift.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cyclicGroups, fileCycles, fileImports, layerViolations, parseLayerTable, type AllowedImport } from './layers.js'

const ROOT = resolve(import.meta.dirname, '../..')
const SRC = join(ROOT, 'src')
const TABLE = parseLayerTable(readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8'))

/**
 * Imports the table forbids that are still in the code. Each entry names the file and the node it
 * imports, and goes when its reason does.
 */
const ALLOWED: readonly AllowedImport[] = []

const temps: string[] = []
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
})

/** A temporary `src/` holding `files` (path under src/ → content); returns its path. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cannonade-layers-'))
  temps.push(root)
  const src = join(root, 'src')
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true })
    writeFileSync(join(src, path), text)
  }
  return src
}

/** A copy of the real src/ with `files` added or replaced, for planting a violation in real code. */
function plantedCopy(files: Record<string, string>): string {
  const src = tree({})
  cpSync(SRC, src, { recursive: true })
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true })
    writeFileSync(join(src, path), text)
  }
  return src
}

describe('src/ against the layers of ARCHITECTURE.md', () => {
  it('reads a table that places the folders the doc promises', () => {
    const nodes = TABLE.map((row) => row.node)
    for (const node of ['src/stats/', 'src/history/', 'src/errors.ts', 'src/pipeline/', 'src/profile/', 'src/cli/']) {
      expect(nodes).toContain(node)
    }
    // Without imports to check, every rule would pass: the parse must have found the real ones.
    expect(fileImports(SRC).length).toBeGreaterThan(200)
  })

  it('places every folder and root file, and imports only downward', () => {
    expect(layerViolations(SRC, TABLE, ALLOWED).join('\n')).toBe('')
  })

  it('has no import cycle between files, type-only imports included', () => {
    expect(fileCycles(SRC).join('\n\n')).toBe('')
  })

  it('lets through only the allowed imports that are still there', () => {
    // An entry that matches no import any more is a stale exception waiting to let one back in.
    const edges = fileImports(SRC)
    const used = ALLOWED.filter((a) => edges.some((e) => e.file === a.file && e.to === a.to))
    const stale = ALLOWED.filter((a) => !used.includes(a))
    expect(stale.map((a) => a.file)).toEqual([])
    for (const entry of used) expect(layerViolations(SRC, TABLE).join('\n')).toContain(entry.file)
  })
})

describe('the layer check', () => {
  it('fails on an upward import planted in the real src/', () => {
    const src = plantedCopy({
      'stats/planted.ts': "import { renderMarkdown } from '../report/markdown.js'\nexport const x = renderMarkdown\n",
    })
    expect(layerViolations(src, TABLE, ALLOWED)).toEqual([
      "src/stats/planted.ts imports '../report/markdown.js': upward, src/stats/ (layer 2) may not import src/report/ (layer 6)",
    ])
  })

  it('fails on a sideways import the table does not name, and on a folder in no layer', () => {
    const src = plantedCopy({
      'compare/planted.ts': "export type { History } from '../history/document.js'\n",
      'newthing/x.ts': 'export const y = 1\n',
    })
    expect(layerViolations(src, TABLE, ALLOWED)).toEqual([
      'src/newthing/ is in no layer: add a row for it to the table in ARCHITECTURE.md',
      "src/compare/planted.ts imports '../history/document.js': sideways, src/compare/ (layer 5) may not import src/history/ (layer 5)",
    ])
  })

  it('fails on a file cycle, even one made of type-only imports', () => {
    const src = tree({
      'load/a.ts': "import type { B } from './b.js'\nexport interface A { b?: B }\n",
      'load/b.ts': "import type { A } from './a.js'\nexport interface B { a?: A }\n",
      'load/c.ts': "import type { A } from './a.js'\nexport type C = A\n",
    })
    expect(fileCycles(src)).toEqual([
      "import cycle among src/load/a.ts, src/load/b.ts:\n  src/load/a.ts imports './b.js'\n  src/load/b.ts imports './a.js'",
    ])
  })

  it('reads the rules from a table and applies them to a synthetic tree', () => {
    const table = parseLayerTable(
      [
        '## Layers',
        '| Layer | Folder or file | Owns | Also imports |',
        '| --: | :-- | :-- | :-- |',
        '| 1 | `src/base.ts` | base | |',
        '| 2 | `src/low/` | low | |',
        '| 2 | `src/side/` | side | `src/low/` |',
        '| 3 | `src/top/` | top | |',
      ].join('\n'),
    )
    const src = tree({
      'base.ts': 'export const base = 1\n',
      'low/l.ts': "import { base } from '../base.js'\nexport const l = base\n",
      'side/s.ts': "import { l } from '../low/l.js'\nexport const s = l\n",
      'top/t.ts': "import { s } from '../side/s.js'\nimport { base } from '../base.js'\nexport const t = s + base\n",
    })
    expect(layerViolations(src, table)).toEqual([])
    writeFileSync(join(src, 'low/up.ts'), "import { t } from '../top/t.js'\nexport const u = t\n")
    writeFileSync(join(src, 'low/side.ts'), "import { s } from '../side/s.js'\nexport const v = s\n")
    expect(layerViolations(src, table)).toEqual([
      "src/low/side.ts imports '../side/s.js': sideways, src/low/ (layer 2) may not import src/side/ (layer 2)",
      "src/low/up.ts imports '../top/t.js': upward, src/low/ (layer 2) may not import src/top/ (layer 3)",
    ])
    // The allow-list lets exactly the named file through, not its folder.
    expect(layerViolations(src, table, [{ file: 'src/low/up.ts', to: 'src/top/', until: 'test' }])).toHaveLength(1)
  })

  it('rejects a table that names a node twice or a neighbour from another layer', () => {
    const head = ['## Layers', '| Layer | Folder or file | Owns | Also imports |', '| --: | :-- | :-- | :-- |']
    expect(() => parseLayerTable([...head, '| 1 | `src/a/` | a | |', '| 2 | `src/a/` | a | |'].join('\n'))).toThrow(/twice/)
    expect(() => parseLayerTable([...head, '| 1 | `src/a/` | a | |', '| 2 | `src/b/` | b | `src/a/` |'].join('\n'))).toThrow(
      /not in its layer/,
    )
    expect(() => parseLayerTable('# nothing here')).toThrow(/Layers/)
  })

  it('finds the strongly connected groups of a graph', () => {
    const edges = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'a' },
      { from: 'c', to: 'd' },
    ]
    expect(cyclicGroups(edges)).toEqual([['a', 'b', 'c']])
    expect(cyclicGroups(edges.slice(0, 2))).toEqual([])
  })
})
