// How an entry's numbers follow from its rounds: the rule the results format is written and read with.
// One number per metric, the same one the comparison tests: the median over the valid rounds of each
// round's value. The table, the comment, the absolute thresholds and the chart all read it from here,
// so a p99 never shows as one number in one place and another elsewhere.
import type { LatencyMetric } from '../config/plan.js'
import { median } from '../stats/stats.js'
import type { EntryResult, RoundResult, ServerSummary } from './document.js'
import { encodeHistogram, type LatencySummary, mergeHistograms, summarise } from './histogram.js'
import { summariseStress } from './stress.js'

/** The rounds an entry's numbers come from: the valid ones, or all of them when none is valid. */
function usedRounds(rounds: readonly RoundResult[]): readonly RoundResult[] {
  const valid = rounds.filter((r) => r.valid)
  return valid.length > 0 ? valid : rounds
}

// Other work on the app's CPUs (server.othersCpuPercent): above this share in a round, the round says
// so. Quiet, this project's machine read 0–9 % (the other side's idle app in same-job is other work
// too); with one busy process beside the app, 25–52 % while it served a closed loop.
export const OTHERS_WARN_PERCENT = 20

// Other work slows an app that wants its CPU. One that mostly waits (a route that calls a slow
// service, 2–4 % of a core) is woken ahead of it and serves as fast: a 3× slower such route still
// failed in this project's CI, where other tests' apps share the CPU in some runs and not in others.
export const APP_BUSY_PERCENT = 25

/** Whether a round's app kept at least {@link APP_BUSY_PERCENT} of a core busy. */
export function appBusy(round: Pick<RoundResult, 'server'>): boolean {
  return (round.server?.cpuPercent ?? 0) >= APP_BUSY_PERCENT
}

/**
 * The rounds (by default the valid ones whose app was busy) whose app shared its CPUs with other work
 * beyond {@link OTHERS_WARN_PERCENT}, and the largest share among them; undefined when there were none.
 */
export function sharedCpuRounds(
  rounds: readonly Pick<RoundResult, 'server' | 'valid'>[],
  counted: (round: Pick<RoundResult, 'server' | 'valid'>) => boolean = (r) => r.valid && appBusy(r),
): { readonly rounds: number; readonly most: number } | undefined {
  const shares = rounds.filter(counted).map((r) => r.server?.othersCpuPercent ?? 0)
  const over = shares.filter((x) => x > OTHERS_WARN_PERCENT)
  return over.length === 0 ? undefined : { rounds: over.length, most: Math.max(...over) }
}

/**
 * Each latency metric as the median over the rounds of the round's own percentile (not a percentile
 * of the merged histogram, which weights rounds by their request counts and is not what is compared).
 *
 * @returns undefined for no rounds.
 */
export function medianLatency(rounds: readonly RoundResult[]): LatencySummary | undefined {
  const used = usedRounds(rounds)
  if (used.length === 0) return undefined
  const at = (metric: LatencyMetric): number => median(used.map((r) => r.latencyUs[metric]))
  // `max` promises that no response was slower: the slowest of all rounds, not a typical round's slowest.
  const max = Math.max(...used.map((r) => r.latencyUs.max))
  return { p50: at('p50'), p90: at('p90'), p95: at('p95'), p99: at('p99'), p999: at('p999'), mean: at('mean'), max }
}

/**
 * The error rate as the failed share of all requests of all rounds, the invalid ones too. An
 * error-rate limit is a promise about requests, not rounds: a median over rounds would let two bad
 * rounds out of five pass unseen, and so did leaving out the rounds that more than
 * `validity.maxErrorRate` of failures made invalid (a route answering 500 for half of a run read
 * 0 % from its one clean round and passed `errorRate: { max: 1% }`). The comparison with a baseline
 * still tests the valid rounds' own rates (the unit of replication).
 */
export function pooledErrorRate(rounds: readonly RoundResult[]): number {
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0)
  if (requests === 0) return rounds.length === 0 ? 0 : median(rounds.map((r) => r.errorRate))
  return rounds.reduce((sum, r) => sum + r.errorRate * r.requests, 0) / requests
}

/**
 * An entry's latencies as compared, recomputed from its rounds so that results files written before
 * the summary was a median (when it came from the merged histogram) agree too.
 */
export function entryLatency(entry: EntryResult): LatencySummary {
  return medianLatency(entry.rounds) ?? entry.latencyUs
}

/** A rate or share as results.json stores it: two decimals. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100
}

/** An error rate as results.json stores it: six decimals. */
export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6
}

function summariseServer(rounds: readonly RoundResult[]): ServerSummary | undefined {
  const servers = rounds.flatMap((r) => (r.server === undefined ? [] : [r.server]))
  const first = servers[0]
  const last = servers[servers.length - 1]
  if (first === undefined || last === undefined) return undefined
  return {
    cpuPercent: round2(median(servers.map((s) => s.cpuPercent))),
    cpuUsPerRequest: round2(median(servers.map((s) => s.cpuUsPerRequest))),
    rssMaxBytes: Math.max(...servers.map((s) => s.rssMaxBytes)),
    rssMeanBytes: Math.round(servers.reduce((sum, s) => sum + s.rssMeanBytes, 0) / servers.length),
    rssGrowthBytes: last.rssEndBytes - first.rssEndBytes,
  }
}

/**
 * Sums up an entry from its valid rounds: the median over rounds of rps, of each latency percentile
 * and of the error rate, the numbers the comparison tests (the merged histogram is kept beside them).
 * With no valid round it falls back to all rounds, so there is still something to show beside
 * `validRounds: 0`.
 */
export function summariseEntry(
  identity: Pick<
    EntryResult,
    'key' | 'scenario' | 'tags' | 'connections' | 'rate' | 'pipelining' | 'definitionHash' | 'thresholds' | 'regression'
  > &
    Partial<Pick<EntryResult, 'bodyBytes' | 'profile' | 'findings' | 'maxErrorRate'>>,
  rounds: readonly RoundResult[],
): EntryResult {
  const valid = rounds.filter((r) => r.valid)
  const used = valid.length > 0 ? valid : rounds
  const merged = mergeHistograms(used.map((r) => r.histogram))
  const server = summariseServer(used)
  const stress = summariseStress(rounds)
  const entry: EntryResult = {
    key: identity.key,
    scenario: identity.scenario,
    tags: identity.tags,
    connections: identity.connections,
    ...(identity.rate === undefined ? {} : { rate: identity.rate }),
    ...(identity.bodyBytes === undefined ? {} : { bodyBytes: identity.bodyBytes }),
    pipelining: identity.pipelining,
    ...(identity.profile === undefined ? {} : { profile: identity.profile }),
    ...(identity.findings === undefined ? {} : { findings: identity.findings }),
    definitionHash: identity.definitionHash,
    rounds,
    rps: used.length === 0 ? 0 : round2(median(used.map((r) => r.rps))),
    latencyUs: medianLatency(used) ?? summarise(merged),
    errorRate: round6(pooledErrorRate(rounds)),
    histogram: encodeHistogram(merged),
    ...(server === undefined ? {} : { server }),
    validRounds: valid.length,
    ...(identity.maxErrorRate === undefined ? {} : { maxErrorRate: identity.maxErrorRate }),
    thresholds: identity.thresholds,
    regression: identity.regression,
    ...(stress === undefined ? {} : { stress }),
  }
  merged.destroy()
  return entry
}
