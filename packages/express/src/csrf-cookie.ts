import { randomBytes } from 'node:crypto'
import type { Request } from 'express'
import { CSRF_SECRET_BYTES } from './csrf-mask.js'
import { secureCookies } from './secure-cookies.js'

/**
 * The cookie that holds an anonymous visitor's CSRF secret (Django's `csrftoken`), so a
 * sign-in page stores nothing server-side: a visitor who only looks at it costs no session
 * row. Over https it is `__Host-sa_csrf`: a sibling subdomain or a plain-http answer cannot
 * plant one.
 */
export const CSRF_COOKIE = 'sa_csrf'
const HOST_CSRF_COOKIE = `__Host-${CSRF_COOKIE}`
const SECRET_FORM = /^[A-Za-z0-9_-]{43}$/

// A secret made during this request, for the second form on the same page.
const issued = new WeakMap<Request, Buffer>()

const cookieName = (req: Request): string => (secureCookies(req) ? HOST_CSRF_COOKIE : CSRF_COOKIE)

/**
 * The secret of this browser's cookie. The name must match exactly, after only the spaces and
 * tabs RFC 6265 allows around it: `String.trim()` would also take a leading U+00A0, and a
 * sibling subdomain can set `\xA0__Host-sa_csrf`, which a browser does not treat as a
 * `__Host-` cookie. Two different values under the name (planted next to the real one, over
 * http) are no secret at all.
 */
function secretFromCookie(req: Request): Buffer | undefined {
  const header = req.headers.cookie
  if (typeof header !== 'string') return undefined
  const name = cookieName(req)
  let found: string | undefined
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at === -1 || part.slice(0, at).replace(/^[ \t]+|[ \t]+$/g, '') !== name) continue
    const value = part.slice(at + 1).replace(/^[ \t]+|[ \t]+$/g, '')
    if (!SECRET_FORM.test(value)) continue
    if (found !== undefined && found !== value) return undefined
    found = value
  }
  return found === undefined ? undefined : Buffer.from(found, 'base64url')
}

/** The secret of this browser's cookie, if it has a well-formed one; never sets one. */
export function existingCookieSecret(req: Request): Buffer | undefined {
  return issued.get(req) ?? secretFromCookie(req)
}

/** This browser's CSRF secret, set in a cookie on this response when it has none. */
export function cookieSecret(req: Request): Buffer {
  let secret = existingCookieSecret(req)
  if (!secret) {
    secret = randomBytes(CSRF_SECRET_BYTES)
    // A browser-session cookie: it only has to outlive the sign-in page that embeds a token.
    req.res?.cookie(cookieName(req), secret.toString('base64url'), cookieOptions(req))
  }
  issued.set(req, secret)
  return secret
}

/**
 * Forgets the browser's CSRF secret (at login, as Django rotates its token): the next
 * anonymous form, after a logout, gets a new one.
 */
export function dropCookieSecret(req: Request): void {
  issued.delete(req)
  if (secretFromCookie(req)) req.res?.clearCookie(cookieName(req), cookieOptions(req))
}

const cookieOptions = (req: Request) =>
  ({ httpOnly: true, sameSite: 'lax', secure: secureCookies(req), path: '/' }) as const
