import { getUserNames } from '@social-auth/core'
import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { obj, str } from './support/values.js'

/**
 * Login with Amazon (PSA `AmazonOAuth2`, name `amazon`). The uid is the `user_id`
 * (`amzn1.account.…`); the username is the name, as PSA. Amazon does not say whether the email
 * is verified: not an authority.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [amazon()], // or 'social_core.backends.amazon.AmazonOAuth2'
 * ```
 */
export function amazon(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'amazon',
    ...forwarded(options),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        authorization: 'https://www.amazon.com/ap/oa',
        token: 'https://api.amazon.com/auth/o2/token',
        userinfo: 'https://api.amazon.com/user/profile',
      }),
    defaultScope: ['profile'],
    idKey: 'user_id',
    extraData: ['user_id', ['postal_code', 'postal_code', true], ['expires_in', 'expires', true]],
    async userData(input) {
      const profile = await bearerJson(input, input.provider.endpoints.userinfo!)
      // An older answer shape PSA also reads: { Profile: { CustomerId, Name, PrimaryEmail } }.
      const legacy = obj(profile.Profile)
      return 'Profile' in profile
        ? { user_id: legacy.CustomerId, name: legacy.Name, email: legacy.PrimaryEmail }
        : profile
    },
    getUserDetails: (response) => ({
      username: str(response.name) ?? '',
      email: str(response.email),
      ...getUserNames(str(response.name)),
    }),
  })
}
