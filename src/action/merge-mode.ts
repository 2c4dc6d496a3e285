// `mode: merge`: the last job of a sharded suite. Downloads every shard's results from this workflow
// run, merges them losslessly, and reports once: one comparison, one comment, one gate.
import * as core from '@actions/core'
import { InputError } from '../errors.js'
import { listOwnArtifacts } from '../github/artifact.js'
import type { RunContext } from '../github/context.js'
import { mergeResults } from '../results/merge.js'
import { machinesNote } from '../report/terminal.js'
import { downloadResults } from './artifact-files.js'
import type { Inputs } from './inputs.js'
import { prepareDestination, publish, saveResults } from './publish.js'
import { resolveBaseline } from './resolve-baseline.js'
import { loadConfig, shardArtifactPrefix } from './run-mode.js'

/** Merges the shards of this run and publishes the result. */
export async function mergeMode(inputs: Inputs, ctx: RunContext): Promise<void> {
  const plan = await core.group('Cannonade: config', () => loadConfig(inputs))
  const destination = await prepareDestination(inputs, plan.suite)
  const prefix = shardArtifactPrefix(destination.artifactName)
  const merged = await core.group('Cannonade: merge shards', async () => {
    const shards = (await listOwnArtifacts()).filter((a) => a.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name))
    if (shards.length === 0) {
      throw new InputError([`mode merge: this run has no artifacts named ${prefix}*; run the shards first (input 'shard', e.g. 1/2)`])
    }
    const parts = []
    for (const shard of shards) {
      parts.push({ source: shard.name, results: await downloadResults({ artifactId: shard.id, name: shard.name, sizeBytes: shard.size }) })
      core.info(`${shard.name}: ${parts.at(-1)?.results.entries.length ?? 0} entries`)
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
