import type { JWTPayload } from 'jose'
import { AuthTokenError, KeySetUnavailable, type BoundBackend } from '@social-auth/core'
import type { ProviderConfiguration } from './define-oauth2.js'
import { verifyIdToken } from './id-token.js'
import { keySetFor } from './key-sets.js'
import { providerFetchOptions } from './provider-fetch.js'
import { isAllowedProviderUrl } from './url-policy.js'

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
        : endpoints.issuer,
      clientId: config.clientMetadata().client_id,
      algorithms: backend.setting<string[]>('JWT_ALGORITHMS', ['RS256']),
      leewaySeconds: backend.setting<number>('JWT_LEEWAY', 1),
      maxAgeSeconds: backend.setting<number>('ID_TOKEN_MAX_AGE', 600),
      nonce: input.nonce,
      now: input.now(),
    },
  )
}
