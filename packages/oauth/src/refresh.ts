import * as client from 'openid-client'
import { decodeJwt } from 'jose'
import {
  AuthTokenError,
  ImproperlyConfigured,
  toJsonObject,
  type BoundBackend,
  type JsonObject,
  type SocialAuth,
  type UserSocialAuth,
} from '@social-auth/core'
import type { OAuth2Backend } from './define-oauth2.js'
import { verifyProviderIdToken } from './provider-id-token.js'
import { mapProviderError } from './provider-errors.js'
import { tokenExtraData } from './token-extra-data.js'

// Refreshes in flight per account: concurrent callers share one request, so a refresh token
// that rotates on use is not spent twice (the second request would fail and log the user out).
const inFlight = new Map<string, Promise<UserSocialAuth>>()

function isOAuth2Backend(definition: unknown): definition is OAuth2Backend {
  return typeof (definition as Partial<OAuth2Backend> | null)?.provider === 'function'
}

/** Refreshed id_tokens must keep the identity of the original one (OIDC Core §12.2). */
async function checkRefreshedIdToken(
  backend: BoundBackend,
  definition: OAuth2Backend,
  stored: JsonObject,
  uid: string,
  idToken: string,
  now: () => number,
): Promise<void> {
  const claims = await verifyProviderIdToken({
    idToken,
    backend,
    provider: await definition.provider(backend),
    fetch: definition.spec.fetch,
    expectedIssuer: definition.spec.idTokenIssuer,
    now,
  })
  const refused = (name: string): AuthTokenError =>
    new AuthTokenError(`Incorrect refreshed id_token: ${name}`, { backend: backend.name })
  if (typeof stored.id_token !== 'string') {
    // No original to compare (a legacy row, an EXTRA_DATA without id_token, a token that did
    // not decrypt): the subject must still be the account's own, as PSA 5.1.0 requires, and
    // that can only be told when the account is keyed on it.
    if (backend.idKey() !== 'sub' || claims.sub !== uid) throw refused('sub')
    return
  }
  const original = decodeJwt(stored.id_token)
  for (const name of ['iss', 'sub'] as const) {
    if (claims[name] !== original[name]) throw refused(name)
  }
  if (audienceKey(claims.aud) !== audienceKey(original.aud)) throw refused('aud')
  // azp must match exactly, present in both or in neither.
  if (claims.azp !== original.azp) throw refused('azp')
  // The time of the original authentication and its nonce, when the new token repeats them.
  for (const name of ['auth_time', 'nonce'] as const) {
    if (claims[name] !== undefined && claims[name] !== original[name]) throw refused(name)
  }
}

/** An `aud` claim as a comparable set: a string or an array of strings, in any order. */
function audienceKey(aud: unknown): string {
  const list: unknown[] = Array.isArray(aud) ? aud : aud === undefined ? [] : [aud]
  return JSON.stringify([...new Set(list.map((entry) => JSON.stringify(entry)))].sort())
}

/**
 * Refreshes an account's access token with its refresh token and stores the result (PSA
 * `UserSocialAuth.refresh_token`). Concurrent calls for one account share one request; a
 * response without a new refresh token keeps the stored one; a new id_token must be validly
 * signed and keep the original's identity (OIDC Core §12.2): the same issuer, subject,
 * audience and azp, and the same auth_time and nonce when it repeats them.
 *
 * @example
 * ```ts
 * const [account] = await social.storage.user.getSocialAuthForUser(user, 'oidc')
 * const fresh = await refreshAccessToken(social, account)
 * ```
 */
export function refreshAccessToken(
  social: SocialAuth,
  account: UserSocialAuth,
  now: () => number = Date.now,
): Promise<UserSocialAuth> {
  const key = `${account.provider}\u0000${account.uid}`
  const pending = inFlight.get(key)
  if (pending) return pending
  const work = (async () => {
    const backend = social.getBackend(account.provider)
    const definition = backend.definition
    if (!isOAuth2Backend(definition)) {
      throw new ImproperlyConfigured(`Backend "${account.provider}" cannot refresh tokens`, {
        backend: account.provider,
      })
    }
    const refreshToken = account.extra_data.refresh_token
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      throw new AuthTokenError('No refresh token stored', { backend: backend.name })
    }
    let tokens: JsonObject
    try {
      const { config } = await definition.provider(backend)
      tokens = toJsonObject({ ...(await client.refreshTokenGrant(config, refreshToken)) })
      if (typeof tokens.id_token === 'string') {
        if (typeof tokens.access_token !== 'string' || tokens.access_token === '') {
          throw new AuthTokenError('Missing access_token in OpenID Connect refresh response', {
            backend: backend.name,
          })
        }
        await checkRefreshedIdToken(
          backend,
          definition,
          account.extra_data,
          account.uid,
          tokens.id_token,
          now,
        )
      }
    } catch (err) {
      throw mapProviderError(backend.name, err)
    }
    const data: JsonObject = {
      ...tokenExtraData({
        user: null,
        uid: account.uid,
        response: tokens,
        details: {},
        context: {},
        now: now(),
      }),
      auth_time: Math.floor(now() / 1000),
      ...(typeof tokens.id_token === 'string' ? { id_token: tokens.id_token } : {}),
    }
    await social.storage.user.setExtraData(account, data)
    return (await social.storage.user.getSocialAuth(account.provider, account.uid)) ?? account
  })().finally(() => inFlight.delete(key))
  inFlight.set(key, work)
  return work
}
