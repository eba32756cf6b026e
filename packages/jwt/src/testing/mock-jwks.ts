import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JsonWebKeySet } from '@social-auth/core'

/**
 * How a mocked JWKS endpoint misbehaves. `timeout` never answers: like a hung socket, it holds
 * the process open until the request's signal aborts (the verifier's `jwks.timeoutMs` does), and
 * a request without a signal waits forever.
 */
export type JwksFailure = 'http-500' | 'network' | 'garbage' | 'timeout'

/** A JWKS endpoint under a test's control. */
export interface MockJwks {
  /** Where it is served (for `jwksUrl`). */
  readonly url: string
  /** How many times it was fetched. */
  readonly calls: number
  /** Serve other keys from now on (a rotation). */
  setKeys(keys: JsonWebKeySet): void
  /** Fail every fetch from now on in this way; `undefined` heals it. */
  fail(mode: JwksFailure | undefined): void
}

/** A {@link MockJwks} served through an injected `fetch` (no socket). */
export interface MockJwksFetch extends MockJwks {
  readonly fetch: typeof fetch
}

/** A {@link MockJwks} served over HTTP on 127.0.0.1. */
export interface MockJwksServer extends MockJwks {
  close(): Promise<void>
}

interface State {
  keys: JsonWebKeySet
  failure: JwksFailure | undefined
  calls: number
}

const toSet = (
  keys: JsonWebKeySet | readonly { publicJwk: Readonly<Record<string, unknown>> }[],
): JsonWebKeySet =>
  Array.isArray(keys)
    ? {
        keys: (keys as readonly { publicJwk: Readonly<Record<string, unknown>> }[]).map((key) => ({
          ...key.publicJwk,
        })),
      }
    : (keys as JsonWebKeySet)

function controls(state: State, url: string): MockJwks {
  return {
    url,
    get calls() {
      return state.calls
    },
    setKeys(keys) {
      state.keys = keys
    },
    fail(mode) {
      state.failure = mode
    },
  }
}

/**
 * A JWKS served by a fake `fetch`: pass `fetch` to the verifier and count `calls`.
 *
 * @example
 * ```ts
 * const key = createTestKey('ES256')
 * const jwks = mockJwksFetch([key])
 * const verifier = createVerifier({ jwksUrl: jwks.url, fetch: jwks.fetch, issuer, audience })
 * ```
 */
export function mockJwksFetch(
  keys: JsonWebKeySet | readonly { publicJwk: Readonly<Record<string, unknown>> }[],
  url = 'https://issuer.test/.well-known/jwks.json',
): MockJwksFetch {
  const state: State = { keys: toSet(keys), failure: undefined, calls: 0 }
  const fake = async (_input: unknown, init?: RequestInit): Promise<Response> => {
    state.calls += 1
    switch (state.failure) {
      case 'network':
        throw new TypeError('fetch failed')
      case 'http-500':
        return new Response('upstream error', { status: 500 })
      case 'garbage':
        return new Response('<html>not json</html>', { status: 200 })
      case 'timeout':
        return new Promise((_resolve, reject) => {
          const signal = init?.signal
          if (!signal) return // as a real fetch to a hung server without a deadline: never
          if (signal.aborted) {
            reject(signal.reason as Error)
            return
          }
          // A hung server's open socket keeps the process alive until the caller gives up; so
          // does this, or a script outside jest would end before its timeout fires.
          const hold = setInterval(() => {}, 60_000)
          signal.addEventListener(
            'abort',
            () => {
              clearInterval(hold)
              reject(signal.reason as Error)
            },
            { once: true },
          )
        })
      default:
        return Response.json(state.keys)
    }
  }
  return {
    ...controls(state, url),
    fetch: fake,
    get calls() {
      return state.calls
    },
  }
}

/**
 * A JWKS served over real HTTP on 127.0.0.1 (for apps that fetch with the global `fetch`).
 *
 * @example
 * ```ts
 * const server = await startJwksServer([createTestKey('EdDSA')])
 * const app = createApp({ JWT_JWKS_URL: server.url, ... })
 * await server.close()
 * ```
 */
export async function startJwksServer(
  keys: JsonWebKeySet | readonly { publicJwk: Readonly<Record<string, unknown>> }[],
): Promise<MockJwksServer> {
  const state: State = { keys: toSet(keys), failure: undefined, calls: 0 }
  const server: Server = createServer((_req, res) => {
    state.calls += 1
    if (state.failure === 'network') res.destroy()
    else if (state.failure === 'http-500') res.writeHead(500).end('upstream error')
    else if (state.failure === 'garbage') res.writeHead(200).end('<html>not json</html>')
    // 'timeout': never answer; the client's timeout fires.
    else if (state.failure !== 'timeout')
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.keys))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}/.well-known/jwks.json`
  return {
    ...controls(state, url),
    get calls() {
      return state.calls
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
