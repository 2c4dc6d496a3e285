// The run --against runs bench/against-target.ts keeps (the default's, pinned with the speed probe):
// one folder per run under bench/results/against-target-<kind>, its base's and head's results side
// by side. Read by bench/round-length.ts and bench/cpu-access-kept.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { RoundResult } from '../src/results/document.js'

/** A kept run: its folder's kind (pinned, rounds, contended), its name, and both sides' rounds. */
export interface KeptRun {
  readonly folder: string
  readonly name: string
  readonly base: readonly RoundResult[]
  readonly head: readonly RoundResult[]
}

/** Every kept run of the three kinds, by kind and then by name (the time it started). */
export function keptRuns(): KeptRun[] {
  return ['pinned', 'rounds', 'contended'].flatMap((folder) => {
    const root = `bench/results/against-target-${folder}`
    return readdirSync(root)
      .sort()
      .flatMap((name): KeptRun[] => {
        const dir = path.join(root, name)
        if (!existsSync(path.join(dir, 'base-results.json'))) return []
        const rounds = (file: string): RoundResult[] => JSON.parse(readFileSync(path.join(dir, file), 'utf8')).entries[0].rounds
        return [{ folder, name, base: rounds('base-results.json'), head: rounds('results.json') }]
      })
  })
}

/** When a kept run began (its first base round), ms since the epoch. */
export const startOf = (run: KeptRun): number => Date.parse(run.base[0]?.startedAt ?? '')
