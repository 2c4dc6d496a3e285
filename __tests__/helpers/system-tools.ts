// .ci/run installs the system packages some tests use (cmark-gfm, Chromium) in the background while
// it installs and builds the project, and names in CANNONADE_SYSTEM_TOOLS a file it writes once that
// install has ended, however it ended. The helpers for those packages wait for that file before they
// look for a program, so a test never races the install; without the variable they look at once.
import { existsSync } from 'node:fs'

/** How long a test waits for the install at most: longer than .ci/run gives apt-get. */
const WAIT_MS = 15 * 60_000

/** Blocks until .ci/run's background install of system packages has ended; returns at once outside it. */
export function awaitSystemTools(): void {
  const done = process.env['CANNONADE_SYSTEM_TOOLS']
  if (done === undefined || done === '') return
  const sleeper = new Int32Array(new SharedArrayBuffer(4))
  const deadline = Date.now() + WAIT_MS
  while (!existsSync(done)) {
    if (Date.now() > deadline) throw new Error(`the system packages' install (${done}) did not end within ${WAIT_MS / 60_000} minutes`)
    Atomics.wait(sleeper, 0, 0, 250)
  }
}
