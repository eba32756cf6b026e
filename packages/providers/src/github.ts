import { getUserNames, type BoundBackend, type ProviderResponse } from '@social-auth/core'
import { defineOAuth2, type OAuth2Backend, type UserDataInput } from '@social-auth/oauth'
import { joinUrl, oauth2Endpoints, urlSetting } from './support/endpoints.js'
import { basicAuthorization, bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idString, objects, str } from './support/values.js'

const apiUrl = (backend: BoundBackend): string =>
  urlSetting(backend, 'API_URL', 'https://api.github.com/')

/** `GET /user/emails`; without the `user:email` scope GitHub answers 403/404 and none is trusted. */
async function emailsOf(input: UserDataInput): Promise<Record<string, unknown>[]> {
  try {
    return objects(
      await input.fetchJson(joinUrl(apiUrl(input.backend), 'user/emails'), {
        headers: { authorization: `Bearer ${input.accessToken}` },
      }),
    )
  } catch (err) {
    const status = (err as { status?: unknown }).status
    if (status === 403 || status === 404) return []
    throw err
  }
}

const primaryOf = (response: ProviderResponse): Record<string, unknown> | undefined =>
  objects(response.emails).find((entry) => entry.primary === true)

/**
 * GitHub (PSA `GithubOAuth2`, name `github`). The uid is the numeric account id; the email is
 * the account's primary address from the emails API, and it is trusted for linking only when
 * GitHub marks that primary address verified. `API_URL` (plus `AUTHORIZATION_URL` and
 * `ACCESS_TOKEN_URL`) points it at GitHub Enterprise.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [github()], // or 'social_core.backends.github.GithubOAuth2'
 * SOCIAL_AUTH_GITHUB_KEY: '…', SOCIAL_AUTH_GITHUB_SECRET: '…',
 * ```
 */
export function github(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'github',
    ...forwarded(options),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        issuer: 'https://github.com',
        authorization: 'https://github.com/login/oauth/authorize',
        token: 'https://github.com/login/oauth/access_token',
      }),
    defaultScope: ['user:email'],
    scopeSeparator: ',',
    idKey: 'id',
    extraData: ['id', 'login', ['expires_in', 'expires', true]],
    async userData(input) {
      const user = await bearerJson(input, joinUrl(apiUrl(input.backend), 'user'))
      const emails = await emailsOf(input)
      const primary = primaryOf({ emails })
      return { ...user, emails, email: str(primary?.email) ?? str(user.email) ?? '' }
    },
    getUserId: (_details, response) => idString(response.id),
    getUserDetails(response) {
      return {
        username: str(response.login),
        email: str(response.email) ?? '',
        ...getUserNames(str(response.name)),
      }
    },
    emailAuthority: true,
    isEmailVerified(response, details) {
      const primary = primaryOf(response)
      return (
        primary?.verified === true &&
        typeof primary.email === 'string' &&
        primary.email.toLowerCase() === details.email?.toLowerCase()
      )
    },
    // GitHub revokes an OAuth token with the app's credentials, not RFC 7009.
    async revoke({ backend, social, clientId, clientSecret, send }) {
      const token = str(social.extra_data.access_token)
      if (!token) return false
      const url = joinUrl(apiUrl(backend), `applications/${encodeURIComponent(clientId)}/token`)
      const status = await send(url, {
        method: 'DELETE',
        headers: {
          authorization: basicAuthorization(clientId, clientSecret),
          'content-type': 'application/json',
        },
        body: JSON.stringify({ access_token: token }),
      })
      return status === 204
    },
  })
}
