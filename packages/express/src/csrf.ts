import type { Request } from 'express'
import { randomString, timingSafeEqualStrings } from '@social-auth/core'
import { cookieCsrfToken, cookieCsrfValid } from './csrf-cookie.js'
import { peekSessionData, sessionData } from './session-data.js'

/** The form field that carries the CSRF token (`<input type="hidden" name="_csrf">`). */
export const CSRF_FIELD = '_csrf'
/** The header JavaScript clients may send the token in instead. */
export const CSRF_HEADER = 'x-csrf-token'

/**
 * The CSRF token for this request's forms. Forms that start, link, unlink or end a login embed
 * it; a POST without it is refused (security.md: login CSRF). A signed-in session keeps its
 * token in the session (created on first use, replaced at each login). An anonymous visitor's
 * token is bound to a secret in a cookie (`sa_csrf`, as Django's `csrftoken`), so a sign-in page
 * writes no session: only starting a login does.
 *
 * @example
 * ```ts
 * res.send(`<form method="post" action="/begin/osso"><input type="hidden" name="_csrf" value="${csrfToken(req)}">…`)
 * ```
 */
export function csrfToken(req: Request): string {
  const peeked = peekSessionData(req)
  // A session that already has a token keeps it: pages rendered earlier still carry it.
  if (!peeked?.csrf && peeked?.userId === undefined) return cookieCsrfToken(req)
  const data = sessionData(req)
  data.csrf ||= randomString(43)
  return data.csrf
}

/**
 * True when the request carries, in the body field or the header, this session's token or,
 * for a session nobody is signed in to, a token bound to this browser's CSRF cookie.
 */
export function csrfValid(req: Request): boolean {
  const body = req.body as Record<string, unknown> | undefined
  const fromBody = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined
  const given = typeof fromBody === 'string' ? fromBody : req.get(CSRF_HEADER)
  if (typeof given !== 'string' || given === '') return false
  const data = peekSessionData(req)
  const expected = data?.csrf
  if (typeof expected === 'string' && expected !== '' && timingSafeEqualStrings(expected, given))
    return true
  // A signed-in session accepts its own token only: a cookie planted by a sibling subdomain
  // (over http, where `__Host-` is unavailable) must not act for the account.
  return data?.userId === undefined && cookieCsrfValid(req, given)
}
