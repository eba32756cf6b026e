/** One request the fake provider received. */
export interface RecordedRequest {
  readonly url: URL
  readonly method: string
  readonly headers: Headers
  readonly body: string
}

/** A route answer: JSON (status 200 unless given), or a full Response. */
export type FakeAnswer =
  Response | Record<string, unknown> | unknown[] | ((request: RecordedRequest) => unknown)

/**
 * A fetch that answers from a table of `METHOD url-prefix` → answer and records every call; an
 * unmatched URL goes to `fallback`, or fails the way an unreachable host does. Tests never reach the network.
 */
export function fakeFetch(
  routes: Record<string, FakeAnswer>,
  fallback?: (request: RecordedRequest) => unknown,
): typeof fetch & { requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = []
  const impl = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const method = (init.method ?? 'GET').toUpperCase()
    const body = bodyText(init.body)
    const request: RecordedRequest = { url, method, headers: new Headers(init.headers), body }
    requests.push(request)
    const key = Object.keys(routes)
      .filter((route) => {
        const [routeMethod, prefix] = route.split(' ', 2) as [string, string]
        return routeMethod === method && url.href.startsWith(prefix)
      })
      .sort((a, b) => b.length - a.length)[0]
    let answer: unknown
    if (key !== undefined) answer = routes[key]
    else if (fallback) answer = await fallback(request)
    if (answer === undefined)
      throw new TypeError(`fetch failed: no fake route for ${method} ${url.href}`)
    if (typeof answer === 'function')
      answer = await (answer as (r: RecordedRequest) => Promise<unknown>)(request)
    if (answer instanceof Response) return answer
    return new Response(JSON.stringify(answer), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    })
  }
  return Object.assign(impl, { requests })
}

/** The request body as text (our clients send strings or URLSearchParams). */
export function bodyText(body: RequestInit['body']): string {
  if (typeof body === 'string') return body
  if (body instanceof URLSearchParams) return body.toString()
  return ''
}
