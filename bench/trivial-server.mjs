// The smallest useful HTTP server, for measuring load generators rather than apps.
import http from 'node:http'

const body = 'ok'
http
  .createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length })
    res.end(body)
  })
  .listen(Number(process.env.PORT ?? 0), '127.0.0.1', function () {
    console.log(`listening ${this.address().port}`)
  })
