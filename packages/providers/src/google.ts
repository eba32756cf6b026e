import { AuthForbidden, type BoundBackend, type ProviderResponse } from '@social-auth/core'
import { oidc, oidcUserDetails, type OAuth2Backend } from '@social-auth/oauth'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idTokenClaim, isTrue, str } from './support/values.js'

/** A claim from userinfo, else from the verified id_token. */
const claim = (response: ProviderResponse, name: string): unknown =>
  response[name] ?? idTokenClaim(response, name)

const hostedDomains = (backend: BoundBackend): string[] =>
  backend.setting<string[]>('HOSTED_DOMAINS', []).map((domain) => domain.toLowerCase())

// Addresses Google owns: for these `email_verified` means Google holds the mailbox. For any
// other domain it means the address was verified once, and the domain may have changed hands
// since — unless `hd` says a Workspace organisation manages the account.
const GOOGLE_MAIL = /@(gmail|googlemail)\.com$/i

/**
 * Google (PSA `GoogleOAuth2`, name `google-oauth2`), on OpenID Connect discovery at
 * `https://accounts.google.com`. The uid is the `sub` claim (PSA defaults to the email, which
 * changes). `HOSTED_DOMAINS` restricts sign-in to Google Workspace domains by the signed `hd`
 * claim (the `hd` request parameter alone is only a hint the user can remove).
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [googleOAuth2()], // or 'social_core.backends.google.GoogleOAuth2'
 * SOCIAL_AUTH_GOOGLE_OAUTH2_KEY: '…', SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET: '…',
 * SOCIAL_AUTH_GOOGLE_OAUTH2_HOSTED_DOMAINS: ['example.com'],
 * ```
 */
export function googleOAuth2(options: ProviderOptions = {}): OAuth2Backend {
  return oidc({
    name: options.name ?? 'google-oauth2',
    issuer: 'https://accounts.google.com',
    ...forwarded(options),
    defaultScope: ['openid', 'email', 'profile'],
    extraData: ['id_token', ['sub', 'id'], ['expires_in', 'expires', true], ['hd', 'hd', true]],
    authorizationParams(_data, backend): Record<string, string> {
      const domains = hostedDomains(backend)
      return domains.length === 1 ? { hd: domains[0]! } : {}
    },
    validateResponse({ response, backend }) {
      const domains = hostedDomains(backend)
      const hd = str(idTokenClaim(response, 'hd'))?.toLowerCase()
      if (domains.length > 0 && (!hd || !domains.includes(hd))) {
        throw new AuthForbidden({ backend: backend.name })
      }
    },
    getUserDetails(response, backend) {
      const details = oidcUserDetails(response, backend)
      // PSA's username for Google: the email's local part.
      return { ...details, username: details.email?.split('@', 1)[0] ?? details.username }
    },
    emailAuthority: true,
    isEmailVerified(response, details) {
      const email = details.email
      if (!email || !isTrue(claim(response, 'email_verified'))) return false
      return GOOGLE_MAIL.test(email) || str(idTokenClaim(response, 'hd')) !== undefined
    },
  })
}

/**
 * PSA's `GoogleOpenIdConnect` (name `google-openidconnect`): the same backend under the name
 * PSA apps that used the OpenID Connect class have in their database.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: ['social_core.backends.google_openidconnect.GoogleOpenIdConnect']
 * ```
 */
export function googleOpenIdConnect(options: ProviderOptions = {}): OAuth2Backend {
  return googleOAuth2({ name: 'google-openidconnect', ...options })
}
