// Records when each request arrives (ms, monotonic clock), for checking how evenly a load generator
// paces its requests. GET /arrivals returns the times recorded so far and clears them. With STALL_MS
// and STALL_EVERY_MS set, the server blocks for STALL_MS at the start of every STALL_EVERY_MS.
import http from 'node:http'

const stallMs = Number(process.env.STALL_MS ?? 0)
const everyMs = Number(process.env.STALL_EVERY_MS ?? 1000)
let arrivals = []
http
  .createServer((req, res) => {
    if (req.url === '/arrivals') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(arrivals))
      arrivals = []
      return
    }
    arrivals.push(performance.now())
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 })
    res.end('ok')
  })
  .listen(Number(process.env.PORT ?? 0), '127.0.0.1', function () {
    console.log(`listening ${this.address().port}`)
  })
if (stallMs > 0) {
  setInterval(() => {
    const end = performance.now() + stallMs
    while (performance.now() < end);
  }, everyMs)
}
