import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idString, str } from './support/values.js'

/**
 * Zoom (PSA `ZoomOAuth2`, name `zoom-oauth2`), with HTTP Basic client authentication as Zoom
 * requires. The uid and username are the Zoom user id. Zoom's `verified` flag is about the
 * account, not the email: not an authority. Disconnecting revokes the token.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [zoomOAuth2()], // or 'social_core.backends.zoom.ZoomOAuth2'
 * ```
 */
export function zoomOAuth2(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'zoom-oauth2',
    ...forwarded(options),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        authorization: 'https://zoom.us/oauth/authorize',
        token: 'https://zoom.us/oauth/token',
        userinfo: 'https://api.zoom.us/v2/users/me',
        revocation: 'https://zoom.us/oauth/revoke',
      }),
    clientAuth: 'client_secret_basic',
    defaultScope: ['user:read'],
    idKey: 'id',
    extraData: [['expires_in', 'expires', true]],
    userData: (input) => bearerJson(input, input.provider.endpoints.userinfo!),
    getUserId: (_details, response) => idString(response.id),
    getUserDetails: (response) => ({
      username: str(response.id),
      email: str(response.email) ?? '',
      fullname: [str(response.first_name), str(response.last_name)].filter(Boolean).join(' '),
      first_name: str(response.first_name) ?? '',
      last_name: str(response.last_name) ?? '',
    }),
  })
}
