// A small CPU-bound service: /hash digests a 1 KB buffer ROUNDS times.
import { createServer } from 'node:http'
import { createHash } from 'node:crypto'
const ROUNDS = Number(process.env.HASH_ROUNDS ?? 400)
const buf = Buffer.alloc(1024, 7)
createServer((req, res) => {
  if (req.url === '/health') return res.end('ok')
  if (req.url?.startsWith('/hash')) {
    let d = buf
    for (let i = 0; i < ROUNDS; i++) d = createHash('sha256').update(d).update(buf).digest()
    res.setHeader('content-type', 'application/json')
    return res.end(JSON.stringify({ digest: d.toString('hex') }))
  }
  res.statusCode = 404
  res.end()
}).listen(Number(process.env.PORT), '127.0.0.1')
