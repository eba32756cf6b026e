import {
  InvalidSetting,
  getUserNames,
  type BoundBackend,
  type ProviderResponse,
  type SettingsResolver,
  type UserDetails,
} from '@social-auth/core'
import * as client from 'openid-client'
import { defineOAuth2, type OAuth2Backend, type OAuth2Spec } from './define-oauth2.js'
import { discoverIssuer } from './discovery.js'
import { providerFetch, providerFetchOptions } from './provider-fetch.js'
import { settingSource } from './setting-source.js'
import { providerUrl } from './url-policy.js'

/** Options of {@link oidc}. */
export interface OidcOptions extends Partial<
  Omit<OAuth2Spec, 'endpoints' | 'userData' | 'getUserDetails'>
> {
  /** The backend name (default `oidc`); settings are read as `SOCIAL_AUTH_<NAME>_…`. */
  readonly name?: string
  /**
   * The issuer, when not given by the `OIDC_ENDPOINT` setting; a function derives it from the
   * backend's settings (a provider's tenant domain, realm or subdomain).
   */
  readonly issuer?: string | ((backend: BoundBackend) => string | undefined)
  readonly getUserDetails?: OAuth2Spec['getUserDetails']
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

/** Claims come from userinfo first, then the id_token (PSA `get_user_details`). */
function claim(response: ProviderResponse, key: string): string | undefined {
  const claims = response.id_token_claims as Record<string, unknown> | undefined
  return str(response[key]) ?? str(claims?.[key])
}

/** PSA's OIDC details with its claim-name settings (USERNAME_KEY, EMAIL_KEY, …). */
export function oidcUserDetails(response: ProviderResponse, backend: BoundBackend): UserDetails {
  const names = getUserNames(
    claim(response, backend.setting<string>('FULLNAME_KEY', 'name')),
    claim(response, backend.setting<string>('FIRST_NAME_KEY', 'given_name')),
    claim(response, backend.setting<string>('LAST_NAME_KEY', 'family_name')),
  )
  return {
    username: claim(response, backend.setting<string>('USERNAME_KEY', 'preferred_username')),
    email: claim(response, backend.setting<string>('EMAIL_KEY', 'email')),
    ...names,
  }
}

/**
 * Whether the provider vouches for `email`, the address the details use: userinfo or the
 * id_token names this very address (the `email` claim) with `email_verified: true`. A flag in
 * one document never vouches for an address taken from the other: an id_token that verifies
 * the attacker's own address says nothing of the one userinfo names.
 */
function vouchesFor(response: ProviderResponse, email: unknown): boolean {
  if (typeof email !== 'string' || email === '') return false
  const claims = response.id_token_claims as Record<string, unknown> | undefined
  const names = (document: Record<string, unknown> | undefined): boolean =>
    typeof document?.email === 'string' && document.email.toLowerCase() === email.toLowerCase()
  return (
    (names(response) && response.email_verified === true) ||
    (names(claims) && claims?.email_verified === true)
  )
}

/**
 * PSA's endpoint overrides (`get_setting_config`): each replaces what discovery says. A URL the
 * backend calls is held to the rule every provider URL is: https, or http on loopback.
 */
const URL_OVERRIDES = [
  'AUTHORIZATION_URL',
  'ACCESS_TOKEN_URL',
  'REVOKE_TOKEN_URL',
  'USERINFO_URL',
  'JWKS_URI',
] as const
type UrlOverride = (typeof URL_OVERRIDES)[number]

/** An endpoint override, or undefined when unset (`null` is PSA's None: discovery's value). */
function urlOverride(
  backend: BoundBackend,
  name: UrlOverride,
  settings?: SettingsResolver,
): string | undefined {
  const value = backend.setting<unknown>(name)
  if (value === undefined || value === null) return undefined
  return providerUrl(settingSource(name, backend, settings), value).href
}

/**
 * `ID_TOKEN_ISSUER`: the `iss` the provider's id_tokens carry when it is not the issuer that
 * discovery names (`null`: discovery's). Compared exactly, as a string: it names the issuer, it
 * is never fetched, and some providers' tokens carry a bare host (`accounts.google.com`).
 */
function idTokenIssuerSetting(
  backend: BoundBackend,
  settings?: SettingsResolver,
): string | undefined {
  const value = backend.setting<unknown>('ID_TOKEN_ISSUER')
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidSetting(
      settingSource('ID_TOKEN_ISSUER', backend, settings),
      'the exact `iss` of the provider’s id_tokens',
    )
  }
  return value
}

function issuerOf(backend: BoundBackend, fallback: OidcOptions['issuer']): URL {
  const value =
    backend.setting<string | undefined>('OIDC_ENDPOINT') ??
    (typeof fallback === 'function' ? fallback(backend) : fallback)
  if (!value)
    throw new InvalidSetting(
      `SOCIAL_AUTH_${backend.name.toUpperCase().replace(/-/g, '_')}_OIDC_ENDPOINT`,
      'set to the issuer URL',
    )
  return providerUrl('OIDC_ENDPOINT', value)
}

/**
 * The generic OpenID Connect backend (PSA's `OpenIdConnectAuth`): discovery, PKCE, nonce,
 * signed id_tokens, userinfo bound to the id_token's `sub`. Several instances can run side by
 * side under different names, each with its own issuer and credentials.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [oidc(), oidc({ name: 'okta' })],
 * SOCIAL_AUTH_OIDC_OIDC_ENDPOINT: 'https://op.example',
 * SOCIAL_AUTH_OKTA_OIDC_ENDPOINT: 'https://example.okta.com',
 * ```
 */
export function oidc(options: OidcOptions = {}): OAuth2Backend {
  const { name = 'oidc', issuer, getUserDetails, ...rest } = options
  return defineOAuth2({
    name,
    idKey: 'sub',
    openid: true,
    defaultScope: ['openid', 'profile', 'email'],
    extraData: ['id_token', ['sub', 'id']],
    isEmailVerified: (response, details) => vouchesFor(response, details.email),
    ...rest,
    async endpoints(backend) {
      const issuerUrl = issuerOf(backend, issuer)
      const fetchOptions = providerFetchOptions(backend, rest.fetch)
      const metadata = await discoverIssuer(issuerUrl, {
        fetch: providerFetch(fetchOptions),
        timeoutSeconds: fetchOptions.timeoutSeconds,
      })
      const override = (name: UrlOverride) => urlOverride(backend, name)
      return {
        issuer: metadata.issuer,
        authorization: override('AUTHORIZATION_URL') ?? String(metadata.authorization_endpoint),
        token: override('ACCESS_TOKEN_URL') ?? String(metadata.token_endpoint),
        userinfo: override('USERINFO_URL') ?? metadata.userinfo_endpoint,
        revocation: override('REVOKE_TOKEN_URL') ?? metadata.revocation_endpoint,
        jwks: override('JWKS_URI') ?? metadata.jwks_uri,
        idTokenIssuer: idTokenIssuerSetting(backend),
        issParameterSupported: metadata.authorization_response_iss_parameter_supported === true,
      }
    },
    async userData({ provider, accessToken, idTokenClaims }) {
      if (!provider.endpoints.userinfo) return {}
      const subject = typeof idTokenClaims?.sub === 'string' ? idTokenClaims.sub : ''
      return { ...(await client.fetchUserInfo(provider.config, accessToken, subject)) }
    },
    getUserId:
      rest.getUserId ??
      ((details, response, idKey) =>
        idKey === 'sub'
          ? (response.id_token_claims as Record<string, unknown> | undefined)?.sub
          : (details[idKey] ?? response[idKey])),
    getUserDetails: getUserDetails ?? oidcUserDetails,
    setup(backend, settings) {
      issuerOf(backend, issuer)
      // A bad override fails start-up, not the first login (discovery runs only then).
      for (const name of URL_OVERRIDES) urlOverride(backend, name, settings)
      idTokenIssuerSetting(backend, settings)
      const algorithms = backend.setting<string[]>('JWT_ALGORITHMS', ['RS256'])
      if (
        algorithms.length === 0 ||
        algorithms.some((alg) => alg === 'none' || alg.startsWith('HS'))
      ) {
        throw new InvalidSetting(
          'JWT_ALGORITHMS',
          'a non-empty list of asymmetric algorithms (never none or HS*)',
        )
      }
      rest.setup?.(backend, settings)
    },
  })
}
