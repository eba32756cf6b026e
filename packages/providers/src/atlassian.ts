import { getUserNames } from '@social-auth/core'
import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { isTrue, str } from './support/values.js'

const API = 'https://api.atlassian.com'

/**
 * Atlassian (PSA `AtlassianOAuth2`, name `atlassian`), OAuth 2.0 (3LO). The uid is the
 * Atlassian `account_id` (PSA's `accountId`, the same id); the profile comes from `/me` and the
 * sites the user granted (`resources`) are kept in `extra_data`, as PSA. A verified-email
 * authority for `email_verified: true`.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [atlassian()], // or 'social_core.backends.atlassian.AtlassianOAuth2'
 * SOCIAL_AUTH_ATLASSIAN_SCOPE: ['read:jira-work'],
 * ```
 */
export function atlassian(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'atlassian',
    ...forwarded(options),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        authorization: 'https://auth.atlassian.com/authorize',
        token: 'https://auth.atlassian.com/oauth/token',
        userinfo: `${API}/me`,
      }),
    defaultScope: ['read:me', 'offline_access'],
    idKey: 'account_id',
    extraData: ['resources', ['expires_in', 'expires_in', true]],
    // PSA's parameters: the API audience, and consent so a refresh token is issued.
    authorizationParams: () => ({ audience: 'api.atlassian.com', prompt: 'consent' }),
    async userData(input) {
      const me = await bearerJson(input, input.provider.endpoints.userinfo!)
      const resources = await input.fetchJson(`${API}/oauth/token/accessible-resources`, {
        headers: { authorization: `Bearer ${input.accessToken}` },
      })
      return { ...me, resources: Array.isArray(resources) ? resources : [] }
    },
    getUserDetails: (response) => ({
      username: str(response.nickname) ?? str(response.account_id),
      email: str(response.email) ?? '',
      ...getUserNames(str(response.name)),
    }),
    emailAuthority: true,
    isEmailVerified: (response, details) =>
      details.email !== '' &&
      str(response.email) === details.email &&
      isTrue(response.email_verified),
  })
}
