import { timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the browser brought back to the loopback port. */
export interface LoopbackResult {
  readonly code?: string | undefined
  readonly error?: string | undefined
  readonly state?: string | undefined
}

/** A one-shot HTTP listener on 127.0.0.1 (RFC 8252 §7.3), on a port the OS picks. */
export interface LoopbackReceiver {
  /** `http://127.0.0.1:<port>/callback`. */
  readonly redirectUri: string
  /** Resolves with the first callback that carries this sign-in's state, or rejects after `timeoutMs`. */
  wait(timeoutMs: number): Promise<LoopbackResult>
  close(): Promise<void>
}

const PAGE = (message: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>social-auth CLI</title></head><body><main><h1>${message}</h1><p>You can close this window and return to the terminal.</p></main></body></html>`

const sameState = (received: string | null, expected: Buffer): boolean => {
  if (received === null) return false
  const bytes = Buffer.from(received)
  return bytes.length === expected.length && timingSafeEqual(bytes, expected)
}

/**
 * Starts the receiver for the sign-in whose `state` is `expectedState`. Only `GET /callback`
 * counts, anything else gets a 404. A callback with another state (or none) is answered 400
 * and ignored: any web page can send the browser to this port (a no-cors GET), and taking its
 * answer would end the real sign-in before the user finished it. The receiver keeps waiting
 * for its own state until the timeout.
 */
export async function startLoopbackReceiver(expectedState: string): Promise<LoopbackReceiver> {
  const expected = Buffer.from(expectedState)
  let delivered = false
  let deliver: (result: LoopbackResult) => void = () => {}
  const received = new Promise<LoopbackResult>((resolve) => {
    deliver = resolve
  })
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404).end()
      return
    }
    const state = url.searchParams.get('state')
    if (delivered || !sameState(state, expected)) {
      res.writeHead(400, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      })
      res.end(PAGE('This answer does not belong to the sign-in in progress'))
      return
    }
    delivered = true
    const result = {
      code: url.searchParams.get('code') ?? undefined,
      error: url.searchParams.get('error') ?? undefined,
      state: state ?? undefined,
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    res.end(PAGE(result.code ? 'Signed in' : 'Sign-in did not complete'))
    deliver(result)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    wait(timeoutMs) {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`no answer from the browser within ${Math.round(timeoutMs / 1000)} s`),
            ),
          timeoutMs,
        )
      })
      return Promise.race([received, timeout]).finally(() => clearTimeout(timer))
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
