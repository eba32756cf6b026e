import { getUserNames } from '@social-auth/core'
import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idString, obj, str } from './support/values.js'

/**
 * X, formerly Twitter (PSA `TwitterOAuth2`, name `twitter-oauth2`): OAuth 2.0 with PKCE, which
 * X requires, and HTTP Basic client authentication for confidential clients. The uid is the
 * numeric user id, taken as X's string. X shares no email by default: not an authority.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [twitterOAuth2()], // or 'social_core.backends.twitter_oauth2.TwitterOAuth2'
 * SOCIAL_AUTH_TWITTER_OAUTH2_SCOPE: ['offline.access'], // for a refresh token
 * ```
 */
export function twitterOAuth2(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'twitter-oauth2',
    ...forwarded(options),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        authorization: 'https://x.com/i/oauth2/authorize',
        token: 'https://api.x.com/2/oauth2/token',
        userinfo: 'https://api.x.com/2/users/me?user.fields=created_at,profile_image_url',
        revocation: 'https://api.x.com/2/oauth2/revoke',
      }),
    pkce: true,
    clientAuth: 'client_secret_basic',
    // `users.read` needs `tweet.read` alongside it; X wants them space-separated.
    defaultScope: ['tweet.read', 'users.read'],
    idKey: 'id',
    extraData: ['id', 'username', 'created_at', ['expires_in', 'expires', true]],
    async userData(input) {
      const { data } = await bearerJson(input, input.provider.endpoints.userinfo!)
      return { ...obj(data) }
    },
    getUserId: (_details, response) => idString(response.id),
    getUserDetails: (response) => ({
      username: str(response.username),
      ...getUserNames(str(response.name)),
    }),
  })
}
