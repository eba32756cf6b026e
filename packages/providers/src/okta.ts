import { InvalidSetting, type BoundBackend } from '@social-auth/core'
import { oidc, oidcUserDetails, providerUrl, type OAuth2Backend } from '@social-auth/oauth'
import { forwarded, type ProviderOptions } from './support/options.js'

/**
 * The issuer from PSA's `API_URL`: `https://example.okta.com/oauth2/default` (a custom
 * authorization server) is its own issuer; `https://example.okta.com/oauth2` (PSA's form for
 * the org server) means the org, whose issuer is the bare origin.
 */
function issuerOf(backend: BoundBackend): string {
  const apiUrl = backend.setting<string | undefined>('API_URL')
  if (!apiUrl) {
    throw new InvalidSetting(
      `SOCIAL_AUTH_${backend.name.toUpperCase().replace(/-/g, '_')}_API_URL`,
      'the Okta authorization server URL (or set OIDC_ENDPOINT to its issuer)',
    )
  }
  const url = providerUrl('API_URL', apiUrl)
  const path = url.pathname.replace(/\/+$/, '')
  return path === '/oauth2' || path === '' ? url.origin : `${url.origin}${path}`
}

/**
 * Okta (PSA `OktaOpenIdConnect`, name `okta-openidconnect`), OpenID Connect discovered from
 * the authorization server in `API_URL` (or the issuer in `OIDC_ENDPOINT`). The uid is `sub`.
 * Okta's `email_verified` is whatever the org's directory says, so Okta is not a
 * verified-email authority unless `ASSOCIATE_BY_EMAIL_TRUST_PROVIDER` makes it one (and then
 * only with `email_verified: true`).
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [oktaOpenIdConnect()], // or 'social_core.backends.okta_openidconnect.OktaOpenIdConnect'
 * SOCIAL_AUTH_OKTA_OPENIDCONNECT_API_URL: 'https://example.okta.com/oauth2/default',
 * ```
 */
export function oktaOpenIdConnect(options: ProviderOptions = {}): OAuth2Backend {
  return oidc({
    name: options.name ?? 'okta-openidconnect',
    issuer: issuerOf,
    ...forwarded(options),
    extraData: ['id_token', ['sub', 'id'], ['expires_in', 'expires', true]],
    getUserDetails: oidcUserDetails,
  })
}

/**
 * PSA's `OktaOAuth2` (name `okta-oauth2`): the same OpenID Connect backend under PSA's OAuth2
 * name (PSA's class read the same userinfo).
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: ['social_core.backends.okta.OktaOAuth2']
 * ```
 */
export function oktaOAuth2(options: ProviderOptions = {}): OAuth2Backend {
  return oktaOpenIdConnect({ name: 'okta-oauth2', ...options })
}
