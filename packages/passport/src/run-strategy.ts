import { AuthUnreachableProvider } from '@social-auth/core'
import type { PassportOAuth2Strategy } from './from-passport.js'
import type { PassportProfile } from './profile.js'
import type { BridgeTransaction } from './transactions.js'

/** What the strategy reported, once. */
export type Outcome =
  | { kind: 'redirect'; url: string }
  | { kind: 'success'; user: unknown }
  | { kind: 'fail'; challenge: unknown }
  | { kind: 'error'; err: unknown }

/** The verify callback's arguments, which the bridge keeps instead of finding a user. */
export interface Verified {
  readonly accessToken: string
  readonly refreshToken: string | undefined
  readonly params: unknown
  readonly profile: PassportProfile | undefined
}

/**
 * Runs the strategy once the way passport's middleware does — on an object created from it,
 * with `success`/`fail`/`redirect`/`error` — with the bridge's state store, PKCE and verify
 * callback in place of the strategy's own. The strategy instance is never modified.
 */
export function runStrategy(
  strategy: PassportOAuth2Strategy,
  req: Record<string, unknown>,
  options: Record<string, unknown>,
  tx: BridgeTransaction,
  pkce: boolean,
  timeoutMs: number,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    const timer = setTimeout(
      () => resolve({ kind: 'error', err: new AuthUnreachableProvider() }),
      timeoutMs,
    )
    const settle = (outcome: Outcome): void => {
      clearTimeout(timer)
      resolve(outcome)
    }
    const run = Object.create(strategy) as Record<string, unknown> & PassportOAuth2Strategy
    Object.assign(run, {
      redirect: (url: string) => settle({ kind: 'redirect', url }),
      success: (user: unknown) => settle({ kind: 'success', user }),
      fail: (challenge: unknown) => settle({ kind: 'fail', challenge }),
      error: (err: unknown) => settle({ kind: 'error', err }),
      pass: () => settle({ kind: 'error', err: new Error('the strategy passed') }),
      // The bridge keeps state and the PKCE verifier in its own login transaction, whatever
      // store the strategy was built with (passport-oauth2 sends no state at all by default).
      _stateStore: {
        store(
          _req: unknown,
          verifier: string | undefined,
          _state: unknown,
          _meta: unknown,
          done: (err: unknown, state?: string) => void,
        ) {
          if (verifier) tx.codeVerifier = verifier
          done(null, tx.state)
        },
        verify(
          _req: unknown,
          _state: unknown,
          done: (err: unknown, ok?: string | boolean) => void,
        ) {
          done(null, tx.codeVerifier ?? true)
        },
      },
      ...(pkce ? { _pkceMethod: 'S256' } : {}),
      _passReqToCallback: false,
      // Five parameters: passport-oauth2 then passes the token response (`params`) too.
      _verify(
        accessToken: string,
        refreshToken: string | undefined,
        params: unknown,
        profile: PassportProfile | undefined,
        done: (err: unknown, user?: Verified) => void,
      ) {
        done(null, { accessToken, refreshToken, params, profile })
      },
    })
    try {
      run.authenticate(req, options)
    } catch (err) {
      settle({ kind: 'error', err })
    }
  })
}

/** The request a passport-oauth2 strategy reads: `query` (and `body`) only. */
export const strategyRequest = (query: Record<string, string>): Record<string, unknown> => ({
  method: 'GET',
  query,
  body: {},
  headers: {},
  url: '/',
})
