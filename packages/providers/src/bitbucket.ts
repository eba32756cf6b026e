import { AuthForbidden, getUserNames, type ProviderResponse } from '@social-auth/core'
import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idString, objects, str } from './support/values.js'

const API = 'https://api.bitbucket.org/2.0'

const primaryOf = (response: ProviderResponse): Record<string, unknown> | undefined =>
  objects(response.emails).find((entry) => entry.is_primary === true)

/**
 * Bitbucket Cloud (PSA `BitbucketOAuth2`, name `bitbucket-oauth2`). The uid is the account's
 * `uuid` (PSA's `USERNAME_AS_ID` is not offered: usernames change hands; `ID_KEY` can still
 * name another field); the email is the primary address
 * from `/user/emails`, trusted only when Bitbucket has confirmed it. `VERIFIED_EMAILS_ONLY`
 * refuses accounts whose primary address is unconfirmed.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [bitbucketOAuth2()], // or 'social_core.backends.bitbucket.BitbucketOAuth2'
 * ```
 */
export function bitbucketOAuth2(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'bitbucket-oauth2',
    ...forwarded(options),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        authorization: 'https://bitbucket.org/site/oauth2/authorize',
        token: 'https://bitbucket.org/site/oauth2/access_token',
      }),
    // Bitbucket authenticates clients with HTTP Basic only (PSA `auth_complete_credentials`).
    clientAuth: 'client_secret_basic',
    defaultScope: ['account', 'email'],
    idKey: 'uuid',
    extraData: ['scopes', ['expires_in', 'expires', true]],
    async userData(input) {
      const user = await bearerJson(input, `${API}/user`)
      const emails = objects((await bearerJson(input, `${API}/user/emails`)).values)
      const primary = primaryOf({ emails })
      return { ...user, emails, email: str(primary?.email) ?? str(user.email) ?? '' }
    },
    validateResponse({ response, backend }) {
      if (
        backend.setting<boolean>('VERIFIED_EMAILS_ONLY', false) &&
        !primaryOf(response)?.is_confirmed
      ) {
        throw new AuthForbidden({ backend: backend.name })
      }
    },
    getUserId: (_details, response, idKey) => idString(response[idKey]),
    getUserDetails: (response) => ({
      username: str(response.username) ?? str(response.nickname),
      email: str(response.email) ?? '',
      ...getUserNames(str(response.display_name)),
    }),
    emailAuthority: true,
    isEmailVerified(response, details) {
      const primary = primaryOf(response)
      return (
        primary?.is_confirmed === true &&
        typeof primary.email === 'string' &&
        primary.email.toLowerCase() === details.email?.toLowerCase()
      )
    },
  })
}
