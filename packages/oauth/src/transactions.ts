import type { Session } from '@social-auth/core'

/**
 * One login attempt, kept server-side in the session under its `state` (security.md §0.1):
 * single-use, short-lived, and bound to the backend, the issuer and the exact redirect URI,
 * with the PKCE verifier, the OIDC nonce and the sanitised `next`. Each attempt has its own
 * record, so two logins in two tabs do not clobber each other (PSA keeps one per backend).
 */
export interface LoginTransaction {
  readonly state: string
  readonly backend: string
  readonly issuer: string
  readonly redirectUri: string
  readonly codeVerifier?: string | undefined
  readonly nonce?: string | undefined
  readonly maxAge?: number | undefined
  readonly next?: string | undefined
  /** Values the backend wants to check on the way back (Osso: what was requested). */
  readonly extra?: Record<string, string> | undefined
  /** Milliseconds since the epoch. */
  readonly createdAt: number
}

const SESSION_KEY = 'social_auth_transactions'
// A session holds at most this many pending logins; the oldest are dropped, so a script
// hammering /begin cannot grow one session without bound.
const MAX_PENDING = 10

type Pending = Record<string, LoginTransaction>

function pending(session: Session, now: number, ttlMs: number): Pending {
  const stored = session.get<Pending>(SESSION_KEY)
  const fresh: Pending = {}
  if (stored && typeof stored === 'object') {
    for (const [state, tx] of Object.entries(stored)) {
      if (tx && typeof tx.createdAt === 'number' && now - tx.createdAt <= ttlMs) fresh[state] = tx
    }
  }
  return fresh
}

/** Records a started login. */
export function saveTransaction(session: Session, tx: LoginTransaction, ttlMs: number): void {
  const all = pending(session, tx.createdAt, ttlMs)
  all[tx.state] = tx
  const states = Object.keys(all)
  if (states.length > MAX_PENDING) {
    states.sort((a, b) => all[a]!.createdAt - all[b]!.createdAt)
    for (const state of states.slice(0, states.length - MAX_PENDING)) delete all[state]
  }
  session.set(SESSION_KEY, all)
}

/** The result of looking a callback's state up. */
export type TransactionLookup =
  | { readonly kind: 'found'; readonly transaction: LoginTransaction }
  | { readonly kind: 'none-pending' }
  | { readonly kind: 'unknown' }

/**
 * Takes (and so consumes) the login started with `state`. A state that is unknown, expired or
 * already used finds nothing; the caller refuses the callback before any network call.
 */
export function takeTransaction(
  session: Session,
  state: string,
  now: number,
  ttlMs: number,
): TransactionLookup {
  const all = pending(session, now, ttlMs)
  if (Object.keys(all).length === 0) {
    session.pop(SESSION_KEY)
    return { kind: 'none-pending' }
  }
  // Own-property lookup: a state such as "__proto__" must not reach Object.prototype.
  const tx = Object.hasOwn(all, state) ? all[state] : undefined
  if (!tx) return { kind: 'unknown' }
  delete all[state]
  // The last pending login leaves no empty record behind in every signed-in session.
  if (Object.keys(all).length === 0) session.pop(SESSION_KEY)
  else session.set(SESSION_KEY, all)
  return { kind: 'found', transaction: tx }
}
