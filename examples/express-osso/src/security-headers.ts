import type { RequestHandler } from 'express'

/**
 * The headers every answer of this app carries: a Content-Security-Policy that allows only
 * this origin (the pages have no inline script or style), no MIME sniffing, and a Referer
 * only within the site.
 */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set(
    'Content-Security-Policy',
    "default-src 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'",
  )
  res.set('X-Content-Type-Options', 'nosniff')
  res.set('Referrer-Policy', 'same-origin')
  next()
}
