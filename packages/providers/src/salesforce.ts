import { AuthInvalidResponse, InvalidSetting, type BoundBackend } from '@social-auth/core'
import { defineOAuth2, isLoopback, type OAuth2Backend } from '@social-auth/oauth'
import { oauth2Endpoints } from './support/endpoints.js'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { str } from './support/values.js'

function hostOf(backend: BoundBackend, fallback: string): string {
  const domain = backend.setting<string>('DOMAIN', fallback)
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(domain)) {
    throw new InvalidSetting('DOMAIN', 'a Salesforce host, e.g. example.my.salesforce.com')
  }
  return domain
}

/**
 * The identity URL comes in the token response. It is fetched with the access token, so it
 * must point at Salesforce itself and not at whatever host a tampered answer names.
 */
function identityUrl(value: unknown, host: string, backend: string): URL {
  let url: URL | undefined
  try {
    url = new URL(String(value))
  } catch {
    url = undefined
  }
  const trusted =
    url !== undefined &&
    ((url.protocol === 'https:' &&
      (url.host === host ||
        url.hostname.endsWith('.salesforce.com') ||
        url.hostname.endsWith('.force.com'))) ||
      (url.protocol === 'http:' && isLoopback(url) && url.host === host))
  if (!trusted || !url) {
    throw new AuthInvalidResponse('the identity URL is not a Salesforce URL', { backend })
  }
  return url
}

function salesforceBackend(
  name: string,
  defaultHost: string,
  options: ProviderOptions,
): OAuth2Backend {
  return defineOAuth2({
    name,
    ...forwarded(options),
    endpoints(backend) {
      const base = `https://${hostOf(backend, defaultHost)}/services/oauth2`
      return oauth2Endpoints(backend, {
        authorization: `${base}/authorize`,
        token: `${base}/token`,
        revocation: `${base}/revoke`,
      })
    },
    defaultScope: ['id', 'refresh_token'],
    idKey: 'id',
    extraData: ['id', 'instance_url', 'issued_at', 'signature'],
    userData: (input) =>
      bearerJson(
        input,
        identityUrl(
          input.tokens.id,
          new URL(input.provider.endpoints.token).host,
          input.backend.name,
        ),
      ),
    getUserDetails: (response) => ({
      username: str(response.username),
      email: str(response.email) ?? '',
      first_name: str(response.first_name),
      last_name: str(response.last_name),
      fullname: str(response.display_name),
    }),
  })
}

/**
 * Salesforce (PSA `SalesforceOAuth2`, name `salesforce-oauth2`) on `login.salesforce.com` or a
 * My Domain (`DOMAIN`). The uid is the identity URL (`…/id/<org id>/<user id>`), as PSA: it
 * names both the org and the user. The identity URL is only followed to Salesforce hosts. Org
 * admins set users' emails, so Salesforce is not a verified-email authority.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [salesforceOAuth2()], // or 'social_core.backends.salesforce.SalesforceOAuth2'
 * SOCIAL_AUTH_SALESFORCE_OAUTH2_DOMAIN: 'example.my.salesforce.com',
 * ```
 */
export function salesforceOAuth2(options: ProviderOptions = {}): OAuth2Backend {
  return salesforceBackend(options.name ?? 'salesforce-oauth2', 'login.salesforce.com', options)
}

/**
 * PSA's `SalesforceOAuth2Sandbox` (name `salesforce-oauth2-sandbox`): the same on
 * `test.salesforce.com`.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: ['social_core.backends.salesforce.SalesforceOAuth2Sandbox']
 * ```
 */
export function salesforceOAuth2Sandbox(options: ProviderOptions = {}): OAuth2Backend {
  return salesforceBackend(
    options.name ?? 'salesforce-oauth2-sandbox',
    'test.salesforce.com',
    options,
  )
}
