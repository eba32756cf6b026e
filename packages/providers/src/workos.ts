import { AuthForbidden, AuthMissingParameter, getUserNames } from '@social-auth/core'
import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import type { ProviderOptions } from './support/options.js'
import { fixTokenResponse } from './support/token-response.js'
import { str } from './support/values.js'

const API = 'https://api.workos.com'

/**
 * WorkOS SSO (name `workos`; not in social-core), an enterprise SSO bridge like Osso: the login
 * request's `organization` or `connection` field (else the `ORGANIZATION` / `CONNECTION`
 * setting) picks the customer's identity provider. The organization and connection WorkOS
 * reports back must be the ones this login asked for — a profile from another customer's IdP
 * is refused (the lesson of security.md §0.7). The uid is the WorkOS profile id; enterprise
 * directories set emails, so WorkOS is not a verified-email authority.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [workos()],
 * SOCIAL_AUTH_WORKOS_KEY: 'client_…', SOCIAL_AUTH_WORKOS_SECRET: process.env.WORKOS_API_KEY,
 * ```
 */
export function workos(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'workos',
    // WorkOS answers the code exchange without `token_type`; its tokens are bearer tokens.
    fetch: fixTokenResponse(
      options.fetch,
      (url) => url.pathname === '/sso/token',
      (body) => ({ token_type: 'bearer', ...body }),
    ),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        authorization: `${API}/sso/authorize`,
        token: `${API}/sso/token`,
        userinfo: `${API}/sso/profile`,
      }),
    idKey: 'id',
    extraData: ['organization_id', 'connection_id', 'connection_type', 'idp_id'],
    authorizationParams(data, backend) {
      const organization = data.organization || backend.setting<string | undefined>('ORGANIZATION')
      const connection = data.connection || backend.setting<string | undefined>('CONNECTION')
      if (!organization && !connection)
        throw new AuthMissingParameter('organization', { backend: backend.name })
      return {
        ...(organization ? { organization } : {}),
        ...(connection ? { connection } : {}),
        ...(data.email ? { login_hint: data.email } : {}),
      }
    },
    userData: (input) => bearerJson(input, input.provider.endpoints.userinfo!),
    validateResponse({ response, transaction, backend }) {
      const asked = transaction?.extra ?? {}
      if (
        !transaction ||
        (asked.organization !== undefined && response.organization_id !== asked.organization) ||
        (asked.connection !== undefined && response.connection_id !== asked.connection)
      ) {
        throw new AuthForbidden({ backend: backend.name })
      }
    },
    getUserDetails: (response) => ({
      username: str(response.email),
      email: str(response.email),
      ...getUserNames(undefined, str(response.first_name), str(response.last_name)),
    }),
  })
}
