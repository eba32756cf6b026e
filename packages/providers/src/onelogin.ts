import { InvalidSetting, type BoundBackend } from '@social-auth/core'
import { oidc, oidcUserDetails, type OAuth2Backend } from '@social-auth/oauth'
import { forwarded, type ProviderOptions } from './support/options.js'

/** `https://<SUBDOMAIN>.onelogin.com/oidc/2`, OneLogin's OpenID Connect v2 issuer. */
function issuerOf(backend: BoundBackend): string {
  const subdomain = backend.setting<string | undefined>('SUBDOMAIN')
  if (!subdomain || !/^[a-z0-9-]+$/i.test(subdomain)) {
    throw new InvalidSetting(
      `SOCIAL_AUTH_${backend.name.toUpperCase().replace(/-/g, '_')}_SUBDOMAIN`,
      'the OneLogin subdomain (or set OIDC_ENDPOINT to the issuer)',
    )
  }
  return `https://${subdomain}.onelogin.com/oidc/2`
}

/**
 * OneLogin (name `onelogin-oidc`; social-core has no OneLogin class, PSA apps reach it through
 * SAML), OpenID Connect discovered from `https://<SUBDOMAIN>.onelogin.com/oidc/2`. The uid is
 * `sub`; not a verified-email authority by default (the directory's admins set emails).
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [oneloginOidc()],
 * SOCIAL_AUTH_ONELOGIN_OIDC_SUBDOMAIN: 'example',
 * ```
 */
export function oneloginOidc(options: ProviderOptions = {}): OAuth2Backend {
  return oidc({
    name: options.name ?? 'onelogin-oidc',
    issuer: issuerOf,
    ...forwarded(options),
    extraData: ['id_token', ['sub', 'id'], ['expires_in', 'expires', true]],
    getUserDetails: oidcUserDetails,
  })
}
