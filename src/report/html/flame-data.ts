// report.html's differential flame graph of a slower entry (src/profile/): the merged call tree of
// the base's and the head's profiled rounds, per request, and the top functions' table. Pure.
import type { EntryProfile, FlameNode } from '../../profile/index.js'
import { FUNCTION_HEADER, functionRows, profileFacts, profileSummary } from '../cpu-profile.js'
import type { CpuProfileReport } from '../../profile/index.js'
import type { FlameNodeSpec, FlameSpec } from './page-types.js'

// A page holding every sample's path would be megabytes; the diff already left out paths under
// 0.2 % of the total, and this bounds what is left.
const MAX_NODES = 3000

function toSpec(root: FlameNode): FlameNodeSpec {
  let budget = MAX_NODES
  const walk = (node: FlameNode): FlameNodeSpec => {
    budget--
    const children: FlameNodeSpec[] = []
    for (const child of node.children) {
      if (budget <= 0) break
      children.push(walk(child))
    }
    return { name: node.name, base: node.baseUs, head: node.headUs, children }
  }
  return walk(root)
}

/** The flame graph of one profiled entry, or undefined when it has no diff. */
export function flameSpec(report: CpuProfileReport, entry: EntryProfile, id: string): FlameSpec | undefined {
  const diff = entry.diff
  if (diff === undefined) return undefined
  const rows = functionRows(entry)
  return {
    id,
    title: `Why it got slower: CPU per request, base → head (${report.profiler ?? 'profiler'})`,
    caption: `${profileSummary(entry)}. Width: the head's CPU per request; red grew, blue shrank since the base. ${profileFacts(report, entry).join(' ')}`,
    root: toSpec(diff.flame),
    ...(rows.length === 0
      ? {}
      : {
          table: {
            header: FUNCTION_HEADER,
            rows: rows.map((r) => ({ kind: 'regression', cells: [r.rank, r.label, r.values, r.change, r.share] })),
          },
        }),
  }
}
