// Merging results files: the shards of one suite measured in parallel jobs, or several runs of the
// same entries. Rounds are kept as they were measured and histograms are merged losslessly, so a
// merged file compares exactly like one measured in a single job.
import { InputError } from '../errors.js'
import { refreshFindings } from './profile-summary.js'
import { summariseEntry } from './entry-numbers.js'
import { environmentDifferences } from './environment.js'
import type { EntryResult, Environment, Results } from './document.js'
import { scalingSummaries } from './scaling.js'

/** Merges results of one suite; throws InputError when they are of different suites or configs. */
export function mergeResults(parts: readonly { readonly source: string; readonly results: Results }[]): Results {
  const [first, ...rest] = parts
  if (first === undefined) throw new InputError(['nothing to merge: give at least one results file'])
  for (const part of rest) {
    if (part.results.suite !== first.results.suite) {
      throw new InputError([`${part.source} is suite "${part.results.suite}" but ${first.source} is suite "${first.results.suite}"`])
    }
    if (part.results.configHash !== first.results.configHash) {
      throw new InputError([`${part.source} was measured with another config than ${first.source} (config hash differs)`])
    }
  }
  const byKey = new Map<string, EntryResult[]>()
  for (const part of parts) {
    for (const entry of part.results.entries) byKey.set(entry.key, [...(byKey.get(entry.key) ?? []), entry])
  }
  const entries = [...byKey.values()].map((same) => mergeEntry(same))
  const incomplete = parts.filter((p) => p.results.status === 'incomplete')
  const latest =
    parts
      .map((p) => p.results.createdAt)
      .sort()
      .at(-1) ?? first.results.createdAt
  const { shard: _shard, error: _error, shardEnvironments: _environments, scaling: _scaling, ...common } = first.results
  // A sweep's levels may have been measured in different shards: summed up again over all of them.
  const scaling = scalingSummaries(entries)
  const machines = distinctEnvironments(parts.flatMap((p) => p.results.shardEnvironments ?? [p.results.environment]))
  return {
    ...common,
    ...(machines.length > 1 ? { shardEnvironments: machines } : {}),
    createdAt: latest,
    status: incomplete.length > 0 ? 'incomplete' : 'complete',
    ...(incomplete.length > 0 ? { error: incomplete.map((p) => `${p.source}: ${p.results.error ?? 'incomplete'}`).join('; ') } : {}),
    entries,
    ...(scaling.length === 0 ? {} : { scaling }),
  }
}

// Alike as far as comparing numbers goes (same CPU model, cores, Node and OS): the runner's name
// differs from job to job on the same kind of machine and is no reason to warn.
function distinctEnvironments(all: readonly Environment[]): Environment[] {
  const distinct: Environment[] = []
  for (const env of all) {
    if (!distinct.some((known) => environmentDifferences(known, env).length === 0)) distinct.push(env)
  }
  return distinct
}

function mergeEntry(same: readonly EntryResult[]): EntryResult {
  const [first] = same
  if (first === undefined) throw new Error('mergeEntry needs at least one entry')
  if (same.length === 1) return first
  // Rounds keep their measurements; they are renumbered so each number appears once.
  const rounds = same.flatMap((e) => e.rounds).map((round, i) => ({ ...round, round: i + 1 }))
  const { findings: previous, ...identity } = first
  const findings = refreshFindings(previous, rounds)
  return summariseEntry({ ...identity, ...(findings === undefined ? {} : { findings }) }, rounds)
}
