import type { JWTPayload } from 'jose'
import {
  AuthTokenError,
  InvalidSetting,
  KeySetUnavailable,
  type BoundBackend,
  type SettingsResolver,
} from '@social-auth/core'
import type { OAuth2Endpoints, ProviderConfiguration } from './define-oauth2.js'
import { verifyIdToken } from './id-token.js'
import { keySetFor } from './key-sets.js'
import { providerFetchOptions } from './provider-fetch.js'
import { settingSource } from './setting-source.js'
import { isAllowedProviderUrl } from './url-policy.js'

// The largest clock skew allowed, whatever JWT_LEEWAY says: more would keep an expired
// id_token usable for longer than a clock is ever wrong (docs/security.md).
const MAX_LEEWAY_SECONDS = 60

/**
 * `JWT_LEEWAY`: the seconds of clock skew allowed on id_token times, at most 60 (a larger value
 * counts as 60). A negative one fails start-up (the setting's `min`).
 */
export function jwtLeeway(backend: BoundBackend): number {
  return Math.min(backend.setting<number>('JWT_LEEWAY', 1), MAX_LEEWAY_SECONDS)
}

/**
 * `ID_TOKEN_MAX_AGE`: how old an id_token's `iat` may be, in seconds. Zero or less would refuse
 * every token and an infinite age would check none, so both are refused.
 */
export function idTokenMaxAge(backend: BoundBackend, settings?: SettingsResolver): number {
  const seconds = backend.setting<number>('ID_TOKEN_MAX_AGE', 600)
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new InvalidSetting(
      settingSource('ID_TOKEN_MAX_AGE', backend, settings),
      'a positive, finite number of seconds',
    )
  }
  return seconds
}

/** The `iss` an id_token from these endpoints must carry (`ID_TOKEN_ISSUER`, else the issuer). */
export const idTokenIssuerOf = (endpoints: OAuth2Endpoints): string =>
  endpoints.idTokenIssuer ?? endpoints.issuer

/**
 * Verifies an id_token from this provider with the backend's settings (`JWT_ALGORITHMS`,
 * `JWT_LEEWAY`, `ID_TOKEN_MAX_AGE`) against the issuer's shared key set, fetched as every
 * provider call is (`USER_AGENT`, `REQUESTS_TIMEOUT`, https only but on loopback). Used at
 * login and on refresh, so both apply the same rules.
 */
export function verifyProviderIdToken(input: {
  readonly idToken: string
  readonly backend: BoundBackend
  readonly provider: ProviderConfiguration
  readonly fetch: typeof fetch | undefined
  /** The `iss` to expect when it depends on the token (`OAuth2Spec.idTokenIssuer`). */
  readonly expectedIssuer?:
    | ((claims: Record<string, unknown>, endpoints: ProviderConfiguration['endpoints']) => string)
    | undefined
  readonly nonce?: string | undefined
  readonly now: () => number
}): Promise<JWTPayload> {
  const { backend, provider } = input
  const { endpoints, config } = provider
  if (!endpoints.jwks) {
    return Promise.reject(
      new AuthTokenError('the provider has no jwks_uri to verify its id_token', {
        backend: backend.name,
      }),
    )
  }
  // A jwks_uri comes from discovery or a provider definition, never checked as a setting is;
  // openid-client holds its own calls to this rule, and the key set is fetched by us.
  if (!URL.canParse(endpoints.jwks) || !isAllowedProviderUrl(new URL(endpoints.jwks))) {
    return Promise.reject(
      new KeySetUnavailable('the jwks_uri must be https (http only for localhost)', {
        backend: backend.name,
      }),
    )
  }
  return verifyIdToken(
    input.idToken,
    keySetFor(endpoints.jwks, { ...providerFetchOptions(backend, input.fetch), now: input.now }),
    {
      backend: backend.name,
      issuer: input.expectedIssuer
        ? (claims) => input.expectedIssuer!(claims, endpoints)
        : idTokenIssuerOf(endpoints),
      clientId: config.clientMetadata().client_id,
      algorithms: backend.setting<string[]>('JWT_ALGORITHMS', ['RS256']),
      leewaySeconds: jwtLeeway(backend),
      maxAgeSeconds: idTokenMaxAge(backend),
      nonce: input.nonce,
      now: input.now(),
    },
  )
}
