// What the load generator keeps of each response body. autocannon appends every body chunk to a string
// in its request queue, whether anything reads it or not: a body over ~512 MiB (the longest string V8
// makes) threw a RangeError inside its socket handler and crashed the run, and any large body cost its
// size in memory on the thread that times responses. Here the queue of each client is taken over
// (from `setupClient`) so that a body is kept only when `expect.body` will read it, and then only up
// to a limit: a larger one is dropped and marked, and its round judged invalid (assess.ts).

/** A body `expect.body` reads is kept up to this many bytes; a larger response makes its round invalid. */
export const BODY_KEEP_LIMIT_BYTES = 32 * 1024 * 1024

// The parts of autocannon's PipelinedRequestsQueue (lib/pipelinedRequestsQueue.js) used here.
interface Pending {
  body: string
  chunks?: Buffer[]
  keptBytes?: number
  oversized?: boolean
}
interface RequestQueue {
  peek(): Pending | undefined
  addBody(data: Buffer): void
  terminateRequest(): Pending | undefined
}

function isRequestQueue(value: unknown): value is RequestQueue {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof Reflect.get(value, 'peek') === 'function' &&
    typeof Reflect.get(value, 'addBody') === 'function' &&
    typeof Reflect.get(value, 'terminateRequest') === 'function'
  )
}

/**
 * Takes over how an autocannon client keeps response bodies: none when `keepBytes` is 0, otherwise
 * each one up to `keepBytes`, decoded once when complete (a UTF-8 character split across chunks
 * stays whole). `onComplete` is told, synchronously before autocannon hands the body on, whether the
 * response just completed was over the limit (its body is then empty). Call from `setupClient`.
 */
export function limitBodies(client: object, keepBytes: number, onComplete: (oversized: boolean) => void): void {
  const queue: unknown = Reflect.get(client, 'pipelinedRequests')
  if (!isRequestQueue(queue)) throw new Error('autocannon client internals changed: cannot limit response bodies (pipelinedRequests)')
  const peek = queue.peek.bind(queue)
  const terminate = queue.terminateRequest.bind(queue)
  queue.addBody = (data) => {
    if (keepBytes === 0) return
    const pending = peek()
    if (pending === undefined || pending.oversized === true) return
    const kept = (pending.keptBytes ?? 0) + data.length
    if (kept > keepBytes) {
      pending.oversized = true
      pending.chunks = []
      return
    }
    pending.keptBytes = kept
    // A view into the socket's chunk: copied once, at the end, into the decoded body.
    ;(pending.chunks ??= []).push(data)
  }
  queue.terminateRequest = () => {
    const done = terminate()
    if (done !== undefined && done.chunks !== undefined) {
      done.body = done.oversized === true ? '' : Buffer.concat(done.chunks).toString('utf8')
      done.chunks = []
    }
    onComplete(done?.oversized === true)
    return done
  }
}
