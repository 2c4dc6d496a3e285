// Progress while rounds run: a live line that rewrites itself in a terminal, one plain line per round
// in a CI log (where carriage returns would pile up into one unreadable line).
import type { RoundEvent } from '../load/schedule.js'
import { roundLine } from '../report/terminal.js'

/** Writes round events to a stream, live or plain depending on whether it is a terminal. */
export function progressPrinter(stream: NodeJS.WriteStream): { onRound(event: RoundEvent): void; finish(): void } {
  const live = stream.isTTY && process.env['CI'] === undefined
  let pending = false
  return {
    onRound(event) {
      const line = roundLine(event)
      if (!live || !event.result.valid) {
        if (pending) stream.write('\n')
        stream.write(`${line}\n`)
        pending = false
        return
      }
      const width = stream.columns > 10 ? stream.columns - 1 : 120
      stream.write(`\r\x1b[2K${line.slice(0, width)}`)
      pending = true
    },
    finish() {
      if (pending) stream.write('\n')
      pending = false
    },
  }
}
