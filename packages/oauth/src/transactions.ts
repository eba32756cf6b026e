import {
  rememberPendingLogin,
  takePendingLogin,
  type PendingLoginsOptions,
  type Session,
} from '@social-auth/core'

/**
 * One login attempt, kept server-side in the session under its `state` (core's pending
 * logins, security.md §0.1): single-use, short-lived, and bound to the backend, the issuer
 * and the exact redirect URI, with the PKCE verifier, the OIDC nonce and the sanitised `next`.
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

const pendingLogins = (ttlMs: number): PendingLoginsOptions => ({ key: SESSION_KEY, ttlMs })

/** Records a started login. */
export function saveTransaction(session: Session, tx: LoginTransaction, ttlMs: number): void {
  rememberPendingLogin(session, pendingLogins(ttlMs), tx)
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
  const found = takePendingLogin<LoginTransaction>(session, pendingLogins(ttlMs), state, now)
  return found.kind === 'found' ? { kind: 'found', transaction: found.login } : found
}
