import { AuthTokenError } from '@social-auth/core'
import { defineOAuth2, oidcUserDetails, type OAuth2Backend } from '@social-auth/oauth'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idTokenClaim, isTrue, str } from './support/values.js'

/**
 * LinkedIn (PSA `LinkedinOpenIdConnect`, name `linkedin-openidconnect`), "Sign In with
 * LinkedIn using OpenID Connect". LinkedIn's discovery document names an issuer other than the
 * URL it is served from and its id_tokens carry no nonce, so the endpoints are fixed here and
 * no nonce is sent; the id_token's signature, issuer and audience are still verified, and the
 * userinfo `sub` must equal it. A verified-email authority for `email_verified: true`.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [linkedinOpenIdConnect()], // or 'social_core.backends.linkedin.LinkedinOpenIdConnect'
 * ```
 */
export function linkedinOpenIdConnect(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'linkedin-openidconnect',
    ...forwarded(options),
    endpoints: () => ({
      issuer: 'https://www.linkedin.com',
      authorization: 'https://www.linkedin.com/oauth/v2/authorization',
      token: 'https://www.linkedin.com/oauth/v2/accessToken',
      userinfo: 'https://api.linkedin.com/v2/userinfo',
      jwks: 'https://www.linkedin.com/oauth/openid/jwks',
    }),
    defaultScope: ['openid', 'profile', 'email'],
    idKey: 'sub',
    extraData: ['id_token', ['sub', 'id'], ['expires_in', 'expires', true]],
    userData: (input) => bearerJson(input, input.provider.endpoints.userinfo!),
    validateResponse({ response, backend }) {
      const subject = idTokenClaim(response, 'sub')
      if (subject === undefined || response.sub !== subject) {
        throw new AuthTokenError('Invalid UserInfo sub', { backend: backend.name })
      }
    },
    getUserId: (_details, response) => str(idTokenClaim(response, 'sub')),
    getUserDetails: oidcUserDetails,
    emailAuthority: true,
    isEmailVerified: (response, details) =>
      details.email !== undefined &&
      str(response.email) === details.email &&
      isTrue(response.email_verified),
  })
}
