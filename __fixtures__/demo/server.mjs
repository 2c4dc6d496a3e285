// The demo app: plain node:http, a few endpoints with different costs. Also the app the accuracy
// benchmark and the end-to-end tests slow down on purpose:
//   DEMO_SLOWDOWN=25%          makes the slowable routes 25 % more expensive
//   DEMO_SLOW_ROUTES=cpu,delay limits that to some routes (default: all of cpu, delay, tail, search)
//   DEMO_EXIT_AFTER=1500       exits with code 70 that many ms after its first request other than
//                              /health (a crash timed from the load, not from a start-up whose
//                              length depends on how busy the machine is)
//   DEMO_LIMIT=4               /limited serves at most this many requests at a time (the rest wait
//                              their turn), each taking 20 ms (times the slowdown): its capacity is
//                              DEMO_LIMIT / 20 ms = 200 req/s by default
// GET /checkout prices a basket in priceBasket, a named function for the CPU profile tests.
// Routes for the load profiles: /leak keeps 16 KiB per request, or ?bytes=N (soak), /queue holds the one thread for
// ?ms=N milliseconds so requests queue behind each other (spike recovery), /blob?size=N answers with
// N bytes and POST /upload reads a body of any size (volume). /stream?mib=N streams N MiB from one
// reused buffer, so the app can answer a body larger than it (or a JavaScript string) could hold.
import http from 'node:http'

const port = Number(process.env.PORT ?? 3917)
const slowdown = Number.parseFloat(process.env.DEMO_SLOWDOWN ?? '0') / 100
const slowRoutes = new Set((process.env.DEMO_SLOW_ROUTES ?? 'cpu,delay,tail,search,limited').split(','))
const factor = (route) => (slowRoutes.has(route) ? 1 + slowdown : 1)

const users = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `user ${i + 1}`, email: `user${i + 1}@example.test` }))
const usersJson = JSON.stringify(users)
const leaked = []
// /limited: a worker pool of DEMO_LIMIT slots; a request that finds them all busy waits in line.
const limit = Math.max(1, Number(process.env.DEMO_LIMIT ?? 4))
const waiting = []
let busy = 0
function limited(res) {
  if (busy >= limit) {
    waiting.push(res)
    return
  }
  busy++
  setTimeout(
    () => {
      busy--
      send(res, 200, '{"served":true}')
      const next = waiting.shift()
      if (next !== undefined) limited(next)
    },
    Math.round(20 * factor('limited')),
  )
}
let created = 0
const streamChunk = Buffer.alloc(1024 * 1024, 'x')

// Fixed CPU work, so "25 % slower" means 25 % more instructions, not a sleep.
function burn(iterations) {
  let x = 0
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) % 1_000_003
  return x
}

// GET /checkout calls this named function, which the CPU profile tests (issue 21) make slower in a
// test commit: the profile diff must name it first.
function priceBasket(items) {
  let total = 0
  for (let i = 0; i < items; i++) total = (total * 33 + i * 7) % 1_000_000_007
  return total
}

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

const routes = {
  'GET /health': (_req, res) => send(res, 200, '{"ok":true}'),
  'GET /users': (_req, res) => send(res, 200, usersJson),
  'POST /users': (req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => send(res, 201, JSON.stringify({ id: ++created, ...JSON.parse(body || '{}') })))
  },
  'GET /search': (_req, res) => {
    const digit = String(burn(Math.round(20_000 * factor('search'))) % 10)
    const hits = users.filter((u) => u.name.includes(digit))
    send(res, 200, JSON.stringify(hits))
  },
  'GET /checkout': (_req, res) => send(res, 200, JSON.stringify({ total: priceBasket(40_000) })),
  'GET /cpu': (_req, res) => send(res, 200, JSON.stringify({ x: burn(Math.round(100_000 * factor('cpu'))) })),
  'GET /delay': (_req, res) => setTimeout(() => send(res, 200, '{"waited":true}'), Math.round(20 * factor('delay'))),
  'GET /tail': (_req, res) => {
    // Most requests are quick; one in fifty waits, and the slowdown stretches that wait.
    if (Math.random() < 0.02) setTimeout(() => send(res, 200, '{"slow":true}'), Math.round(20 * factor('tail')))
    else send(res, 200, '{"slow":false}')
  },
  'GET /leak': (req, res) => {
    const bytes = Number(new URL(req.url, 'http://demo').searchParams.get('bytes') ?? 16 * 1024)
    leaked.push(Buffer.alloc(bytes, 1))
    send(res, 200, JSON.stringify({ held: leaked.length }))
  },
  'GET /limited': (_req, res) => limited(res),
  'GET /queue': (req, res) => {
    const ms = Number(new URL(req.url, 'http://demo').searchParams.get('ms') ?? 2)
    const until = performance.now() + ms
    while (performance.now() < until) {
      // one request at a time: the next waits in the accept queue, as behind a single worker
    }
    send(res, 200, '{"queued":true}')
  },
  'GET /blob': (req, res) => {
    const size = Math.min(64 * 1024 * 1024, Number(new URL(req.url, 'http://demo').searchParams.get('size') ?? 1024))
    send(res, 200, 'x'.repeat(size), 'application/octet-stream')
  },
  'GET /stream': (req, res) => {
    const mib = Math.min(4096, Number(new URL(req.url, 'http://demo').searchParams.get('mib') ?? 1))
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': mib * streamChunk.length })
    let left = mib
    if (left <= 0) return void res.end()
    const more = () => {
      while (left > 0) {
        left--
        if (left === 0) res.end(streamChunk)
        else if (!res.write(streamChunk)) return void res.once('drain', more)
      }
    }
    more()
  },
  'POST /upload': (req, res) => {
    let received = 0
    req.on('data', (chunk) => (received += chunk.length))
    req.on('end', () => send(res, 200, JSON.stringify({ received })))
  },
  'GET /crash': () => process.exit(70),
}

const exitAfter = Number(process.env.DEMO_EXIT_AFTER ?? 0)
let crashArmed = false
function armCrash() {
  crashArmed = true
  setTimeout(() => {
    console.error('demo app: crashing on purpose (DEMO_EXIT_AFTER)')
    process.exit(70)
  }, exitAfter)
}

const server = http.createServer((req, res) => {
  if (exitAfter > 0 && !crashArmed && req.url !== '/health') armCrash()
  const route = routes[`${req.method} ${req.url.split('?')[0]}`]
  if (route === undefined) send(res, 404, '{"error":"not found"}')
  else route(req, res)
})
server.keepAliveTimeout = 30_000
server.listen(port, '127.0.0.1', () => {
  console.log(`demo app listening on http://127.0.0.1:${port}`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
