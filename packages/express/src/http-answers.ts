import type { Request, Response } from 'express'
import { escapeHtml, type ActionResponse } from '@social-auth/core'

// Accept headers are few per client (a browser sends the same one on every request), and the
// negotiation depends on nothing else: its answers are kept, for short headers, up to a bound.
const negotiated = new Map<string, boolean>()
const MAX_NEGOTIATED = 200
const MAX_KEPT_HEADER = 512

/** True when the client prefers JSON to HTML (an API call rather than a browser page). */
export function wantsJson(req: Request): boolean {
  const accept = req.headers.accept
  if (!accept) return false
  let json = negotiated.get(accept)
  if (json === undefined) {
    json = req.accepts(['html', 'json']) === 'json'
    if (accept.length <= MAX_KEPT_HEADER) {
      if (negotiated.size >= MAX_NEGOTIATED) negotiated.clear()
      negotiated.set(accept, json)
    }
  }
  return json
}

/** Headers every social-auth answer carries: nothing cached, no Referer leaking a `code`. */
export function noStore(res: Response): void {
  // Plain values: `setHeader` without `res.set`'s content-type and array handling.
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('Pragma', 'no-cache')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Content-Type-Options', 'nosniff')
}

/** Translates an engine response into HTTP. */
export function sendActionResponse(res: Response, response: ActionResponse): void {
  switch (response.type) {
    case 'redirect':
      // `res.redirect` would negotiate a "Redirecting to" body (Accept parsing, a Vary header)
      // that no browser shows; a sign-in makes two of these redirects.
      res.location(response.url)
      res.statusCode = response.status ?? 302
      res.setHeader('Content-Length', '0')
      res.end()
      return
    case 'html':
      res.status(response.status).type('html').send(response.html)
      return
    case 'json':
      res.status(response.status).json(response.body)
      return
  }
}

/** A minimal page for an error that has nowhere to redirect to; no stack, no internals. */
export function errorPage(status: number, code: string, detail: string): string {
  // Neutral: as the app's final error handler this page also answers the app's own routes.
  const title =
    status >= 500 ? 'Something went wrong' : status === 404 ? 'Not found' : 'Request refused'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1><p>${escapeHtml(detail)}</p><p><code>${escapeHtml(code)}</code> (HTTP ${status})</p></main></body></html>
`
}
