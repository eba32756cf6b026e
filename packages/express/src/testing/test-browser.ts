/** One cookie as a browser keeps it. */
interface StoredCookie {
  readonly value: string
  readonly httpOnly: boolean
  readonly sameSite: string | undefined
  readonly secure: boolean
  readonly raw: string
}

/** A response with the URL it answered and its body read once. */
export interface BrowserResponse {
  readonly url: string
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The redirect target, resolved against `url`, or undefined. */
  readonly location: string | undefined
  json<T = unknown>(): T
}

/** Options of a request. */
export interface RequestOptions {
  readonly headers?: Record<string, string>
  /** Follow redirects (default false: tests usually look at each hop). */
  readonly follow?: boolean
}

/**
 * A small cookie-keeping HTTP client for acceptance tests of apps: cookies per host name (as
 * browsers do, ports ignored), manual or followed redirects, form posts. Real HTTP over
 * `fetch`, so the app and the provider run as they do in production.
 *
 * @example
 * ```ts
 * const browser = new TestBrowser()
 * const page = await browser.get(`${app}/`)
 * const form = findForm(page.text, { action: '/begin/osso' })
 * const end = await browser.post(new URL(form.action, page.url).href, { ...form.fields, email: 'user@example.com' }, { follow: true })
 * ```
 */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, StoredCookie>>()
  /** Every URL this browser requested, in order. */
  readonly visited: string[] = []

  /** The cookies kept for a host name. */
  cookies(hostname: string): ReadonlyMap<string, StoredCookie> {
    return this.jar.get(hostname) ?? new Map()
  }

  /** One cookie's value. */
  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).hostname)?.get(name)?.value
  }

  /** Replaces a cookie (tests that move a session from one browser to another). */
  setCookie(url: string, name: string, value: string): void {
    const host = new URL(url).hostname
    const cookies = this.jar.get(host) ?? new Map<string, StoredCookie>()
    cookies.set(name, {
      value,
      httpOnly: true,
      sameSite: 'Lax',
      secure: false,
      raw: `${name}=${value}`,
    })
    this.jar.set(host, cookies)
  }

  /** Forgets every cookie. */
  clearCookies(): void {
    this.jar.clear()
  }

  get(url: string, options: RequestOptions = {}): Promise<BrowserResponse> {
    return this.request(
      url,
      { method: 'GET', headers: options.headers ?? {} },
      options.follow ?? false,
    )
  }

  post(
    url: string,
    fields: Record<string, string>,
    options: RequestOptions = {},
  ): Promise<BrowserResponse> {
    return this.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
        body: new URLSearchParams(fields).toString(),
      },
      options.follow ?? false,
    )
  }

  /** Follows a response's redirects (GET, like a browser after 302/303). */
  async follow(response: BrowserResponse, max = 20): Promise<BrowserResponse> {
    let current = response
    for (let hop = 0; current.location !== undefined; hop++) {
      if (hop >= max) throw new Error(`more than ${max} redirects from ${response.url}`)
      current = await this.request(current.location, { method: 'GET', headers: {} }, false)
    }
    return current
  }

  private async request(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
    follow: boolean,
  ): Promise<BrowserResponse> {
    const target = new URL(url)
    const headers = new Headers(init.headers)
    const cookies = this.jar.get(target.hostname)
    if (cookies && cookies.size > 0 && !headers.has('cookie')) {
      headers.set('cookie', [...cookies].map(([name, c]) => `${name}=${c.value}`).join('; '))
    }
    this.visited.push(target.href)
    const res = await fetch(target, {
      method: init.method,
      headers,
      body: init.body,
      redirect: 'manual',
    })
    this.store(target, res.headers.getSetCookie())
    const text = await res.text()
    const locationHeader =
      res.status >= 300 && res.status < 400 ? res.headers.get('location') : null
    const response: BrowserResponse = {
      url: target.href,
      status: res.status,
      headers: res.headers,
      text,
      location: locationHeader === null ? undefined : new URL(locationHeader, target).href,
      json: <T>() => JSON.parse(text) as T,
    }
    return follow ? this.follow(response) : response
  }

  private store(url: URL, setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim())
      const at = pair.indexOf('=')
      if (at <= 0) continue
      const name = pair.slice(0, at)
      const value = pair.slice(at + 1)
      const attr = new Map(
        attributes.map((a) => {
          const eq = a.indexOf('=')
          return eq === -1 ? [a.toLowerCase(), ''] : [a.slice(0, eq).toLowerCase(), a.slice(eq + 1)]
        }),
      )
      const cookies = this.jar.get(url.hostname) ?? new Map<string, StoredCookie>()
      const expires = attr.get('expires')
      const expired =
        attr.get('max-age') === '0' ||
        (expires !== undefined && new Date(expires).getTime() <= Date.now())
      if (expired) cookies.delete(name)
      else
        cookies.set(name, {
          value,
          httpOnly: attr.has('httponly'),
          sameSite: attr.get('samesite'),
          secure: attr.has('secure'),
          raw: header,
        })
      this.jar.set(url.hostname, cookies)
    }
  }
}
