/** A response the test browser saw. */
export interface Page {
  readonly url: string
  readonly status: number
  readonly location: string | undefined
  readonly text: string
  /** Every URL visited on the way, the first included. */
  readonly visited: readonly string[]
}

/**
 * A cookie-keeping client that follows redirects itself, across the app and the provider, the
 * way a browser would (cookies per host and port; only name=value is kept).
 */
export class Browser {
  readonly #cookies = new Map<string, Map<string, string>>()

  /** GETs `url`, following redirects; `headers` go with the first request only. */
  async get(url: string, maxHops = 10, headers: Record<string, string> = {}): Promise<Page> {
    const visited: string[] = []
    let current = url
    for (let hop = 0; hop <= maxHops; hop++) {
      visited.push(current)
      const response = await fetch(current, {
        redirect: 'manual',
        headers: { ...(hop === 0 ? headers : {}), ...this.#headers(current) },
      })
      this.#keep(current, response)
      const location = response.headers.get('location') ?? undefined
      if (response.status >= 300 && response.status < 400 && location && hop < maxHops) {
        await response.body?.cancel()
        current = new URL(location, current).href
        continue
      }
      return {
        url: current,
        status: response.status,
        location,
        text: await response.text(),
        visited,
      }
    }
    throw new Error('too many redirects')
  }

  /** POSTs `fields` as a form to `url`, then follows redirects with GETs. */
  async post(url: string, fields: Record<string, string>): Promise<Page> {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.#headers(url) },
      body: new URLSearchParams(fields).toString(),
    })
    this.#keep(url, response)
    const location = response.headers.get('location') ?? undefined
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel()
      const next = await this.get(new URL(location, url).href)
      return { ...next, visited: [url, ...next.visited] }
    }
    return { url, status: response.status, location, text: await response.text(), visited: [url] }
  }

  /** The JSON of a page. */
  async json<T = Record<string, unknown>>(url: string): Promise<T> {
    return JSON.parse((await this.get(url)).text) as T
  }

  #headers(url: string): Record<string, string> {
    const jar = this.#cookies.get(new URL(url).host)
    if (!jar || jar.size === 0) return {}
    return { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') }
  }

  #keep(url: string, response: Response): void {
    const host = new URL(url).host
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair!.indexOf('=')
      if (at <= 0) continue
      let jar = this.#cookies.get(host)
      if (!jar) this.#cookies.set(host, (jar = new Map<string, string>()))
      jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim())
    }
  }
}
