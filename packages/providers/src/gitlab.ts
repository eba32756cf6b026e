import { getUserNames, type BoundBackend } from '@social-auth/core'
import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { joinUrl, urlSetting } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idString, str } from './support/values.js'

const baseUrl = (backend: BoundBackend): string =>
  urlSetting(backend, 'API_URL', 'https://gitlab.com').replace(/\/+$/, '')

/**
 * GitLab (PSA `GitLabOAuth2`, name `gitlab`), gitlab.com or a self-managed instance through
 * `API_URL`. The uid is the numeric user id. Not a verified-email authority: `/api/v4/user`
 * has no verification flag, and self-managed instances may not confirm addresses at all.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [gitlab()], // or 'social_core.backends.gitlab.GitLabOAuth2'
 * SOCIAL_AUTH_GITLAB_API_URL: 'https://gitlab.example.com',
 * ```
 */
export function gitlab(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'gitlab',
    ...forwarded(options),
    endpoints(backend) {
      const base = baseUrl(backend)
      return {
        issuer: base,
        authorization: joinUrl(base, 'oauth/authorize'),
        token: joinUrl(base, 'oauth/token'),
        userinfo: joinUrl(base, 'api/v4/user'),
        revocation: joinUrl(base, 'oauth/revoke'),
      }
    },
    defaultScope: ['read_user'],
    idKey: 'id',
    extraData: ['id', ['expires_in', 'expires_in', true]],
    userData: (input) => bearerJson(input, input.provider.endpoints.userinfo!),
    getUserId: (_details, response) => idString(response.id),
    getUserDetails: (response) => ({
      username: str(response.username),
      email: str(response.email) ?? '',
      ...getUserNames(str(response.name)),
    }),
  })
}
