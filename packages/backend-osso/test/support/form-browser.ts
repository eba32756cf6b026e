/**
 * Just enough of a browser to walk osso-dev's pages over HTTP: a cookie jar, redirects, and
 * HTML forms (hidden inputs, a chosen button). The real-browser walk is the example app's
 * Chromium test; this keeps backend tests fast and dependency-free.
 */
export interface HtmlForm {
  readonly id: string | undefined
  readonly method: string
  readonly action: string
  readonly fields: Record<string, string>
  readonly text: string
}

const attr = (tag: string, name: string): string | undefined =>
  new RegExp(`\\b${name}="([^"]*)"`)
    .exec(tag)?.[1]
    ?.replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')

/** The forms of a page with their hidden inputs. */
export function formsOf(html: string): HtmlForm[] {
  const forms: HtmlForm[] = []
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const [, tag = '', inner = ''] = match
    const fields: Record<string, string> = {}
    for (const input of inner.matchAll(/<input\b[^>]*>/g)) {
      const name = attr(input[0], 'name')
      if (name && attr(input[0], 'type') === 'hidden') fields[name] = attr(input[0], 'value') ?? ''
    }
    forms.push({
      id: attr(tag, 'id'),
      method: (attr(tag, 'method') ?? 'get').toUpperCase(),
      action: attr(tag, 'action') ?? '',
      fields,
      text: inner,
    })
  }
  return forms
}

/** A page the walker is looking at. */
export interface Page {
  readonly url: string
  readonly status: number
  readonly html: string
}

export class FormBrowser {
  readonly #jar = new Map<string, string>()

  /** Requests a URL, following redirects until a page or a URL starting with `stopAt`. */
  async go(
    url: string,
    stopAt: string,
    init: { method?: string; body?: URLSearchParams } = {},
  ): Promise<Page> {
    let current = url
    let method = init.method ?? 'GET'
    let body = init.body
    for (let hop = 0; hop < 20; hop++) {
      if (current.startsWith(stopAt)) return { url: current, status: 302, html: '' }
      const response = await fetch(current, {
        method,
        body,
        redirect: 'manual',
        headers: {
          cookie: [...this.#jar].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
      })
      for (const line of response.headers.getSetCookie()) {
        const pair = line.split(';')[0]!
        const at = pair.indexOf('=')
        this.#jar.set(pair.slice(0, at).trim(), pair.slice(at + 1))
      }
      const location = response.headers.get('location')
      if (!location) return { url: current, status: response.status, html: await response.text() }
      current = new URL(location, current).href
      method = 'GET'
      body = undefined
    }
    throw new Error('too many redirects')
  }

  /** Submits a form of `page` (the first whose text matches `pick`), with extra fields. */
  submit(
    page: Page,
    pick: (form: HtmlForm) => boolean,
    stopAt: string,
    extra: Record<string, string> = {},
  ): Promise<Page> {
    const form = formsOf(page.html).find(pick)
    if (!form) throw new Error(`no matching form on ${page.url}: ${page.html.slice(0, 400)}`)
    const target = new URL(form.action || page.url, page.url)
    const data = new URLSearchParams({ ...form.fields, ...extra })
    if (form.method === 'GET') {
      target.search = data.toString()
      return this.go(target.href, stopAt)
    }
    return this.go(target.href, stopAt, { method: 'POST', body: data })
  }
}
