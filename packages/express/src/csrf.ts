import type { Request } from 'express'
import { randomString, timingSafeEqualStrings } from '@social-auth/core'
import { peekSessionData, sessionData } from './session-data.js'

/** The form field that carries the CSRF token (`<input type="hidden" name="_csrf">`). */
export const CSRF_FIELD = '_csrf'
/** The header JavaScript clients may send the token in instead. */
export const CSRF_HEADER = 'x-csrf-token'

/**
 * This session's CSRF token, created on first use. Forms that start, link, unlink or end a
 * login embed it; a POST without it is refused (security.md: login CSRF).
 *
 * @example
 * ```ts
 * res.send(`<form method="post" action="/begin/osso"><input type="hidden" name="_csrf" value="${csrfToken(req)}">…`)
 * ```
 */
export function csrfToken(req: Request): string {
  const data = sessionData(req)
  data.csrf ??= randomString(43)
  return data.csrf
}

/** True when the request carries this session's token in the body field or the header. */
export function csrfValid(req: Request): boolean {
  const expected = peekSessionData(req)?.csrf
  if (typeof expected !== 'string' || expected === '') return false
  const body = req.body as Record<string, unknown> | undefined
  const fromBody = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined
  const given = typeof fromBody === 'string' ? fromBody : req.get(CSRF_HEADER)
  return typeof given === 'string' && given !== '' && timingSafeEqualStrings(expected, given)
}
