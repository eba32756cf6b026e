import type { Request } from 'express'

// Set by sessionMiddleware for an https PUBLIC_URL: its cookies are Secure whatever Express
// believes about the request (no `trust proxy` needed), and so must ours be.
const HTTPS_SITE = Symbol('social-auth.httpsSite')

/** Marks the request as one to an https site (see {@link sessionMiddleware}). */
export function markHttpsSite(req: Request): void {
  ;(req as Request & { [HTTPS_SITE]?: true })[HTTPS_SITE] = true
}

/**
 * Whether this request's cookies must be Secure: the session middleware's rule (an https
 * `PUBLIC_URL`), else the session cookie's own flag, else Express's `req.secure`. One rule for
 * the request that sets a cookie and the one that reads it back.
 */
export function secureCookies(req: Request): boolean {
  if ((req as Request & { [HTTPS_SITE]?: true })[HTTPS_SITE]) return true
  const secure = req.session?.cookie?.secure
  return typeof secure === 'boolean' ? secure : req.secure
}
