import { InvalidSetting, type BoundBackend } from '@social-auth/core'
import { oidc, oidcUserDetails, providerUrl, type OAuth2Backend } from '@social-auth/oauth'
import { forwarded, type ProviderOptions } from './support/options.js'

/**
 * The realm issuer. PSA apps configure Keycloak by its endpoints
 * (`…/realms/<realm>/protocol/openid-connect/auth`); the realm URL before that suffix is the
 * issuer, so those settings keep working.
 */
function issuerOf(backend: BoundBackend): string {
  const authorization = backend.setting<string | undefined>('AUTHORIZATION_URL')
  const match = authorization
    ? /^(.*\/realms\/[^/]+)\/protocol\/openid-connect\/auth\/?$/.exec(
        providerUrl('AUTHORIZATION_URL', authorization).href,
      )
    : null
  if (!match?.[1]) {
    throw new InvalidSetting(
      `SOCIAL_AUTH_${backend.name.toUpperCase().replace(/-/g, '_')}_OIDC_ENDPOINT`,
      'the realm URL, e.g. https://sso.example.com/realms/example',
    )
  }
  return match[1]
}

/**
 * Keycloak (PSA `KeycloakOAuth2`, name `keycloak`), OpenID Connect discovered from the realm
 * (`OIDC_ENDPOINT`, or derived from PSA's `AUTHORIZATION_URL`). PSA decodes the access token
 * with a configured `PUBLIC_KEY` and keys accounts on the mutable `username`; this verifies
 * the id_token against the realm's keys and keys accounts on `sub`. Not a verified-email
 * authority by default (realm admins set `email_verified`).
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [keycloak()], // or 'social_core.backends.keycloak.KeycloakOAuth2'
 * SOCIAL_AUTH_KEYCLOAK_OIDC_ENDPOINT: 'https://sso.example.com/realms/example',
 * ```
 */
export function keycloak(options: ProviderOptions = {}): OAuth2Backend {
  return oidc({
    name: options.name ?? 'keycloak',
    issuer: issuerOf,
    ...forwarded(options),
    extraData: ['id_token', ['sub', 'id'], ['expires_in', 'expires', true]],
    getUserDetails: oidcUserDetails,
  })
}
