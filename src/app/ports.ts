import { PORT_PLACEHOLDER } from '../config/plan.js'
import net from 'node:net'

/** A TCP port on 127.0.0.1 that was free a moment ago, for an app Cannonade starts itself. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** What an app is started with on `port`: `{port}` filled in everywhere, and PORT unless env sets it. */
export function startedOn(
  app: { readonly command: string; readonly env: Readonly<Record<string, string>> },
  port: number,
): { command: string; env: Record<string, string> } {
  const fill = (text: string): string => text.split(PORT_PLACEHOLDER).join(String(port))
  const env: Record<string, string> = { PORT: String(port) }
  for (const [name, value] of Object.entries(app.env)) env[name] = fill(value)
  return { command: fill(app.command), env }
}
