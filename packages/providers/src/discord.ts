import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idString, isTrue, str } from './support/values.js'

const API = 'https://discord.com/api'

/**
 * Discord (PSA `DiscordOAuth2`, name `discord`). The uid is the user's snowflake id (a string,
 * never parsed: it exceeds 2^53). A verified-email authority when the user object says
 * `verified: true` (Discord has confirmed the address).
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [discord()], // or 'social_core.backends.discord.DiscordOAuth2'
 * ```
 */
export function discord(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'discord',
    ...forwarded(options),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        authorization: `${API}/oauth2/authorize`,
        token: `${API}/oauth2/token`,
        userinfo: `${API}/users/@me`,
        revocation: `${API}/oauth2/token/revoke`,
      }),
    // PSA joins with "+", which a query string reads as a space anyway.
    defaultScope: ['identify', 'email'],
    idKey: 'id',
    extraData: [['expires_in', 'expires', true]],
    userData: (input) => bearerJson(input, input.provider.endpoints.userinfo!),
    getUserId: (_details, response) => idString(response.id),
    getUserDetails: (response) => ({
      username: str(response.username),
      email: str(response.email) ?? '',
      fullname: str(response.global_name) ?? '',
    }),
    emailAuthority: true,
    isEmailVerified: (response, details) =>
      details.email !== '' && str(response.email) === details.email && isTrue(response.verified),
  })
}
