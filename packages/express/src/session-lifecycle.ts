import type { Request, Response } from 'express'
import type { User } from '@social-auth/core'
import { sessionData } from './session-data.js'

const promisify = (run: (done: (err?: unknown) => void) => void): Promise<void> =>
  new Promise((resolve, reject) =>
    run((err) =>
      err ? reject(err instanceof Error ? err : new Error('session store failure')) : resolve(),
    ),
  )

/** Writes the session to its store now (before a redirect another app node may serve next). */
export function saveSession(req: Request): Promise<void> {
  return promisify((done) => req.session.save(done))
}

/**
 * Logs `user` in: a new session id (session fixation), the data of an anonymous or same-user
 * session carried over (pending logins in other tabs, the app's own values), a new CSRF token,
 * and the user id. A session that belonged to another user starts empty, as Django's `login`.
 */
export async function logIn(
  req: Request,
  user: User,
  sessionTimeoutSeconds?: number,
): Promise<void> {
  const previous = req.session.socialAuth
  const sameOrAnonymous =
    previous?.userId === undefined || String(previous.userId) === String(user.id)
  const kept: Record<string, unknown> = {}
  if (sameOrAnonymous) {
    for (const [key, value] of Object.entries(req.session)) {
      if (key !== 'cookie' && typeof value !== 'function') kept[key] = value
    }
  }
  await promisify((done) => req.session.regenerate(done))
  Object.assign(req.session, kept)
  const data = sessionData(req)
  delete data.csrf
  data.userId = user.id
  if (sessionTimeoutSeconds !== undefined)
    req.session.cookie.maxAge = Math.max(0, sessionTimeoutSeconds) * 1000
  req.user = user
  await saveSession(req)
}

/** Options of {@link logOut}. */
export interface LogOutOptions {
  /** The session cookie's name (express-session's `name`, `connect.sid` by default). */
  readonly cookieName?: string
}

/**
 * Logs out: destroys the session in its store (not just the cookie) and clears the cookie, so
 * a copied cookie is worthless afterwards.
 */
export async function logOut(
  req: Request,
  res: Response,
  options: LogOutOptions = {},
): Promise<void> {
  const cookie = req.session?.cookie
  if (req.session) await promisify((done) => req.session.destroy(done))
  delete req.user
  res.clearCookie(options.cookieName ?? 'connect.sid', {
    path: cookie?.path ?? '/',
    httpOnly: true,
    sameSite: 'lax',
    ...(cookie?.domain ? { domain: cookie.domain } : {}),
    ...(cookie?.secure === true ? { secure: true } : {}),
  })
}
