import { getUserNames } from '@social-auth/core'
import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idString, isTrue, obj, str } from './support/values.js'

/**
 * DigitalOcean (PSA `DigitalOceanOAuth`, name `digitalocean`). The uid is the account `uuid`.
 * A verified-email authority for `email_verified: true`. Disconnecting revokes the token.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [digitalocean()], // or 'social_core.backends.digitalocean.DigitalOceanOAuth'
 * ```
 */
export function digitalocean(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'digitalocean',
    ...forwarded(options),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        authorization: 'https://cloud.digitalocean.com/v1/oauth/authorize',
        token: 'https://cloud.digitalocean.com/v1/oauth/token',
        userinfo: 'https://api.digitalocean.com/v2/account',
        revocation: 'https://cloud.digitalocean.com/v1/oauth/revoke',
      }),
    defaultScope: ['read'],
    idKey: 'uuid',
    extraData: [['expires_in', 'expires_in', true]],
    userData: async (input) => {
      const { account } = await bearerJson(input, input.provider.endpoints.userinfo!)
      return { account: obj(account) }
    },
    getUserId: (_details, response) => idString(obj(response.account).uuid),
    getUserDetails(response) {
      const account = obj(response.account)
      return {
        username: str(account.email),
        email: str(account.email),
        ...getUserNames(str(account.name)),
      }
    },
    emailAuthority: true,
    isEmailVerified: (response, details) =>
      details.email !== undefined && isTrue(obj(response.account).email_verified),
  })
}
