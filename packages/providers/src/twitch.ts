import { oidc, type OAuth2Backend } from '@social-auth/oauth'
import type { ProviderOptions } from './support/options.js'
import { fixTokenResponse } from './support/token-response.js'
import { idTokenClaim, isTrue, str } from './support/values.js'

// Twitch puts these claims in the id_token and userinfo only when asked for by name.
const CLAIMS = JSON.stringify({
  id_token: { email: null, email_verified: null, preferred_username: null },
  userinfo: { email: null, email_verified: null, preferred_username: null },
})

const claim = (response: Record<string, unknown>, name: string): unknown =>
  response[name] ?? idTokenClaim(response, name)

/**
 * Twitch (PSA `TwitchOpenIdConnect`, name `twitch`), OpenID Connect discovered from
 * `https://id.twitch.tv/oauth2`, with the `claims` request Twitch needs for the email. The uid
 * is `sub` (the Twitch user id). A verified-email authority for `email_verified: true`.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [twitch()], // or 'social_core.backends.twitch.TwitchOpenIdConnect'
 * ```
 */
export function twitch(options: ProviderOptions = {}): OAuth2Backend {
  return oidc({
    name: options.name ?? 'twitch',
    issuer: 'https://id.twitch.tv/oauth2',
    // Twitch sends `scope` as a JSON array; RFC 6749 §5.1 (and openid-client) want a string.
    fetch: fixTokenResponse(
      options.fetch,
      (url) => url.pathname === '/oauth2/token',
      (body) => (Array.isArray(body.scope) ? { ...body, scope: body.scope.join(' ') } : body),
    ),
    defaultScope: ['openid', 'user:read:email'],
    extraData: ['id_token', ['sub', 'id'], ['expires_in', 'expires', true]],
    authorizationParams: () => ({ claims: CLAIMS }),
    getUserDetails: (response) => ({
      username: str(claim(response, 'preferred_username')),
      email: str(claim(response, 'email')),
      fullname: '',
      first_name: '',
      last_name: '',
    }),
    emailAuthority: true,
    isEmailVerified: (response, details) =>
      details.email !== undefined && isTrue(claim(response, 'email_verified')),
  })
}
