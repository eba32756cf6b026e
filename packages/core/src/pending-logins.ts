/**
 * Logins a browser has started and not finished, kept in its session and found again by the
 * `state` the provider echoes back (security.md §0.1): single-use, short-lived, at most a few
 * per session. Each attempt has its own record, so two logins in two tabs do not clobber each
 * other (PSA keeps one per backend).
 *
 * They are kept as a list, oldest first, not as an object keyed by state: a random key per
 * login would give every session object a new shape, which JavaScript engines and JSON
 * round trips handle far worse than a short array.
 */
import type { Session } from './strategy.js'

/** What every pending login carries. */
export interface PendingLogin {
  /** The OAuth `state` of the attempt. */
  readonly state: string
  /** Milliseconds since the epoch. */
  readonly createdAt: number
}

/** Where a session keeps its pending logins and for how long. */
export interface PendingLoginsOptions {
  /** The session key. */
  readonly key: string
  /** How long a started login may take, in milliseconds. */
  readonly ttlMs: number
  /** The most kept at once; the oldest go first (default 10). */
  readonly maxPending?: number
}

/** What looking a callback's state up found. */
export type PendingLoginLookup<T> =
  | { readonly kind: 'found'; readonly login: T }
  /** The session has no pending login at all (a lost session, or a callback never asked for). */
  | { readonly kind: 'none-pending' }
  /** Pending logins exist, but none with this state: forged, replayed or expired. */
  | { readonly kind: 'unknown' }

const DEFAULT_MAX_PENDING = 10

const isPendingLogin = (value: unknown): value is PendingLogin =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as PendingLogin).state === 'string' &&
  typeof (value as PendingLogin).createdAt === 'number'

/** The unexpired logins of the session, oldest first. */
function unexpired<T extends PendingLogin>(
  session: Session,
  options: PendingLoginsOptions,
  now: number,
): T[] {
  const stored = session.get<unknown>(options.key)
  // An object keyed by state is how sessions written before this list kept them.
  const candidates: unknown[] = Array.isArray(stored)
    ? stored
    : stored && typeof stored === 'object'
      ? Object.values(stored)
      : []
  const fresh: T[] = []
  for (const login of candidates) {
    if (isPendingLogin(login) && now - login.createdAt <= options.ttlMs) fresh.push(login as T)
  }
  return fresh.sort((a, b) => a.createdAt - b.createdAt)
}

/**
 * Keeps a started login in the session, dropping expired ones and, past `maxPending`, the
 * oldest, so a script hammering a begin route cannot grow one session without bound.
 */
export function rememberPendingLogin<T extends PendingLogin>(
  session: Session,
  options: PendingLoginsOptions,
  login: T,
): void {
  const logins = unexpired<T>(session, options, login.createdAt).filter(
    (kept) => kept.state !== login.state,
  )
  logins.push(login)
  const max = options.maxPending ?? DEFAULT_MAX_PENDING
  session.set(options.key, logins.length > max ? logins.slice(logins.length - max) : logins)
}

/**
 * Takes (and so consumes) the login started with `state`. A state that is unknown, expired or
 * already used finds nothing; the caller refuses the callback before any network call. The
 * last pending login leaves no empty list behind.
 */
export function takePendingLogin<T extends PendingLogin>(
  session: Session,
  options: PendingLoginsOptions,
  state: string,
  now: number,
): PendingLoginLookup<T> {
  const logins = unexpired<T>(session, options, now)
  if (logins.length === 0) {
    session.pop(options.key)
    return { kind: 'none-pending' }
  }
  const index = logins.findIndex((login) => login.state === state)
  if (index === -1) return { kind: 'unknown' }
  const [login] = logins.splice(index, 1)
  if (logins.length === 0) session.pop(options.key)
  else session.set(options.key, logins)
  return { kind: 'found', login: login! }
}
