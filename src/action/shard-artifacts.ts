// The names of a sharded suite's artifacts: each `shard` job uploads one, `mode: merge` finds them by
// their common start.

/** The common start of the shard artifacts' names; `mode: merge` looks for these. */
export function shardArtifactPrefix(artifactName: string): string {
  return `${artifactName}-shard-`
}

/** The artifact name of one shard. */
export function shardArtifactName(artifactName: string, shard: { index: number; count: number }): string {
  return `${shardArtifactPrefix(artifactName)}${shard.index}-of-${shard.count}`
}
