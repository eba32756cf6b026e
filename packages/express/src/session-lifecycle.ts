import type { Request, Response } from 'express'
import type { Session } from 'express-session'
import type { User } from '@social-auth/core'
import { dropCookieSecret } from './csrf-cookie.js'
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
 * The session as a store writes it, less the cookie's expiry: express-session moves that when
 * it sends the cookie, and the store's `touch` owns it. Equal snapshots: nothing new to write.
 */
function snapshot(session: Session): string {
  return JSON.stringify(session, function (this: unknown, key: string, value: unknown) {
    if (this === session && key === 'cookie' && value !== null && typeof value === 'object')
      return { ...value, expires: undefined }
    return value
  })
}

/**
 * Makes `save` of the request's (just regenerated) session write only when the session changed
 * since its last save. express-session does this for a session it loaded, but not for one
 * `regenerate()` made: its end-of-request hook writes that one again although the route saved
 * it before redirecting — a third identical row write per login.
 */
function saveOnlyChanges(req: Request): void {
  const session = req.session
  const save = session.save.bind(session)
  let saved: string | undefined
  // Non-enumerable, as express-session's own wrappers: never part of the stored JSON.
  Object.defineProperty(session, 'save', {
    configurable: true,
    enumerable: false,
    writable: true,
    value(callback?: (err: unknown) => void): Session {
      const current = snapshot(session)
      if (current === saved) {
        callback?.(undefined)
        return session
      }
      return save((err: unknown) => {
        if (!err) saved = current
        callback?.(err)
      })
    },
  })
}

/** A store that can give a session a new id by moving its row when it is next saved. */
interface RowMovingStore {
  renewSessionId(req: Request): boolean
}

/**
 * Logs `user` in on the request's session without writing it (the caller saves, once, when the
 * response is decided): a new session id (session fixation), the data of an anonymous or
 * same-user session carried over (pending logins in other tabs, the app's own values), a new
 * CSRF token, and the user id. A session that belonged to another user starts empty, as
 * Django's `login`. `sessionTimeoutSeconds` (the engine's `sessionTimeout`) sets the cookie's
 * lifetime; 0 makes it last until the browser closes.
 */
export async function logInSession(
  req: Request,
  user: User,
  sessionTimeoutSeconds?: number,
): Promise<void> {
  if (sessionTimeoutSeconds !== undefined) checkSessionLength(sessionTimeoutSeconds)
  const previous = req.session.socialAuth
  const sameOrAnonymous =
    previous?.userId === undefined || String(previous.userId) === String(user.id)
  const kept: Record<string, unknown> = {}
  if (sameOrAnonymous) {
    for (const [key, value] of Object.entries(req.session)) {
      if (key !== 'cookie' && typeof value !== 'function') kept[key] = value
    }
  }
  const store = req.sessionStore as Partial<RowMovingStore> | undefined
  if (!store?.renewSessionId?.(req)) await promisify((done) => req.session.regenerate(done))
  saveOnlyChanges(req)
  Object.assign(req.session, kept)
  const data = sessionData(req)
  delete data.csrf
  dropCookieSecret(req)
  data.userId = user.id
  if (sessionTimeoutSeconds !== undefined) setSessionLength(req.session, sessionTimeoutSeconds)
  req.user = user
}

// The engine never asks for less (a token that expired before the login fails it with
// ERR_AUTH_TOKEN): a caller that does has a bug, which a session over before it starts would hide.
function checkSessionLength(seconds: number): void {
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new RangeError(`A session length must be 0 or more seconds, not ${seconds}`)
}

/**
 * Django's `set_expiry(seconds)`: 0 makes the cookie a browser-session one (no `Expires`, so it
 * ends when the browser closes; the store keeps the row for its own TTL), not a cookie that has
 * expired already (`MAX_SESSION_LENGTH=0` used to log every user out at once).
 */
function setSessionLength(session: Session, seconds: number): void {
  if (seconds === 0) session.cookie.expires = null
  else session.cookie.maxAge = seconds * 1000
}

/**
 * Logs `user` in (see {@link logInSession}) and writes the session at once, before the
 * redirect that another app node may serve.
 */
export async function logIn(
  req: Request,
  user: User,
  sessionTimeoutSeconds?: number,
): Promise<void> {
  await logInSession(req, user, sessionTimeoutSeconds)
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
