import { randomString, type Session } from '@social-auth/core'

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

const KEY = 'social_auth_passport_logins'
const TTL_MS = 600_000
// Bounded, so a script hammering the begin route cannot grow one session without limit.
const MAX_PENDING = 10

type Pending = Record<string, BridgeTransaction>

function pending(session: Session, now: number): Pending {
  const stored = session.get<Pending>(KEY) ?? {}
  const fresh: Pending = {}
  for (const [state, tx] of Object.entries(stored)) {
    if (tx && typeof tx.createdAt === 'number' && now - tx.createdAt <= TTL_MS) fresh[state] = tx
  }
  return fresh
}

/** A new transaction with a random state, not yet saved. */
export function newTransaction(
  backend: string,
  redirectUri: string,
  next: string | undefined,
  now: number,
): BridgeTransaction {
  return { state: randomString(32), backend, redirectUri, next, createdAt: now }
}

/** Keeps a started login in the session. */
export function saveTransaction(session: Session, tx: BridgeTransaction): void {
  const all = pending(session, tx.createdAt)
  all[tx.state] = tx
  const states = Object.keys(all).sort((a, b) => all[a]!.createdAt - all[b]!.createdAt)
  for (const state of states.slice(0, Math.max(0, states.length - MAX_PENDING))) delete all[state]
  session.set(KEY, all)
}

/** Takes (consumes) the login a callback's state names: `found`, or why there is none. */
export function takeTransaction(
  session: Session,
  state: string,
  now: number,
): BridgeTransaction | 'none-pending' | 'unknown' {
  const all = pending(session, now)
  if (Object.keys(all).length === 0) return 'none-pending'
  const tx = Object.hasOwn(all, state) ? all[state] : undefined
  if (!tx) return 'unknown'
  delete all[state]
  session.set(KEY, all)
  return tx
}
