import {
  AuthMissingParameter,
  AuthStateForbidden,
  AuthStateMissing,
  redirect,
  type BackendCall,
  type BackendDefinition,
  type ExtraDataArgs,
  type ExtraDataEntry,
  type JsonObject,
} from '@social-auth/core'
import { passportError, passportFailure } from './passport-errors.js'
import { chosenEmail, profileDetails, profileResponse } from './profile.js'
import { runStrategy, strategyRequest, type Verified } from './run-strategy.js'
import { newTransaction, saveTransaction, takeTransaction } from './transactions.js'

/**
 * A passport-oauth2 strategy instance (passport-oauth2 itself, or a community strategy built on
 * it such as passport-github2): what the bridge calls and the fields it replaces on its own copy.
 */
export interface PassportOAuth2Strategy {
  readonly name?: string
  authenticate(req: unknown, options?: Record<string, unknown>): void
}

/** Options of {@link fromPassport}. */
export interface FromPassportOptions {
  /** The backend name (default: the strategy's `name`, e.g. `github`). */
  readonly name?: string
  /**
   * Whether this provider's verified emails may link accounts (default false). Only emails the
   * strategy's profile marks `verified: true` ever count.
   */
  readonly emailAuthority?: boolean
  /**
   * PKCE S256 even when the strategy was built without it (default true; RFC 9700 §2.1.1).
   * Turn it off only for a provider that refuses unknown parameters.
   */
  readonly pkce?: boolean
  /** Response keys kept in `extra_data` besides the tokens (default `['id', 'username']`). */
  readonly extraData?: readonly ExtraDataEntry[]
}

/** The extra scopes of PSA's `SCOPE` setting, added to the strategy's own. */
function scopeOption(
  strategy: PassportOAuth2Strategy,
  extra: readonly string[],
): Record<string, unknown> {
  if (extra.length === 0) return {}
  const own = (strategy as { _scope?: unknown; _scopeSeparator?: string })._scope
  const base = Array.isArray(own)
    ? (own as string[])
    : typeof own === 'string'
      ? own.split((strategy as { _scopeSeparator?: string })._scopeSeparator ?? ' ')
      : []
  return { scope: [...new Set([...base, ...extra])] }
}

/**
 * Wraps a passport-oauth2-based strategy instance as a social-auth backend: the strategy builds
 * the authorization URL, exchanges the code and loads the profile; social-auth adds its login
 * transaction (a state bound to this session, backend and redirect URI, single use), PKCE, and
 * runs the full pipeline on the profile — `uid` from `profile.id`, details from the normalized
 * profile, tokens and `id`/`username` in `extra_data`. The strategy's verify callback is not
 * called: the pipeline decides who the user is.
 *
 * @example
 * ```ts
 * import { Strategy as GitHubStrategy } from 'passport-github2'
 * const github = fromPassport(new GitHubStrategy({ clientID, clientSecret, callbackURL: '/complete/github/', scope: ['user:email'] }, () => {}))
 * const social = await createSocialAuth({ settings: { AUTHENTICATION_BACKENDS: [github] }, storage })
 * ```
 */
export function fromPassport(
  strategy: PassportOAuth2Strategy,
  options: FromPassportOptions = {},
): BackendDefinition {
  const name: string = options.name ?? strategy.name ?? ''
  if (!name) throw new TypeError('fromPassport needs a name: the strategy has none')
  const pkce = options.pkce ?? true
  const timeoutMs = (backendCall: BackendCall): number =>
    backendCall.backend.setting<number>('REQUESTS_TIMEOUT', 5) * 3 * 1000

  async function start(call: BackendCall) {
    const tx = newTransaction(name, call.redirectUri, call.next, call.now())
    const outcome = await runStrategy(
      strategy,
      strategyRequest({}),
      {
        callbackURL: call.redirectUri,
        ...scopeOption(strategy, call.backend.setting<string[]>('SCOPE', [])),
      },
      tx,
      pkce,
      timeoutMs(call),
    )
    if (outcome.kind !== 'redirect') {
      throw outcome.kind === 'error'
        ? passportError(name, outcome.err)
        : passportFailure(name, outcome)
    }
    saveTransaction(call.strategy.session, tx)
    return redirect(outcome.url)
  }

  async function complete(call: BackendCall) {
    const { data } = call
    const state = data.state
    if (!state) {
      if (data.error)
        throw passportError(name, {
          name: 'AuthorizationError',
          code: data.error,
          message: data.error_description,
        })
      throw new AuthMissingParameter('state', { backend: name })
    }
    // Refused before any call to the provider: the callback must belong to a login this
    // browser started, for this backend and this redirect URI.
    const tx = takeTransaction(call.strategy.session, state, call.now())
    if (tx === 'none-pending') throw new AuthStateMissing({ backend: name })
    if (tx === 'unknown' || tx.backend !== name || tx.redirectUri !== call.redirectUri) {
      throw new AuthStateForbidden({ backend: name })
    }
    if (data.error)
      throw passportError(name, {
        name: 'AuthorizationError',
        code: data.error,
        message: data.error_description,
      })
    if (!data.code) throw new AuthMissingParameter('code', { backend: name })
    const outcome = await runStrategy(
      strategy,
      strategyRequest({ code: data.code, state }),
      { callbackURL: tx.redirectUri },
      tx,
      pkce,
      timeoutMs(call),
    )
    if (outcome.kind === 'error') throw passportError(name, outcome.err)
    if (outcome.kind !== 'success')
      throw passportFailure(name, outcome.kind === 'fail' ? outcome.challenge : undefined)
    const verified = outcome.user as Verified
    return {
      response: profileResponse(
        verified.accessToken,
        verified.refreshToken,
        verified.params,
        verified.profile,
      ),
      next: tx.next,
    }
  }

  return {
    name,
    idKey: 'id',
    extraData: options.extraData ?? ['id', ['username', 'username', true]],
    start,
    complete,
    getUserDetails: (response) => profileDetails(response),
    getUserId(_details, response) {
      const id = response.id
      // A numeric id must be exact: JSON loses integers beyond 2^53 (security.md §5.6).
      if (typeof id === 'number') return Number.isSafeInteger(id) ? String(id) : undefined
      return id
    },
    ...(options.emailAuthority ? { emailAuthority: true } : {}),
    isEmailVerified(response, details) {
      const email = chosenEmail(response)
      return email?.verified === true && email.value.toLowerCase() === details.email?.toLowerCase()
    },
    extraDataFor({ response, now }: ExtraDataArgs): JsonObject {
      const data: JsonObject = {}
      if (typeof response.access_token === 'string') data.access_token = response.access_token
      if (typeof response.token_type === 'string') data.token_type = response.token_type
      if (typeof response.refresh_token === 'string') data.refresh_token = response.refresh_token
      const expiresIn = Number(response.expires_in)
      if (Number.isFinite(expiresIn) && expiresIn > 0)
        data.expires_at = Math.floor(now / 1000) + Math.floor(expiresIn)
      return data
    },
  }
}
