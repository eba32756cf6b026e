import {
  AuthForbidden,
  AuthMissingParameter,
  InvalidSetting,
  getUserNames,
  type BoundBackend,
} from '@social-auth/core'
import { defineOAuth2, providerUrl, type OAuth2Backend } from '@social-auth/oauth'
import { bearerJson } from './support/http.js'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idString, obj, str } from './support/values.js'

function baseUrl(backend: BoundBackend): string {
  const value = backend.setting<string | undefined>('BASE_URL')
  if (!value) {
    throw new InvalidSetting(
      `SOCIAL_AUTH_${backend.name.toUpperCase().replace(/-/g, '_')}_BASE_URL`,
      'the SAML Jackson URL, e.g. https://jackson.example.com',
    )
  }
  return providerUrl('BASE_URL', value).href.replace(/\/+$/, '')
}

function product(backend: BoundBackend): string {
  const value = backend.setting<string | undefined>('PRODUCT')
  if (!value) throw new InvalidSetting('PRODUCT', 'the product the SAML connections belong to')
  return value
}

const requested = (response: Record<string, unknown>): Record<string, unknown> =>
  obj(response.requested)

/**
 * BoxyHQ SAML Jackson (name `boxyhq`; not in social-core), an open-source SAML-to-OAuth
 * bridge like Osso: the login request's `tenant` (else `TENANT`) and the `PRODUCT` setting
 * pick the SAML connection. Jackson echoes what was requested; it must match this login, and
 * the uid is `<tenant>:<id>` so that one tenant's IdP can never assert another tenant's user
 * (security.md §0.7). Enterprise IdPs set emails: not a verified-email authority.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [boxyhq()],
 * SOCIAL_AUTH_BOXYHQ_BASE_URL: 'https://jackson.example.com', SOCIAL_AUTH_BOXYHQ_PRODUCT: 'my-app',
 * SOCIAL_AUTH_BOXYHQ_KEY: 'dummy', SOCIAL_AUTH_BOXYHQ_SECRET: 'dummy',
 * ```
 */
export function boxyhq(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'boxyhq',
    ...forwarded(options),
    endpoints(backend) {
      const base = baseUrl(backend)
      return {
        issuer: base,
        authorization: `${base}/api/oauth/authorize`,
        token: `${base}/api/oauth/token`,
        userinfo: `${base}/api/oauth/userinfo`,
      }
    },
    idKey: 'id',
    extraData: [['expires_in', 'expires', true]],
    authorizationParams(data, backend) {
      const tenant = data.tenant || backend.setting<string | undefined>('TENANT')
      if (!tenant) throw new AuthMissingParameter('tenant', { backend: backend.name })
      return { tenant, product: product(backend) }
    },
    userData: (input) => bearerJson(input, input.provider.endpoints.userinfo!),
    validateResponse({ response, transaction, backend }) {
      const echoed = requested(response)
      const asked = transaction?.extra ?? {}
      if (!transaction || echoed.tenant !== asked.tenant || echoed.product !== asked.product) {
        throw new AuthForbidden({ backend: backend.name })
      }
    },
    getUserId(_details, response) {
      const tenant = str(requested(response).tenant)
      const id = idString(response.id)
      return tenant && id ? `${tenant}:${id}` : undefined
    },
    getUserDetails: (response) => ({
      username: str(response.email),
      email: str(response.email),
      ...getUserNames(undefined, str(response.firstName), str(response.lastName)),
    }),
    setup: (backend) => {
      baseUrl(backend)
      product(backend)
    },
  })
}
