import { createHmac } from 'node:crypto'
import { getUserNames, type BoundBackend } from '@social-auth/core'
import { defineOAuth2, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idString, str } from './support/values.js'

const version = (backend: BoundBackend): string =>
  backend.setting<string>('API_VERSION', '19.0').replace(/^v/, '')

const graph = (backend: BoundBackend): string => `https://graph.facebook.com/v${version(backend)}`

const scopes = (value: string | undefined): string[] | null =>
  value ? value.split(',').filter(Boolean) : null

/**
 * Facebook Login (PSA `FacebookOAuth2`, name `facebook`) on the Graph API `API_VERSION`. The
 * uid is the app-scoped user id. Graph calls carry `appsecret_proof` (`APPSECRET_PROOF`,
 * default on), and the granted and denied scopes Facebook reports are kept. Facebook does not
 * say whether an email is verified, so it is not a verified-email authority. Disconnecting
 * revokes the app's permissions (`DELETE /{uid}/permissions`).
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [facebook()], // or 'social_core.backends.facebook.FacebookOAuth2'
 * SOCIAL_AUTH_FACEBOOK_API_VERSION: '19.0',
 * ```
 */
export function facebook(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'facebook',
    ...forwarded(options),
    endpoints: (backend) =>
      oauth2Endpoints(backend, {
        issuer: 'https://www.facebook.com',
        authorization: `https://www.facebook.com/v${version(backend)}/dialog/oauth`,
        token: `${graph(backend)}/oauth/access_token`,
      }),
    defaultScope: ['email'],
    scopeSeparator: ',',
    idKey: 'id',
    extraData: ['id', 'expires', 'granted_scopes', 'denied_scopes'],
    authorizationParams: () => ({ return_scopes: 'true' }),
    async userData(input) {
      const { backend, accessToken, tokens, callback } = input
      const url = new URL(`${graph(backend)}/me`)
      url.searchParams.set('fields', 'id,name,email,first_name,last_name')
      for (const [key, value] of Object.entries(
        backend.setting<Record<string, unknown>>('PROFILE_EXTRA_PARAMS', {}),
      )) {
        url.searchParams.set(key, String(value))
      }
      const secret = backend.setting<string | undefined>('SECRET')
      if (backend.setting<boolean>('APPSECRET_PROOF', true) && secret) {
        // Proves the call comes from the app's server, so a stolen token alone is not enough.
        url.searchParams.set(
          'appsecret_proof',
          createHmac('sha256', secret).update(accessToken).digest('hex'),
        )
      }
      const me = await bearerJson(input, url)
      return {
        ...me,
        expires: tokens.expires_in ?? null,
        granted_scopes: scopes(callback.granted_scopes),
        denied_scopes: scopes(callback.denied_scopes),
      }
    },
    getUserId: (_details, response) => idString(response.id),
    getUserDetails: (response) => ({
      username: str(response.username) ?? str(response.name),
      email: str(response.email) ?? '',
      ...getUserNames(str(response.name), str(response.first_name), str(response.last_name)),
    }),
    async revoke({ backend, social, send }) {
      const token = str(social.extra_data.access_token)
      if (!token) return false
      const url = `${graph(backend)}/${encodeURIComponent(social.uid)}/permissions`
      return (
        (await send(url, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })) ===
        200
      )
    },
  })
}
