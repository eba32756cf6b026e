import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Request } from 'express'

/**
 * The cookie that holds an anonymous visitor's CSRF secret (Django's `csrftoken`), so a
 * sign-in page stores nothing server-side: a visitor who only looks at it costs no session
 * row. Over https it is `__Host-sa_csrf`: a sibling subdomain or a plain-http answer cannot
 * plant one.
 */
export const CSRF_COOKIE = 'sa_csrf'
const HOST_CSRF_COOKIE = `__Host-${CSRF_COOKIE}`
const SECRET_BYTES = 32
const SECRET_FORM = /^[A-Za-z0-9_-]{43}$/

// A secret made during this request, for the second form on the same page.
const issued = new WeakMap<Request, Buffer>()

// The session cookie's own decision (true for an https PUBLIC_URL, or `req.secure` under
// express-session's `proxy` rule), so both cookies follow one notion of https.
const overHttps = (req: Request): boolean => req.session?.cookie?.secure === true || req.secure

const cookieName = (req: Request): string => (overHttps(req) ? HOST_CSRF_COOKIE : CSRF_COOKIE)

/** The secret this browser's cookie holds, if it is well formed. */
function secretFromCookie(req: Request): Buffer | undefined {
  const header = req.headers.cookie
  if (typeof header !== 'string') return undefined
  const name = cookieName(req)
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at === -1 || part.slice(0, at).trim() !== name) continue
    const value = part.slice(at + 1).trim()
    return SECRET_FORM.test(value) ? Buffer.from(value, 'base64url') : undefined
  }
  return undefined
}

/**
 * A CSRF token for an anonymous visitor, bound to the secret in their cookie (set on this
 * response when missing). Each call masks the secret with fresh random bytes, as Django does:
 * a compressed page that also reflects a visitor's input never repeats the same token
 * (BREACH).
 */
export function cookieCsrfToken(req: Request): string {
  let secret = issued.get(req) ?? secretFromCookie(req)
  if (!secret) {
    secret = randomBytes(SECRET_BYTES)
    // A browser-session cookie: it only has to outlive the sign-in page that embeds a token.
    req.res?.cookie(cookieName(req), secret.toString('base64url'), {
      httpOnly: true,
      sameSite: 'lax',
      secure: overHttps(req),
      path: '/',
    })
  }
  issued.set(req, secret)
  const mask = randomBytes(SECRET_BYTES)
  const token = Buffer.allocUnsafe(SECRET_BYTES * 2)
  mask.copy(token)
  for (let i = 0; i < SECRET_BYTES; i++) token[SECRET_BYTES + i] = mask[i]! ^ secret[i]!
  return token.toString('base64url')
}

/** True when `given` is a token {@link cookieCsrfToken} made for this browser's cookie. */
export function cookieCsrfValid(req: Request, given: string): boolean {
  const secret = secretFromCookie(req)
  if (!secret || given.length !== 86) return false
  const token = Buffer.from(given, 'base64url')
  if (token.length !== SECRET_BYTES * 2) return false
  const unmasked = Buffer.allocUnsafe(SECRET_BYTES)
  for (let i = 0; i < SECRET_BYTES; i++) unmasked[i] = token[i]! ^ token[SECRET_BYTES + i]!
  return timingSafeEqual(unmasked, secret)
}
