// Progress while rounds run. In a terminal: one line redrawn in place, a bar filled by time with the
// rounds, the budget and the ETA, then the last round. Elsewhere (a CI log, a file, a pipe), where
// carriage returns would pile up into one unreadable line: plain lines, each round's and a progress
// line at most every ten seconds (report/progress.ts).
import type { RoundEvent } from '../load/schedule.js'
import { progressBar, progressLog, ProgressTracker } from '../report/progress.js'
import { roundLine } from '../report/terminal.js'

/** The part of a stream the printer uses, so tests can hand it a fake terminal. */
export interface ProgressStream {
  readonly isTTY?: boolean
  readonly columns?: number
  write(text: string): unknown
}

/** What decides live or plain, and the clock; defaults are the process's. */
export interface ProgressOptions {
  readonly env?: NodeJS.ProcessEnv
  readonly now?: () => number
}

/** Redrawn in place only on a terminal outside CI (a CI runner may give a TTY that its log cannot redraw). */
export function isLive(stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env['CI'] === undefined || env['CI'] === '') && env['TERM'] !== 'dumb'
}

/** Writes round events to a stream, live or plain depending on whether it is a terminal. */
export function progressPrinter(
  stream: ProgressStream,
  options: ProgressOptions = {},
): { onRound(event: RoundEvent): void; finish(): void } {
  if (!isLive(stream, options.env)) {
    const log = progressLog((line) => stream.write(`${line}\n`), options.now === undefined ? {} : { now: options.now })
    return { onRound: log, finish() {} }
  }
  const tracker = new ProgressTracker(options.now)
  let pending = false
  return {
    onRound(event) {
      const state = tracker.update(event)
      const line = roundLine(event)
      // An invalid round stays on screen above the bar: it is the line a user must not miss.
      if (!event.result.valid) stream.write(`\r\x1b[2K${line}\n`)
      const width = stream.columns !== undefined && stream.columns > 10 ? stream.columns - 1 : 120
      stream.write(`\r\x1b[2K${progressBar(state, line.replace(/^\[\d+\/\d+\] /, ''), width)}`)
      pending = true
    },
    finish() {
      if (pending) stream.write('\n')
      pending = false
    },
  }
}
