import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
} from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import { BufferedResponse } from './buffered-response.js'

/**
 * The largest provider answer read (token, userinfo, discovery, JWKS): a hostile or broken
 * endpoint cannot make us buffer without bound. Generous: the largest real ones are JWKS of a
 * few dozen keys.
 */
export const MAX_PROVIDER_RESPONSE_BYTES = 4 * 1024 * 1024

// Idle connections are closed after this long, under the 5 s keep-alive of Node's own servers
// and most proxies, so we rarely reuse a socket the other side is about to close.
const IDLE_SOCKET_MS = 4_000
const httpAgent = new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS })
const httpsAgent = new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS })

/** Options of {@link httpFetch} beyond fetch's. */
export interface HttpFetchOptions {
  /** The most the whole exchange may take (a cheaper deadline than an abort signal). */
  readonly timeoutMs?: number | undefined
}

type SimpleBody = string | URLSearchParams | Uint8Array

const isSimpleBody = (body: unknown): body is SimpleBody | null | undefined =>
  body === undefined ||
  body === null ||
  typeof body === 'string' ||
  body instanceof URLSearchParams ||
  body instanceof Uint8Array

// Status codes whose answers have no body (the Response constructor refuses one).
const NULL_BODY_STATUS = new Set([101, 204, 205, 304])

/**
 * `fetch` for calls to providers, over `node:http` with keep-alive connections. Node's global
 * fetch (undici) costs about twice the CPU per request, and a login makes two or three of
 * these calls. It does what those calls need and no more: string, form or byte bodies (sent
 * with a Content-Length, never chunked), an abort signal, never following redirects (the 3xx
 * answer is returned as is), gzip/deflate/br answers decoded, answers capped at
 * {@link MAX_PROVIDER_RESPONSE_BYTES}. Anything else (a `Request`, a streamed body) goes to
 * the global fetch. Failures reject as fetch's do: a `TypeError` with the cause, or the
 * signal's reason when aborted; past `options.timeoutMs`, a `TimeoutError` as
 * `AbortSignal.timeout` gives.
 *
 * @example
 * ```ts
 * const response = await httpFetch('https://id.example/oauth/token', { method: 'POST', body })
 * ```
 */
export function httpFetch(
  input: string | URL | Request,
  init: RequestInit = {},
  options: HttpFetchOptions = {},
): Promise<Response> {
  try {
    const content = init.body
    if (input instanceof Request || !isSimpleBody(content)) return fallback(input, init, options)
    const url = new URL(input)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fallback(input, init, options)
    return exchange(
      url,
      init.method,
      plainHeaders(init.headers),
      content,
      init.signal,
      options,
    ).then((exchanged) => {
      try {
        return toResponse(exchanged)
      } catch (cause) {
        // A status the Response constructor refuses (1xx, over 599) fails as fetch does.
        throw new TypeError('fetch failed', { cause })
      }
    })
  } catch (err) {
    // A bad URL or header rejects, as fetch does, rather than throwing at the caller.
    return Promise.reject(err instanceof Error ? err : new TypeError(String(err)))
  }
}

/** A request of {@link httpRead}: what a provider call of ours sends. */
export interface HttpReadRequest {
  readonly method?: string | undefined
  readonly headers?: RequestInit['headers']
  readonly body?: string | URLSearchParams | undefined
}

/** The answer of {@link httpRead}: its status and its body, decoded and read in full. */
export interface HttpReadAnswer {
  readonly status: number
  readonly body: Buffer
}

/**
 * {@link httpFetch} for our own JSON calls (user data, revocation): the same connections,
 * limits and deadline, without building a WHATWG `Response` only to read it back, which costs
 * more than the rest of the call. Rejects as {@link httpFetch} does.
 */
export function httpRead(
  input: string | URL,
  request: HttpReadRequest = {},
  options: HttpFetchOptions = {},
): Promise<HttpReadAnswer> {
  try {
    const url = new URL(input)
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`fetch failed: unsupported protocol ${url.protocol}`)
    const headers = plainHeaders(request.headers)
    return exchange(url, request.method, headers, request.body, undefined, options).then(
      ({ message, body }) => ({ status: message.statusCode ?? 0, body }),
    )
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new TypeError(String(err)))
  }
}

// What node:http does not take goes to the global fetch, with the same deadline.
function fallback(
  input: string | URL | Request,
  init: RequestInit,
  options: HttpFetchOptions,
): Promise<Response> {
  const signal =
    init.signal ??
    (options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs))
  return globalThis.fetch(input, signal ? { ...init, signal } : init)
}

interface Exchanged {
  readonly message: IncomingMessage
  readonly body: Buffer
}

function exchange(
  url: URL,
  method: string | undefined,
  headers: Record<string, string>,
  content: SimpleBody | null | undefined,
  signal: AbortSignal | null | undefined,
  options: HttpFetchOptions,
): Promise<Exchanged> {
  let body: Buffer | undefined
  if (content instanceof URLSearchParams) {
    body = Buffer.from(content.toString())
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8'
  } else if (typeof content === 'string') {
    body = Buffer.from(content)
    headers['content-type'] ??= 'text/plain;charset=UTF-8'
  } else if (content) {
    body = Buffer.from(content.buffer, content.byteOffset, content.byteLength)
  }
  if (body) headers['content-length'] = String(body.length)
  headers['accept-encoding'] ??= 'gzip, deflate, br'

  return new Promise<Exchanged>((resolve, reject) => {
    if (signal?.aborted) {
      // As fetch: the abort reason itself, whatever the caller aborted with.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(signal.reason)
      return
    }
    const verb = method ?? 'GET'
    const open = (): ClientRequest =>
      url.protocol === 'https:'
        ? httpsRequest(url, { method: verb, headers, agent: httpsAgent })
        : httpRequest(url, { method: verb, headers, agent: httpAgent })
    let request = open()
    let retried = false
    let timer: NodeJS.Timeout | undefined
    const settle = (): void => {
      signal?.removeEventListener('abort', onAbort)
      if (timer) clearTimeout(timer)
    }
    const abort = (reason: unknown): void => {
      settle()
      request.destroy()
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- see above
      reject(reason)
    }
    const onAbort = (): void => abort(signal!.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(
        () => abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
        options.timeoutMs,
      )
    }
    const fail = (cause: unknown): void => abort(new TypeError('fetch failed', { cause }))
    const send = (sent: ClientRequest): void => {
      // `on`, not `once`: a destroyed request may report a second error after the first.
      sent.on('error', (err) => {
        if (sent !== request) return // a request given up for a retry
        // A kept-alive connection the provider closed just as we reused it: the request never
        // got an answer. Retried once on a new connection, as Node's documentation advises.
        if (!retried && sent.reusedSocket && isConnectionReset(err)) {
          retried = true
          request = open()
          send(request)
          return
        }
        fail(err)
      })
      // A provider never switches protocols on these calls; without this the call would hang.
      sent.once('upgrade', () => fail(new Error('The provider answered 101 Switching Protocols')))
      sent.once('response', (message) => {
        readBody(message).then((buffer) => {
          settle()
          resolve({ message, body: buffer })
        }, fail)
      })
      sent.end(body)
    }
    send(request)
  })
}

const isConnectionReset = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException | null)?.code
  return code === 'ECONNRESET' || code === 'EPIPE'
}

/** The request's headers as a plain object with lower-case names (what node:http takes). */
function plainHeaders(init: RequestInit['headers']): Record<string, string> {
  const headers: Record<string, string> = Object.create(null) as Record<string, string>
  if (init === undefined || init === null) return headers
  if (init instanceof Headers) {
    init.forEach((value, name) => (headers[name] = value))
    return headers
  }
  // Validated and combined as fetch would (a bad name or value throws a TypeError).
  new Headers(init).forEach((value, name) => (headers[name] = value))
  return headers
}

function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    message.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_PROVIDER_RESPONSE_BYTES) {
        reject(new RangeError(`The provider's answer exceeds ${MAX_PROVIDER_RESPONSE_BYTES} bytes`))
        message.destroy()
        return
      }
      chunks.push(chunk)
    })
    message.once('end', () => {
      // Inside the listener a throw would escape as an uncaught exception: reject instead.
      try {
        resolve(decode(Buffer.concat(chunks), message.headers['content-encoding']))
      } catch (err) {
        reject(err instanceof Error ? err : new TypeError(String(err)))
      }
    })
    message.on('error', reject)
    message.once('aborted', () =>
      reject(new Error('The provider closed the connection mid-answer')),
    )
  })
}

function decode(buffer: Buffer, encoding: string | undefined): Buffer {
  // An empty body (a 204, a 304) labelled with an encoding has nothing to decode.
  if (buffer.length === 0) return buffer
  const options = { maxOutputLength: MAX_PROVIDER_RESPONSE_BYTES }
  switch (encoding?.trim().toLowerCase()) {
    case undefined:
    case '':
    case 'identity':
      return buffer
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(buffer, options)
    case 'deflate':
      return inflateSync(buffer, options)
    case 'br':
      return brotliDecompressSync(buffer, options)
    default:
      throw new TypeError(`Unsupported Content-Encoding ${encoding}`)
  }
}

function toResponse({ message, body }: Exchanged): Response {
  const status = message.statusCode ?? 0
  const headers = new Headers()
  const raw = message.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase()
    // The body is handed over decoded, so its encoding and length headers no longer apply.
    if (name === 'content-encoding' || name === 'content-length') continue
    headers.append(name, raw[i + 1]!)
  }
  return new BufferedResponse(NULL_BODY_STATUS.has(status) ? null : body, {
    status,
    statusText: message.statusMessage ?? '',
    headers,
  })
}
