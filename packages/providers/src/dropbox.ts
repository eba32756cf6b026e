import { getUserNames } from '@social-auth/core'
import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { isTrue, obj, str } from './support/values.js'

const API = 'https://api.dropboxapi.com/2'

/**
 * Dropbox (PSA `DropboxOAuth2V2`, name `dropbox-oauth2`). The uid is the `account_id`
 * (`dbid:…`); PSA keys on the token response's legacy `uid`, which Dropbox has deprecated.
 * Refresh tokens are requested (`token_access_type=offline`). A verified-email authority for
 * `email_verified: true`. Disconnecting revokes the token (`/2/auth/token/revoke`).
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [dropboxOAuth2()], // or 'social_core.backends.dropbox.DropboxOAuth2V2'
 * ```
 */
export function dropboxOAuth2(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'dropbox-oauth2',
    ...forwarded(options),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        authorization: 'https://www.dropbox.com/oauth2/authorize',
        token: 'https://api.dropboxapi.com/oauth2/token',
        userinfo: `${API}/users/get_current_account`,
      }),
    idKey: 'account_id',
    extraData: ['account_id', ['expires_in', 'expires', true]],
    authorizationParams: () => ({ token_access_type: 'offline' }),
    // An RPC endpoint: POST without a body.
    userData: (input) => bearerJson(input, input.provider.endpoints.userinfo!, { method: 'POST' }),
    getUserDetails(response) {
      const name = obj(response.name)
      return {
        username: str(response.account_id),
        email: str(response.email),
        ...getUserNames(str(name.display_name), str(name.given_name), str(name.surname)),
      }
    },
    emailAuthority: true,
    isEmailVerified: (response, details) =>
      details.email !== undefined && isTrue(response.email_verified),
    async revoke({ social, send }) {
      const token = str(social.extra_data.access_token)
      if (!token) return false
      return (
        (await send(`${API}/auth/token/revoke`, {
          headers: { authorization: `Bearer ${token}` },
        })) === 200
      )
    },
  })
}
