// The pacer on stand-in clients shaped like autocannon's: which connection sends, and from which
// moment each request is timed.
import { describe, expect, it } from 'vitest'
import { Pacer, PacerSetupError } from '../../src/load/pacer.js'

interface FakeClient {
  _doRequest: () => void
  pipelinedRequests: { pendingRequests: { startTime: [number, number] }[] }
}

/**
 * A client like autocannon's httpClient: `_doRequest` writes a request stamped with hrtime and, while
 * the server `answers`, gets its response at once and asks for the next one through `_doRequest`.
 */
function fakeClient(name: string, sent: string[], server: { answers: boolean }): FakeClient {
  const client: FakeClient = {
    pipelinedRequests: { pendingRequests: [] },
    _doRequest(): void {
      sent.push(name)
      client.pipelinedRequests.pendingRequests.push({ startTime: process.hrtime() })
      if (server.answers) setImmediate(() => client._doRequest())
    },
  }
  return client
}

describe('the pacer', () => {
  it('sends on the connection free the longest, and backdates a late request to its intended moment', async () => {
    const sent: string[] = []
    const server = { answers: true }
    const a = fakeClient('a', sent, server)
    const b = fakeClient('b', sent, server)
    const pacer = new Pacer(100, 'even')
    pacer.attach(a)
    pacer.attach(b)
    // Both connections are free (as after connecting): the schedule alternates between them.
    a._doRequest()
    b._doRequest()
    pacer.start()
    // Two moments at 100/s take 20 ms; on a busy machine this process may not run for longer than that
    // (45 ms once saw only three sends), so wait for them rather than for a fixed time.
    await expect.poll(() => sent.length, { timeout: 10_000, interval: 5 }).toBeGreaterThanOrEqual(4)
    expect(sent.slice(0, 4)).toEqual(['a', 'b', 'a', 'b'])
    // The server stops answering: once both connections are busy the next moments wait, and the
    // request that leaves when one frees up is timed from its intended moment, tens of ms ago.
    server.answers = false
    await new Promise((resolve) => setTimeout(resolve, 25))
    sent.length = 0
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(sent).toEqual([])
    a._doRequest()
    pacer.stop()
    expect(sent).toEqual(['a'])
    const last = a.pipelinedRequests.pendingRequests.at(-1)
    const [s, ns] = process.hrtime(last?.startTime)
    expect(s * 1000 + ns / 1e6).toBeGreaterThan(25)
  })

  it('refuses a client without the internals it drives', () => {
    const pacer = new Pacer(10, 'even')
    expect(() => pacer.attach({})).toThrow(PacerSetupError)
    pacer.stop()
  })
})
