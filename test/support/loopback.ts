import { createServer, Server, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A server listening on an ephemeral port of 127.0.0.1 (tests never leave the machine). */
export interface Loopback {
  readonly server: Server
  readonly port: number
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string
  /** Stops listening and drops kept-alive connections, so closing never waits on a client. */
  close(): Promise<void>
}

/**
 * Serves an app (an Express app, any request listener) or a server on 127.0.0.1, on a free
 * port unless `port` names one (a test restarting a server at the same address).
 *
 * @example
 * ```ts
 * const api = await listenLoopback(app)
 * await fetch(`${api.url}/health`)
 * await api.close()
 * ```
 */
export async function listenLoopback(
  target: RequestListener | Server = createServer(),
  port = 0,
): Promise<Loopback> {
  const server = target instanceof Server ? target : createServer(target)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  return {
    server,
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Keep-alive connections (fetch's, our provider agent's) would otherwise hold close().
        server.closeAllConnections()
      }),
  }
}
