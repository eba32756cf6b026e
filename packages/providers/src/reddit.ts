import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idString, str } from './support/values.js'

/**
 * Reddit (PSA `RedditOAuth2`, name `reddit`), HTTP Basic client authentication and
 * `duration=permanent` so a refresh token is issued. The uid is the base-36 account id; Reddit
 * shares no email: not an authority. Disconnecting revokes the token.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [reddit()], // or 'social_core.backends.reddit.RedditOAuth2'
 * ```
 */
export function reddit(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'reddit',
    ...forwarded(options),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        authorization: 'https://www.reddit.com/api/v1/authorize',
        token: 'https://www.reddit.com/api/v1/access_token',
        userinfo: 'https://oauth.reddit.com/api/v1/me',
        revocation: 'https://www.reddit.com/api/v1/revoke_token',
      }),
    clientAuth: 'client_secret_basic',
    defaultScope: ['identity'],
    idKey: 'id',
    extraData: [
      'id',
      ['name', 'username'],
      ['link_karma', 'link_karma', true],
      ['comment_karma', 'comment_karma', true],
      ['expires_in', 'expires_in', true],
    ],
    authorizationParams: () => ({ duration: 'permanent' }),
    userData: (input) => bearerJson(input, input.provider.endpoints.userinfo!),
    getUserId: (_details, response) => idString(response.id),
    getUserDetails: (response) => ({
      username: str(response.name),
      email: '',
      fullname: '',
      first_name: '',
      last_name: '',
    }),
  })
}
