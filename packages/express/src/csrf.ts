import type { Request } from 'express'
import { randomToken, timingSafeEqualStrings } from '@social-auth/core'
import { cookieSecret, existingCookieSecret } from './csrf-cookie.js'
import { maskSecret, secretBytes, unmasksTo } from './csrf-mask.js'
import { peekSessionData, sessionData } from './session-data.js'

/** The form field that carries the CSRF token (`<input type="hidden" name="_csrf">`). */
export const CSRF_FIELD = '_csrf'
/** The header JavaScript clients may send the token in instead. */
export const CSRF_HEADER = 'x-csrf-token'

/**
 * Whether someone is signed in on this request: `req.user` (set by social-auth, passport or the
 * app's own login middleware), or a user id that social-auth or passport keeps in the session.
 * Such a session keeps its CSRF secret in the session, and a cookie-bound token never acts for
 * it. Other data in a session (a return URL, flash messages) does not count: the sign-in form
 * an anonymous visitor was given must still work.
 */
function signedIn(req: Request): boolean {
  if (req.user !== undefined && req.user !== null) return true
  if (peekSessionData(req)?.userId !== undefined) return true
  const passport = (req.session as { passport?: { user?: unknown } } | undefined)?.passport
  return passport?.user !== undefined && passport.user !== null
}

/**
 * The CSRF token for this request's forms, masked afresh on every call (BREACH). Forms that
 * start, link, unlink or end a login embed it; a POST without it is refused (security.md:
 * login CSRF). A signed-in session keeps its secret in the session (created on first use,
 * replaced at each login). Any other visitor's secret lives in a cookie (`sa_csrf`, as Django's
 * `csrftoken`), so a sign-in page writes no session: only starting a login does.
 *
 * @example
 * ```ts
 * res.send(`<form method="post" action="/begin/osso"><input type="hidden" name="_csrf" value="${csrfToken(req)}">…`)
 * ```
 */
export function csrfToken(req: Request): string {
  if (!peekSessionData(req)?.csrf && !signedIn(req)) return maskSecret(cookieSecret(req))
  const data = sessionData(req)
  data.csrf ||= randomToken(32)
  return maskSecret(secretBytes(data.csrf))
}

/**
 * True when the request carries, in the body field or the header, a token for this session's
 * secret or, when nobody is signed in, for this browser's CSRF cookie.
 */
export function csrfValid(req: Request): boolean {
  const body = req.body as Record<string, unknown> | undefined
  const fromBody = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined
  const given = typeof fromBody === 'string' ? fromBody : req.get(CSRF_HEADER)
  if (typeof given !== 'string' || given === '') return false
  const stored = peekSessionData(req)?.csrf
  if (typeof stored === 'string' && stored !== '') {
    if (unmasksTo(given, secretBytes(stored))) return true
    // A page rendered before tokens were masked carries the secret itself.
    if (timingSafeEqualStrings(stored, given)) return true
  }
  // A cookie planted by a sibling subdomain (over http, where `__Host-` is unavailable) must
  // never act for a signed-in account.
  if (signedIn(req)) return false
  const secret = existingCookieSecret(req)
  return secret !== undefined && unmasksTo(given, secret)
}
