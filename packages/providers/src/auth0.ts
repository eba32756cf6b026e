import { InvalidSetting, getUserNames, type BoundBackend } from '@social-auth/core'
import { oidc, type OAuth2Backend } from '@social-auth/oauth'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idTokenClaim, str } from './support/values.js'

/** `https://<DOMAIN>/`: Auth0's issuer keeps the trailing slash. */
function issuerOf(backend: BoundBackend): string {
  const domain = backend.setting<string | undefined>('DOMAIN')
  if (!domain || !/^[A-Za-z0-9.-]+(:\d+)?$/.test(domain)) {
    throw new InvalidSetting(
      `SOCIAL_AUTH_${backend.name.toUpperCase().replace(/-/g, '_')}_DOMAIN`,
      'the Auth0 tenant domain, e.g. example.eu.auth0.com',
    )
  }
  return `https://${domain}/`
}

const claim = (response: Record<string, unknown>, name: string): string | undefined =>
  str(response[name]) ?? str(idTokenClaim(response, name))

/**
 * Auth0 (PSA `Auth0OAuth2`, name `auth0`), OpenID Connect discovered from `https://<DOMAIN>/`.
 * The uid is `sub` (`auth0|…`, `google-oauth2|…`), the username Auth0's `nickname`, as PSA.
 * Auth0 relays many upstream connections whose `email_verified` means different things, so it
 * is not a verified-email authority unless configured to be.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [auth0()], // or 'social_core.backends.auth0.Auth0OAuth2'
 * SOCIAL_AUTH_AUTH0_DOMAIN: 'example.eu.auth0.com',
 * ```
 */
export function auth0(options: ProviderOptions = {}): OAuth2Backend {
  return oidc({
    name: options.name ?? 'auth0',
    issuer: issuerOf,
    ...forwarded(options),
    extraData: ['id_token', ['sub', 'id'], ['picture', 'picture', true]],
    getUserDetails: (response) => ({
      username: claim(response, 'nickname'),
      email: claim(response, 'email'),
      ...getUserNames(
        claim(response, 'name'),
        claim(response, 'given_name'),
        claim(response, 'family_name'),
      ),
      picture: claim(response, 'picture'),
    }),
  })
}

/**
 * PSA's `Auth0OpenIdConnectAuth` (name `auth0_openidconnect`): the same backend under that name.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: ['social_core.backends.auth0_openidconnect.Auth0OpenIdConnectAuth']
 * ```
 */
export function auth0OpenIdConnect(options: ProviderOptions = {}): OAuth2Backend {
  return auth0({ name: 'auth0_openidconnect', ...options })
}
