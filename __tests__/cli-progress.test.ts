// Progress while a run decides as it goes: the count grows ("[31/32]" then "[33/34]"), so the
// budget spent and left and an ETA say when it ends. A terminal gets one bar redrawn in place; a CI
// log gets plain lines, a progress line at most every ten seconds.
import { describe, expect, it } from 'vitest'
import { isLive, progressPrinter } from '../src/cli/progress.js'
import type { Entry, RoundEvent } from '../src/load/schedule.js'
import { formatDuration, progressBar, progressLine, progressLog, progressState } from '../src/report/progress.js'
import { syntheticEntry } from '../__fixtures__/results/build.js'

const ROUND = syntheticEntry({ scenario: 'search', rps: [1000], p50Us: [2000] }).rounds[0]!
const ENTRY = { key: 'search @ 10 conn' } as unknown as Entry

function event(done: number, total: number, elapsedMs: number, budgetMs?: number, valid = true): RoundEvent {
  return {
    entry: ENTRY,
    round: Math.ceil(done / 2),
    rounds: Math.ceil(total / 2),
    done,
    total,
    result: valid ? ROUND : { ...ROUND, valid: false, problems: ['no successful response'] },
    side: done % 2 === 1 ? 'base' : 'head',
    elapsedMs,
    ...(budgetMs === undefined ? {} : { budgetMs }),
  }
}

/** A stream that records what was written, as a terminal or a pipe. */
function fakeStream(isTTY: boolean, columns = 100): { isTTY: boolean; columns: number; text: string; write(t: string): boolean } {
  return {
    isTTY,
    columns,
    text: '',
    write(t: string) {
      this.text += t
      return true
    },
  }
}

describe('progress in words', () => {
  it('gives durations as a countdown reads', () => {
    expect(formatDuration(0)).toBe('0 s')
    expect(formatDuration(44_600)).toBe('45 s')
    expect(formatDuration(125_000)).toBe('2 min 05 s')
    expect(formatDuration(3_840_000)).toBe('1 h 04 min')
  })

  it('estimates the planned rounds from the time per round so far, without a budget', () => {
    // 6 of 24 rounds in 60 s: 10 s a round, 18 left.
    const s = progressState(event(6, 24, 60_000), 24, 60_000)
    expect(s.plannedLeftMs).toBe(180_000)
    expect(s.fraction).toBeCloseTo(0.25)
    expect(progressLine(s)).toBe('progress: 6/24 rounds · 1 min 00 s so far · ETA 3 min 00 s')
  })

  it('while the planned rounds run, gives their ETA and the bound the budget sets', () => {
    const s = progressState(event(6, 24, 60_000, 600_000), 24, 60_000)
    expect(progressLine(s)).toBe(
      'progress: 6/24 rounds · budget 1 min 00 s of 10 min 00 s spent, 9 min 00 s left · ETA 3 min 00 s for the planned rounds, at most 9 min 00 s if entries stay undecided',
    )
    // The bar fills by time against the budget: a tenth of it.
    expect(s.fraction).toBeCloseTo(0.1)
  })

  it('while deciding, says the total grew and bounds the end by the budget left', () => {
    const s = progressState(event(31, 32, 250_000, 300_000), 24, 250_000)
    expect(progressLine(s)).toBe(
      'progress: 31/32 rounds (8 added to decide) · budget 4 min 10 s of 5 min 00 s spent, 50 s left · ETA at most 50 s (sooner once every entry is decided)',
    )
    const bar = progressBar(s, 'head search @ 10 conn  round 16/16', 200)
    expect(bar).toMatch(/^\[█{17}░{3}\] 31\/32 · 4 min 10 s of 5 min 00 s · ≤ 50 s left │ head search/)
    expect(Array.from(progressBar(s, 'x'.repeat(300), 80))).toHaveLength(80)
  })
})

describe('progress on a terminal and in a log', () => {
  it('redraws one line in place on a terminal, and keeps an invalid round on screen', () => {
    const tty = fakeStream(true)
    const printer = progressPrinter(tty, { env: {} })
    printer.onRound(event(1, 4, 10_000, 60_000))
    printer.onRound(event(2, 4, 20_000, 60_000, false))
    printer.onRound(event(3, 4, 30_000, 60_000))
    printer.finish()
    const frames = tty.text.split('\r\x1b[2K').filter((f) => f !== '')
    expect(frames).toHaveLength(4)
    const bars = frames.filter((f) => /^\[[█░]/.test(f))
    expect(bars).toHaveLength(3)
    expect(frames[1]).toMatch(/^\[2\/4\] head search @ 10 conn .*INVALID: no successful response\n$/)
    // Every bar fits the terminal (99 columns) and drops the round's own count, which the bar shows.
    for (const f of bars) expect(Array.from(f.trimEnd()).length).toBeLessThanOrEqual(99)
    expect(bars[2]).toMatch(/^\[█+░*\] 3\/4 · 30 s of 1 min 00 s · ETA 10 s │ base search @ 10 conn {2}round 2\/2/)
    expect(tty.text.endsWith('\n')).toBe(true)
  })

  it('writes plain lines to a pipe, and on a terminal under CI: a progress line at most every ten seconds', () => {
    for (const [stream, env] of [
      [fakeStream(false), {}],
      [fakeStream(true), { CI: 'true' }],
    ] as const) {
      let clock = 0
      const printer = progressPrinter(stream, { env, now: () => clock })
      for (let done = 1; done <= 8; done++) {
        clock = done * 4000
        printer.onRound(event(done, 8, clock, 120_000))
      }
      printer.finish()
      expect(stream.text).not.toContain('\r')
      const lines = stream.text.trimEnd().split('\n')
      expect(lines.filter((l) => l.startsWith('['))).toHaveLength(8)
      // After round 1 (4 s), then 12 s ≥ 10 s later (round 4) and again at 24 s (round 7); not after the last.
      const progress = lines.filter((l) => l.startsWith('progress: '))
      expect(progress.map((l) => l.split(' · ')[0])).toEqual(['progress: 1/8 rounds', 'progress: 4/8 rounds', 'progress: 7/8 rounds'])
      expect(progress[1]).toContain('budget 16 s of 2 min 00 s spent, 1 min 44 s left')
    }
  })

  it('is live only on a terminal outside CI and not a dumb one', () => {
    expect(isLive({ isTTY: true, write: () => true }, {})).toBe(true)
    expect(isLive({ isTTY: false, write: () => true }, {})).toBe(false)
    expect(isLive({ write: () => true }, {})).toBe(false)
    expect(isLive({ isTTY: true, write: () => true }, { CI: 'true' })).toBe(false)
    expect(isLive({ isTTY: true, write: () => true }, { TERM: 'dumb' })).toBe(false)
  })

  it('times a run itself when the events carry no elapsed time', () => {
    let clock = 1000
    const lines: string[] = []
    const log = progressLog((l) => lines.push(l), { now: () => clock })
    clock = 11_000
    const { elapsedMs: _elapsed, ...bare } = event(1, 3, 0)
    log(bare)
    expect(lines[1]).toBe('progress: 1/3 rounds · 10 s so far · ETA 20 s')
  })
})
