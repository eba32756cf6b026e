import { getUserNames } from '@social-auth/core'
import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idString, str } from './support/values.js'

/**
 * Spotify (PSA `SpotifyOAuth2`, name `spotify`). The uid and username are the Spotify user id;
 * HTTP Basic client authentication, as Spotify documents. Spotify does not say whether the
 * email is verified: not an authority.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [spotify()], // or 'social_core.backends.spotify.SpotifyOAuth2'
 * ```
 */
export function spotify(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'spotify',
    ...forwarded(options),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        authorization: 'https://accounts.spotify.com/authorize',
        token: 'https://accounts.spotify.com/api/token',
        userinfo: 'https://api.spotify.com/v1/me',
      }),
    clientAuth: 'client_secret_basic',
    defaultScope: ['user-read-email'],
    idKey: 'id',
    extraData: [['expires_in', 'expires', true]],
    userData: (input) => bearerJson(input, input.provider.endpoints.userinfo!),
    getUserId: (_details, response) => idString(response.id),
    getUserDetails: (response) => ({
      username: str(response.id),
      email: str(response.email),
      ...getUserNames(str(response.display_name)),
    }),
  })
}
