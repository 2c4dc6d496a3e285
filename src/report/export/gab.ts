// This run's numbers for github-action-benchmark's custom tools: a list of { name, unit, value,
// range, extra }. That action reads one direction per file (`tool: customSmallerIsBetter` or
// `customBiggerIsBetter`), so the latencies and the error rate go in one list and throughput (and a
// stress scenario's capacity) in the other. `value` is the number the table shows (the median over
// valid rounds); `range` is half the spread of the rounds, `extra` says how many rounds it came from.
import type { EntryResult, Results, RoundResult } from '../../results/document.js'
import { entryLatency, pooledErrorRate } from '../../results/entry-numbers.js'

/** One point of github-action-benchmark's custom JSON. */
export interface GabPoint {
  readonly name: string
  readonly unit: string
  readonly value: number
  readonly range?: string
  readonly extra?: string
}

/** The two lists: for `customSmallerIsBetter` and for `customBiggerIsBetter`. */
export interface GabLists {
  readonly smaller: GabPoint[]
  readonly bigger: GabPoint[]
}

function valid(rounds: readonly RoundResult[]): readonly RoundResult[] {
  const kept = rounds.filter((r) => r.valid)
  return kept.length > 0 ? kept : rounds
}

// Three significant decimals: the charts show the number as written.
function round3(value: number): number {
  return Math.round(value * 1000) / 1000
}

function point(entry: EntryResult, what: string, unit: string, value: number, rounds: readonly number[]): GabPoint {
  const used = valid(entry.rounds).length
  const extra = `${used} valid round${used === 1 ? '' : 's'} of ${entry.rounds.length}`
  if (rounds.length < 2) return { name: `${entry.key}: ${what}`, unit, value: round3(value), extra }
  const half = (Math.max(...rounds) - Math.min(...rounds)) / 2
  return { name: `${entry.key}: ${what}`, unit, value: round3(value), range: `± ${round3(half)}`, extra }
}

/** Both lists of a run's entries. Latency in ms, throughput in req/s, error rate in percent. */
export function renderGab(results: Results): GabLists {
  const smaller: GabPoint[] = []
  const bigger: GabPoint[] = []
  for (const entry of results.entries) {
    const rounds = valid(entry.rounds)
    const latency = entryLatency(entry)
    for (const metric of ['p50', 'p99'] as const) {
      smaller.push(
        point(
          entry,
          `latency ${metric}`,
          'ms',
          latency[metric] / 1000,
          rounds.map((r) => r.latencyUs[metric] / 1000),
        ),
      )
    }
    smaller.push(
      point(
        entry,
        'error rate',
        '%',
        pooledErrorRate(entry.rounds) * 100,
        rounds.map((r) => r.errorRate * 100),
      ),
    )
    bigger.push(
      point(
        entry,
        'throughput',
        'req/s',
        entry.rps,
        rounds.map((r) => r.rps),
      ),
    )
    if (entry.stress !== undefined)
      bigger.push(point(entry, 'capacity', entry.stress.loop === 'rate' ? 'req/s' : 'connections', entry.stress.capacity, []))
  }
  return { smaller, bigger }
}
