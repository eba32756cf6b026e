import {
  randomString,
  rememberPendingLogin,
  takePendingLogin,
  type PendingLoginsOptions,
  type Session,
} from '@social-auth/core'

/** One login started through a wrapped passport strategy (security.md §0.1). */
export interface BridgeTransaction {
  readonly state: string
  readonly backend: string
  readonly redirectUri: string
  /** The PKCE verifier passport-oauth2 generated, handed back at the callback. */
  codeVerifier?: string
  readonly next?: string | undefined
  readonly createdAt: number
}

const LOGINS: PendingLoginsOptions = { key: 'social_auth_passport_logins', ttlMs: 600_000 }

/** A new transaction with a random state, not yet saved. */
export function newTransaction(
  backend: string,
  redirectUri: string,
  next: string | undefined,
  now: number,
): BridgeTransaction {
  return { state: randomString(32), backend, redirectUri, next, createdAt: now }
}

/** Keeps a started login in the session (at most ten, the oldest dropped first). */
export function saveTransaction(session: Session, tx: BridgeTransaction): void {
  rememberPendingLogin(session, LOGINS, tx)
}

/** Takes (consumes) the login a callback's state names: `found`, or why there is none. */
export function takeTransaction(
  session: Session,
  state: string,
  now: number,
): BridgeTransaction | 'none-pending' | 'unknown' {
  const found = takePendingLogin<BridgeTransaction>(session, LOGINS, state, now)
  return found.kind === 'found' ? found.login : found.kind
}
