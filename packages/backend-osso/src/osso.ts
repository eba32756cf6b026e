import type { BoundBackend, ProviderResponse } from '@social-auth/core'
import { defineOAuth2, providerUrl, type OAuth2Backend, type OAuth2Spec } from '@social-auth/oauth'
import { checkRequested, routingParams } from './requested.js'
import './settings.js'

/** Options of {@link osso}. */
export interface OssoOptions extends Partial<Pick<OAuth2Spec, 'fetch' | 'pkce'>> {
  /** The backend name (default `osso`). */
  readonly name?: string
}

const IDP_INITIATED = 'IDP_INITIATED'

// The pipeline-context key of the tenant `checkRequested` verified: set by this backend only
// (never from the provider's answer or the request), kept across a paused pipeline.
const VERIFIED_TENANT = 'osso_verified_tenant'

/** `OSSO_BASE_URL` without a trailing slash (PSA would build `//oauth/...`). */
function baseUrl(backend: BoundBackend): string {
  const url = providerUrl(
    'SOCIAL_AUTH_OSSO_BASE_URL',
    backend.setting<string>('OSSO_BASE_URL', 'https://demo.ossoapp.com'),
  )
  return url.href.replace(/\/+$/, '')
}

/** PSA's `{osso_base_url}` placeholder in URL overrides. */
const format = (template: string | undefined, base: string): string | undefined =>
  template?.replaceAll('{osso_base_url}', base)

/**
 * The Osso backend (PSA's `OssoOAuth2`): the login form's `email` (or else `domain`) is sent to
 * Osso, which routes the user to their company's identity provider. Identity is PSA's: uid =
 * Osso's `id`; username and email = Osso's `email`, so PSA databases carry over.
 *
 * `extra_data.tenant` is the tenant (Osso domain, lower-cased) this login was routed to and
 * checked against — what an app may scope a user's data by. It is null when the last login's
 * tenant could not be checked (an IdP-initiated login, which this app did not start).
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [osso()],
 * SOCIAL_AUTH_OSSO_KEY: '…', SOCIAL_AUTH_OSSO_SECRET: '…', SOCIAL_AUTH_OSSO_BASE_URL: 'https://sso.example.com',
 * ```
 */
export function osso(options: OssoOptions = {}): OAuth2Backend {
  const name = options.name ?? 'osso'
  return defineOAuth2({
    name,
    idKey: 'id',
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.pkce !== undefined ? { pkce: options.pkce } : {}),
    endpoints(backend) {
      const base = baseUrl(backend)
      return {
        issuer: base,
        authorization:
          format(backend.setting<string | undefined>('AUTHORIZATION_URL'), base) ??
          `${base}/oauth/authorize`,
        token:
          format(backend.setting<string | undefined>('ACCESS_TOKEN_URL'), base) ??
          `${base}/oauth/token`,
        userinfo: `${base}/oauth/me`,
      }
    },
    authorizationParams: (data) => routingParams(data),
    async userData({ fetchJson, provider, accessToken }) {
      // Osso reads the token from the query (PSA does the same); the header form also works.
      const url = new URL(provider.endpoints.userinfo!)
      url.searchParams.set('access_token', accessToken)
      return (await fetchJson(url)) as ProviderResponse
    },
    validateResponse: ({ response, transaction, backend }) => ({
      [VERIFIED_TENANT]:
        checkRequested(
          response,
          transaction,
          backend.name,
          backend.setting<Record<string, string[]>>('OSSO_TENANT_EMAIL_DOMAINS', {}),
        ) ?? null,
    }),
    // Written on every login, null when this one's tenant could not be checked, so a stale
    // value never outlives the login that verified it.
    extraDataFor: ({ context }) => ({
      tenant: typeof context[VERIFIED_TENANT] === 'string' ? context[VERIFIED_TENANT] : null,
    }),
    acceptsUnsolicited: (data, backend) =>
      data.state === IDP_INITIATED && backend.setting<boolean>('OSSO_ALLOW_IDP_INITIATED', false),
    getUserDetails(response) {
      const email = typeof response.email === 'string' ? response.email : undefined
      return { username: email, email }
    },
    setup(backend) {
      baseUrl(backend)
    },
  })
}
