// An Express 5 app written the way a new user's service is, for trying Cannonade on a framework it
// was not built around (README, *soak*, the Express runs). Not a dependency of the project: install
// Express beside it first (`npm i --no-save express@5`), then start it with PORT set. GET /products
// pages through a catalogue and keeps nothing; GET /recent keeps a 1 KB string a request (a history
// meant to be bounded that nothing trims); GET /search hashes the query 2000 times.
import express from 'express'
import crypto from 'node:crypto'

const app = express()
app.use(express.json())

const products = Array.from({ length: 1000 }, (_, i) => ({
  id: i,
  name: `product ${i}`,
  price: (i * 1.37).toFixed(2),
  tags: ['a', 'b', 'c'].slice(0, (i % 3) + 1),
}))

app.get('/health', (req, res) => res.json({ ok: true }))

// Page through the catalogue: builds a fresh page each request and keeps nothing.
app.get('/products', (req, res) => {
  const page = Number(req.query.page ?? Math.floor(Math.random() * 25))
  const rows = products.slice(page * 40, page * 40 + 40).map((p) => ({ ...p, label: `${p.name} [${p.tags.join(',')}]` }))
  res.json({ page, rows })
})

// Search: hashes the query a number of rounds (stands in for ranking work).
const ROUNDS = 2000
app.get('/search', (req, res) => {
  let digest = String(req.query.q ?? '')
  for (let i = 0; i < ROUNDS; i++) digest = crypto.createHash('sha256').update(digest).digest('hex')
  res.json({ q: req.query.q, digest })
})

// Recently viewed: meant to be bounded, but nothing ever trims it.
const recent = []
app.get('/recent', (req, res) => {
  recent.push({ at: Date.now(), q: String(req.query.q ?? ''), pad: 'x'.repeat(1000) })
  res.json({ count: recent.length })
})

const port = Number(process.env.PORT ?? 3000)
app.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`))
