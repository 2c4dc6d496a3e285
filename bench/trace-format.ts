// The shape of a recorded round series (bench/traces/*.json), written by record-traces.ts and read
// by replay.ts.

/** One round's numbers: req/s, p50 and p99 latency in µs. */
export type TraceRound = readonly [rps: number, p50Us: number, p99Us: number]

/** One entry's rounds, pair i being base[i] and head[i] measured back to back. */
export interface TraceEntry {
  readonly key: string
  readonly base: readonly TraceRound[]
  readonly head: readonly TraceRound[]
}

/** A recording: two unchanged copies of an app side by side, and the machine's noise meanwhile. */
export interface Trace {
  readonly recordedAt: string
  /**
   * The side order the rounds were measured in (src/load/schedule.ts): `abba` (A B, B A per entry,
   * the old order), `alternating` (A B A B, the product's), or absent for the first recordings, whose
   * three entries interleaved so that no app ever ran twice in a row.
   */
  readonly schedule?: 'abba' | 'alternating'
  /** The app measured: `demo` (our demo routes), `hash-node` or `hash-python` (bench/apps). */
  readonly app?: string
  readonly cpus: number
  readonly roundMs: number
  readonly cpuLoopCv: { readonly before: number; readonly after: number }
  readonly loadAverage: { readonly before: number; readonly after: number }
  readonly columns: readonly ['rps', 'p50Us', 'p99Us']
  readonly entries: readonly TraceEntry[]
}
