// A Node app for bench/soak.ts with the allocation pattern of a typical JSON API (an Express-style
// handler building and serialising a page of objects, and a bounded cache), so V8 sizes its heap the
// way a real service makes it: /catalog keeps nothing beyond its 500-entry cache; /leak?bytes=N keeps N
// bytes a request.
import http from 'node:http'

const port = Number(process.env.PORT ?? 3920)
const products = Array.from({ length: 2000 }, (_, i) => ({
  id: i,
  name: `product ${i}`,
  tags: [`t${i % 7}`, `t${i % 11}`],
  price: i * 0.37,
}))
const cache = new Map()
const kept = []

function send(res, body) {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

function catalog(page) {
  const hit = cache.get(page)
  if (hit !== undefined) return hit
  const rows = products
    .slice((page * 40) % 2000, ((page * 40) % 2000) + 40)
    .map((p) => ({ ...p, label: `${p.name} (${p.tags.join(', ')})` }))
  const body = JSON.stringify({ page, rows, at: Date.now() })
  // Bounded: the oldest page goes once 500 are held, so the cache reaches its size and stays there.
  cache.set(page, body)
  if (cache.size > 500) cache.delete(cache.keys().next().value)
  return body
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://app')
  if (url.pathname === '/health') return send(res, '{"ok":true}')
  if (url.pathname === '/catalog') return send(res, catalog(Math.floor(Math.random() * 5000)))
  if (url.pathname === '/leak') {
    kept.push(Buffer.alloc(Number(url.searchParams.get('bytes') ?? 1024), 1))
    return send(res, JSON.stringify({ held: kept.length }))
  }
  res.writeHead(404).end()
})
server.listen(port, '127.0.0.1')
process.on('SIGTERM', () => server.close(() => process.exit(0)))
