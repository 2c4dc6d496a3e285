// `mode: merge`: the last job of a sharded suite. Downloads every shard's results from this workflow
// run, merges them losslessly, and reports once: one comparison, one comment, one gate.
import * as core from '@actions/core'
import { EnvironmentError, InputError } from '../errors.js'
import { listOwnArtifacts, type OwnArtifact } from '../github/artifact.js'
import type { RunContext } from '../github/context.js'
import { mergeResults } from '../results/merge.js'
import { machinesNote } from '../report/terminal.js'
import { downloadResults } from './artifact-files.js'
import type { Inputs } from './inputs.js'
import { prepareDestination, publish, saveResults } from './publish.js'
import { loadConfig } from './load-config.js'
import { resolveBaseline } from './resolve-baseline.js'
import { shardArtifactPrefix } from './shard-artifacts.js'

/** Merges the shards of this run and publishes the result. */
export async function mergeMode(inputs: Inputs, ctx: RunContext): Promise<void> {
  const plan = await core.group('Cannonade: config', () => loadConfig(inputs))
  const destination = await prepareDestination(inputs, plan.suite)
  const prefix = shardArtifactPrefix(destination.artifactName)
  const merged = await core.group('Cannonade: merge shards', async () => {
    const shards = shardsToMerge(await listOwnArtifacts(), prefix)
    const parts = []
    for (const shard of shards) {
      const results = await downloadResults({ artifactId: shard.id, name: shard.name, sizeBytes: shard.size })
      const said = results.shard
      if (said !== undefined && (said.index !== shard.index || said.count !== shard.count)) {
        throw new EnvironmentError(`mode merge: the artifact ${shard.name} holds the results of shard ${said.index} of ${said.count}`)
      }
      parts.push({ source: shard.name, results })
      core.info(`${shard.name}: ${results.entries.length} entries`)
    }
    return mergeResults(parts)
  })
  await saveResults(destination, merged)
  const machines = machinesNote(merged)
  if (machines !== undefined) core.warning(`Cannonade: ${machines}`)
  const baseline = await core.group('Cannonade: baseline', () => resolveBaseline(inputs, ctx, destination.artifactName, plan.suite))
  const failure =
    merged.status === 'incomplete' ? new Error(`a shard could not be measured: ${merged.error ?? 'it stopped early'}`) : undefined
  await publish(inputs, ctx, destination, merged, baseline, failure)
}

/** A shard's artifact, with the place its name gives it (`…-shard-2-of-3`). */
export interface ShardArtifact extends OwnArtifact {
  readonly index: number
  readonly count: number
}

/**
 * The shard artifacts to merge, in order, from this run's artifacts: every one from 1 to N of the
 * `-of-N` their names give. A missing shard (its job failed, was cancelled, or could not upload)
 * throws, naming it: merged without it, its entries would read as removed from the suite.
 */
export function shardsToMerge(artifacts: readonly OwnArtifact[], prefix: string): ShardArtifact[] {
  const shards: ShardArtifact[] = []
  for (const artifact of artifacts) {
    if (!artifact.name.startsWith(prefix)) continue
    const place = /^(\d{1,4})-of-(\d{1,4})$/.exec(artifact.name.slice(prefix.length))
    if (place === null) continue
    shards.push({ ...artifact, index: Number(place[1]), count: Number(place[2]) })
  }
  if (shards.length === 0) {
    throw new InputError([`mode merge: this run has no artifacts named ${prefix}*; run the shards first (input 'shard', e.g. 1/2)`])
  }
  const counts = [...new Set(shards.map((s) => s.count))].sort((a, b) => a - b)
  if (counts.length > 1) {
    throw new EnvironmentError(
      `mode merge: the shard artifacts disagree on how many shards there are (${counts.map((c) => `of-${c}`).join(', ')}): ${shards.map((s) => s.name).join(', ')}`,
    )
  }
  const count = counts[0] ?? 0
  const missing: string[] = []
  for (let index = 1; index <= count; index++) {
    if (!shards.some((s) => s.index === index)) missing.push(`${prefix}${index}-of-${count}`)
  }
  if (missing.length > 0) {
    throw new EnvironmentError(
      `mode merge: ${missing.length} of ${count} shards missing: no artifact ${missing.join(', ')} in this run. Its job failed, was cancelled or could not upload; merged without it, its entries would read as removed. Re-run the failed shard jobs.`,
    )
  }
  return shards.filter((s) => s.index >= 1 && s.index <= count).sort((a, b) => a.index - b.index)
}
