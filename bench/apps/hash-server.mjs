// A small CPU-bound service in the style of an Express search route, written with nothing but
// node:http, for the carryover and same-job benches: each request hashes HASH_ITEMS items and
// builds a JSON answer (so the app both burns CPU and allocates, like a real route). HASH_SLOWDOWN
// (percent) makes every request hash that much more, the change a same-job run must catch.
// With HASH_GC_STATS=1, GET /gc answers the main thread's garbage-collection pauses so far (ms and
// count, by kind), for bench/process-offset.ts to tell a launch's collector cost from the rest of its
// CPU; without it nothing observes the collector, so the other benches measure the app as before.
import { createHash } from 'node:crypto'
import http from 'node:http'
import { PerformanceObserver, constants } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'

const items = Math.round(Number(process.env.HASH_ITEMS ?? 200) * (1 + Number(process.env.HASH_SLOWDOWN ?? 0) / 100))
const port = Number(process.env.PORT ?? 0)
const waitMs = Number(process.env.HASH_WAIT_MS ?? 0)
// HASH_BUSY_THREAD=share: a worker thread beside the server computes that share of the time (10 ms
// busy at a time), a change that competes with the route for the app's own CPU (bench/cpu-access.ts).
const busyShare = Number(process.env.HASH_BUSY_THREAD ?? 0)
if (busyShare > 0) {
  const loop = `const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
for (;;) { const until = Date.now() + 10; while (Date.now() < until); pause(${(10 * (1 - busyShare)) / busyShare}) }`
  new Worker(loop, { eval: true }).unref()
}

// HASH_IMPL=js hashes in JavaScript instead of node:crypto: the same allocation of strings and hits
// without a native object a hash (each createHash is one, freed by the collector's weak-handle
// callbacks), for bench/gc-phases.ts and bench/process-offset.ts to ask whether those cost a launch.
const jsHashing = process.env.HASH_IMPL === 'js'

function jsDigest(text) {
  let h = 0x811c9dc5
  let g = 0x9e3779b9
  const words = []
  for (let word = 0; word < 8; word++) {
    for (let round = 0; round < 2; round++) {
      for (let c = 0; c < text.length; c++) {
        h = Math.imul(h ^ text.charCodeAt(c), 16777619)
        g = Math.imul(g ^ (h >>> 13), 2246822519)
      }
    }
    words.push(((h ^ g) >>> 0).toString(16).padStart(8, '0'))
  }
  return words.join('')
}

function search(query) {
  const hits = []
  for (let i = 0; i < items; i++) {
    const digest = jsHashing ? jsDigest(`${query}:${i}`) : createHash('sha256').update(`${query}:${i}`).digest('hex')
    if (digest.charCodeAt(0) < 52) hits.push({ id: i, digest: digest.slice(0, 16) })
  }
  return hits
}

const gcStats = process.env.HASH_GC_STATS === '1'
const gc = { minor: { ms: 0, count: 0 }, major: { ms: 0, count: 0 } }
if (gcStats) {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR ? gc.minor : gc.major
      kind.ms += entry.duration
      kind.count += 1
    }
  }).observe({ entryTypes: ['gc'] })
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (url.pathname === '/health') {
    res.end('ok')
    return
  }
  if (gcStats && url.pathname === '/gc') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(gc))
    return
  }
  if (url.pathname === '/search') {
    const answer = () => {
      const body = JSON.stringify({ query: url.searchParams.get('q') ?? '', hits: search(url.searchParams.get('q') ?? 'x') })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(body)
    }
    // HASH_WAIT_MS: the route first waits that long (a call to another service), a change that costs
    // time and no CPU (bench/cpu-access.ts).
    if (waitMs > 0) setTimeout(answer, waitMs)
    else answer()
    return
  }
  res.statusCode = 404
  res.end()
})
server.listen(port, '127.0.0.1')
