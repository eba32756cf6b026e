import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { gzipSync } from 'node:zlib'
import { httpFetch, httpRead, MAX_PROVIDER_RESPONSE_BYTES } from '../src/index.js'
import { providerFetch, providerRead } from '../src/provider-fetch.js'

/** What the test server saw of one request. */
interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
  socket: Socket
}

let server: Server
let base: string
const seen: Seen[] = []
const sockets = new Set<Socket>()

const requestsOnSocket = new WeakMap<Socket, number>()

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, socket: req.socket })
  const onSocket = (requestsOnSocket.get(req.socket) ?? 0) + 1
  requestsOnSocket.set(req.socket, onSocket)
  switch (req.url) {
    case '/drop-reused':
      // A server closing an idle kept-alive connection just as the client reuses it.
      if (onSocket > 1) req.socket.destroy()
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"fresh":true}')
      return
    case '/token':
      res.writeHead(200, { 'content-type': 'application/json', 'x-provider': 'yes' })
      res.end(JSON.stringify({ access_token: 'at', token_type: 'bearer' }))
      return
    case '/moved':
      res.writeHead(302, { location: '/token' }).end()
      return
    case '/big-error':
      res.writeHead(401, { 'content-type': 'text/html' }).end(`<h1>${'x'.repeat(4096)}</h1>`)
      return
    case '/bom':
      res.writeHead(200, { 'content-type': 'application/json' }).end('\uFEFF{"bom":true}')
      return
    case '/echo-headers':
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ method: req.method, headers: req.headers, body }))
      return
    case '/gzip':
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      res.end(gzipSync(JSON.stringify({ zipped: true })))
      return
    case '/empty':
      res.writeHead(204).end()
      return
    case '/huge': {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      const chunk = Buffer.alloc(64 * 1024, 1)
      let sent = 0
      const pump = (): void => {
        while (sent <= MAX_PROVIDER_RESPONSE_BYTES) {
          sent += chunk.length
          if (!res.write(chunk)) {
            res.once('drain', pump)
            return
          }
        }
        res.end()
      }
      pump()
      return
    }
    case '/bomb':
      // A few KiB that inflate past the cap.
      res.writeHead(200, { 'content-encoding': 'gzip' })
      res.end(gzipSync(Buffer.alloc(MAX_PROVIDER_RESPONSE_BYTES + 1024)))
      return
    case '/not-gzip':
      res.writeHead(200, { 'content-encoding': 'gzip' }).end('plain text, not gzip')
      return
    case '/empty-gzip':
      res.writeHead(204, { 'content-encoding': 'gzip' }).end()
      return
    case '/zstd':
      res.writeHead(200, { 'content-encoding': 'zstd' }).end('whatever')
      return
    case '/switch':
      req.socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n',
      )
      return
    case '/hang':
      return // never answers
    default:
      res.writeHead(404).end()
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => route(req, res, body))
  })
  server.on('connection', (socket) => sockets.add(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => server.close(resolve))
})

describe('httpFetch (the provider calls over node:http)', () => {
  it('sends a form with a Content-Length (never chunked) and answers a real Response', async () => {
    const response = await httpFetch(`${base}/token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'X-Custom': 'kept' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c+d' }),
    })
    expect(response).toBeInstanceOf(Response)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-provider')).toBe('yes')
    expect(await response.json()).toEqual({ access_token: 'at', token_type: 'bearer' })
    const request = seen.at(-1)!
    expect(request.method).toBe('POST')
    expect(request.body).toBe('grant_type=authorization_code&code=c%2Bd')
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8')
    expect(request.headers['content-length']).toBe(String(request.body.length))
    expect(request.headers['transfer-encoding']).toBeUndefined()
    expect(request.headers['x-custom']).toBe('kept')
  })

  it('reuses one kept-alive connection for calls in sequence', async () => {
    await (await httpFetch(`${base}/token`)).text()
    await (await httpFetch(`${base}/token`)).text()
    const [first, second] = seen.slice(-2)
    expect(second!.socket).toBe(first!.socket)
  })

  it('retries once on a new connection when a reused one turns out closed', async () => {
    await (await httpFetch(`${base}/token`)).text()
    const before = seen.length
    const response = await httpFetch(`${base}/drop-reused`, { method: 'POST', body: 'x=1' })
    expect(await response.json()).toEqual({ fresh: true })
    const attempts = seen.slice(before)
    expect(attempts.map((request) => request.url)).toEqual(['/drop-reused', '/drop-reused'])
    expect(attempts[1]!.socket).not.toBe(attempts[0]!.socket)
  })

  it('returns a redirect as it is, without following it', async () => {
    const before = seen.length
    const response = await httpFetch(`${base}/moved`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/token')
    expect(seen.length).toBe(before + 1)
  })

  it('decodes a gzip answer and drops the encoding headers that no longer apply', async () => {
    const response = await httpFetch(`${base}/gzip`)
    expect(await response.json()).toEqual({ zipped: true })
    expect(response.headers.get('content-encoding')).toBeNull()
  })

  it.each([
    ['/bomb', 'a compressed answer that inflates past the cap'],
    ['/not-gzip', 'an answer labelled gzip that is not'],
    ['/zstd', 'an encoding it cannot decode'],
    ['/switch', 'a 101 Switching Protocols'],
  ])('rejects %s (%s) without crashing the process or hanging', async (path) => {
    const failure = await httpFetch(`${base}${path}`).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(TypeError)
    expect((failure as TypeError).message).toBe('fetch failed')
  })

  it('answers an empty 204 labelled gzip without decoding anything', async () => {
    const response = await httpFetch(`${base}/empty-gzip`)
    expect(response.status).toBe(204)
  })

  it('rejects a malformed URL instead of throwing at the caller', async () => {
    const pending = httpFetch('http://[::1')
    await expect(pending).rejects.toThrow()
  })

  it('answers a 204 without a body', async () => {
    const response = await httpFetch(`${base}/empty`)
    expect(response.status).toBe(204)
    expect(response.body).toBeNull()
  })

  it(`refuses an answer larger than ${MAX_PROVIDER_RESPONSE_BYTES} bytes`, async () => {
    const failure = await httpFetch(`${base}/huge`).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(TypeError)
    expect(String((failure as TypeError).cause)).toMatch(/exceeds \d+ bytes/)
  })

  it('gives up after timeoutMs with a TimeoutError, as AbortSignal.timeout does', async () => {
    const started = Date.now()
    const failure = await httpFetch(`${base}/hang`, {}, { timeoutMs: 150 }).catch(
      (err: unknown) => err,
    )
    expect((failure as DOMException).name).toBe('TimeoutError')
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('rejects with the abort signal’s reason', async () => {
    const controller = new AbortController()
    const pending = httpFetch(`${base}/hang`, { signal: controller.signal })
    controller.abort(new Error('stopped by the caller'))
    await expect(pending).rejects.toThrow('stopped by the caller')
    const aborted = AbortSignal.abort(new Error('already'))
    await expect(httpFetch(`${base}/token`, { signal: aborted })).rejects.toThrow('already')
  })

  it('rejects a connection failure as fetch does: a TypeError with the cause', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const failure = await httpFetch(`http://127.0.0.1:${port}/`).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(TypeError)
    expect(((failure as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED')
  })
})

// What openid-client hands its custom fetch for a GET.
const GET = { method: 'GET', headers: {}, body: undefined, redirect: 'manual' } as const

describe('providerFetch', () => {
  it('adds the User-Agent and applies REQUESTS_TIMEOUT to calls without a signal', async () => {
    const fetchOf = providerFetch({ userAgent: 'social-auth-test', timeoutSeconds: 0.15 })
    await (await fetchOf(`${base}/token`, GET)).text()
    expect(seen.at(-1)!.headers['user-agent']).toBe('social-auth-test')
    const failure = await fetchOf(`${base}/hang`, GET).catch((err: unknown) => err)
    expect((failure as DOMException).name).toBe('TimeoutError')
  })

  it('sends our User-Agent in place of the one openid-client names on its requests', async () => {
    const fetchOf = providerFetch({ userAgent: 'social-auth-test' })
    const named = { ...GET, headers: { 'user-agent': 'openid-client/v6.8.9' } }
    await (await fetchOf(`${base}/token`, named)).text()
    expect(seen.at(-1)!.headers['user-agent']).toBe('social-auth-test')
  })

  it('gives an injected fetch an abort signal with the same deadline', async () => {
    let signal: AbortSignal | undefined
    const fetchOf = providerFetch({
      userAgent: 'ua',
      timeoutSeconds: 5,
      fetch: (_input, init) => {
        signal = init?.signal ?? undefined
        return Promise.resolve(new Response('{}'))
      },
    })
    await fetchOf(`${base}/token`, GET)
    expect(signal).toBeInstanceOf(AbortSignal)
    expect(signal!.aborted).toBe(false)
  })
})

describe('httpRead (our own JSON calls, without a Response)', () => {
  it('sends the method, headers and a form body with a Content-Length; answers status and bytes', async () => {
    const answer = await httpRead(`${base}/echo-headers`, {
      method: 'POST',
      headers: { Authorization: 'Bearer at', accept: 'application/json' },
      body: new URLSearchParams({ token: 'rt' }),
    })
    expect(answer.status).toBe(200)
    const echoed = JSON.parse(answer.body.toString()) as {
      method: string
      headers: Record<string, string>
      body: string
    }
    expect(echoed.method).toBe('POST')
    expect(echoed.body).toBe('token=rt')
    expect(echoed.headers.authorization).toBe('Bearer at')
    expect(echoed.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8')
    expect(echoed.headers['content-length']).toBe('8')
    expect(echoed.headers['transfer-encoding']).toBeUndefined()
  })

  it('decodes gzip, keeps a redirect as it is, and shares the kept-alive connection', async () => {
    expect(JSON.parse((await httpRead(`${base}/gzip`)).body.toString())).toEqual({ zipped: true })
    const moved = await httpRead(`${base}/moved`)
    expect(moved.status).toBe(302)
    const before = seen.length
    await httpRead(`${base}/token`)
    await httpRead(`${base}/token`)
    expect(seen[before]!.socket).toBe(seen[before + 1]!.socket)
  })

  it('has the same limits as httpFetch: size cap, bombs, bad encodings, deadline', async () => {
    for (const path of ['/huge', '/bomb', '/not-gzip', '/zstd']) {
      const failure = await httpRead(`${base}${path}`).catch((err: unknown) => err)
      expect(failure).toBeInstanceOf(TypeError)
    }
    const late = await httpRead(`${base}/hang`, {}, { timeoutMs: 100 }).catch((err: unknown) => err)
    expect((late as DOMException).name).toBe('TimeoutError')
  })

  it('rejects a malformed URL, a non-http scheme and a bad header instead of throwing', async () => {
    await expect(httpRead('not a url')).rejects.toBeInstanceOf(TypeError)
    await expect(httpRead('file:///etc/passwd')).rejects.toThrow(/unsupported protocol/)
    await expect(
      httpRead(`${base}/token`, { headers: { 'bad name': 'x' } }),
    ).rejects.toBeInstanceOf(TypeError)
  })
})

describe('providerRead', () => {
  it('adds the User-Agent unless the call sets one, and applies REQUESTS_TIMEOUT', async () => {
    const read = providerRead({ userAgent: 'social-auth-test', timeoutSeconds: 0.15 })
    const answer = await read(`${base}/echo-headers`, {}, 1024)
    expect(answer.status).toBe(200)
    expect(
      (JSON.parse(answer.text) as { headers: Record<string, string> }).headers['user-agent'],
    ).toBe('social-auth-test')
    const own = await read(`${base}/echo-headers`, { headers: { 'User-Agent': 'mine' } }, 1024)
    expect(
      (JSON.parse(own.text) as { headers: Record<string, string> }).headers['user-agent'],
    ).toBe('mine')
    const failure = await read(`${base}/hang`, {}, 1024).catch((err: unknown) => err)
    expect((failure as DOMException).name).toBe('TimeoutError')
  })

  it('refuses a body over maxBytes and decodes UTF-8 without a byte-order mark', async () => {
    const read = providerRead({ userAgent: 'ua' })
    await expect(read(`${base}/echo-headers`, {}, 10)).rejects.toThrow(/exceeds 10/)
    expect(JSON.parse((await read(`${base}/bom`, {}, 1024)).text)).toEqual({ bom: true })
  })

  it('judges an error answer by its status alone: never its size, never its body', async () => {
    const read = providerRead({ userAgent: 'ua' })
    expect(await read(`${base}/big-error`, {}, 10)).toEqual({ status: 401, text: '' })
    let cancelled = false
    const injected = providerRead({
      userAgent: 'ua',
      fetch: () =>
        Promise.resolve(
          new Response(
            new ReadableStream({
              pull: (controller) => controller.enqueue(new Uint8Array(1024)),
              cancel: () => {
                cancelled = true
              },
            }),
            { status: 500 },
          ),
        ),
    })
    expect(await injected('https://id.example/me', {}, 10)).toEqual({ status: 500, text: '' })
    expect(cancelled).toBe(true)
  })

  it('goes through an injected fetch the same way, with the limit and an abort signal', async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = []
    const read = providerRead({
      userAgent: 'ua',
      timeoutSeconds: 5,
      fetch: (input, init) => {
        calls.push({ url: input instanceof Request ? input.url : input.toString(), init })
        return Promise.resolve(new Response('{"injected":true}', { status: 201 }))
      },
    })
    const answer = await read(
      'https://id.example/me',
      { headers: { authorization: 'Bearer x' } },
      1024,
    )
    expect(answer).toEqual({ status: 201, text: '{"injected":true}' })
    const headers = new Headers(calls[0]!.init!.headers)
    expect(headers.get('authorization')).toBe('Bearer x')
    expect(headers.get('user-agent')).toBe('ua')
    expect(calls[0]!.init!.redirect).toBe('manual')
    expect(calls[0]!.init!.signal).toBeInstanceOf(AbortSignal)
    await expect(read('https://id.example/me', {}, 5)).rejects.toThrow(/exceeds 5/)
  })
})
