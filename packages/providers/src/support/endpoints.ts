import type { BoundBackend } from '@social-auth/core'
import { providerUrl, type OAuth2Endpoints } from '@social-auth/oauth'

/** A provider's fixed endpoints, before the app's overrides. */
export interface DefaultEndpoints {
  readonly authorization: string
  readonly token: string
  readonly userinfo?: string
  readonly revocation?: string
  /** The issuer, when it is not the authorization endpoint's origin. */
  readonly issuer?: string
}

/** A URL setting if set (checked: https, or http on loopback), else the default. */
export function urlSetting(backend: BoundBackend, setting: string, fallback: string): string {
  const value = backend.setting<string | undefined>(setting)
  return value ? providerUrl(setting, value).href : fallback
}

/**
 * PSA's `AUTHORIZATION_URL` / `ACCESS_TOKEN_URL` / `REVOKE_TOKEN_URL` settings over a
 * provider's fixed endpoints. Overridden endpoints (an enterprise host, a local fake in tests)
 * make their origin the issuer, so a login started against one host is not completed by
 * another (the mix-up check compares issuers).
 */
export function oauth2Endpoints(
  backend: BoundBackend,
  defaults: DefaultEndpoints,
): OAuth2Endpoints {
  const authorization = urlSetting(backend, 'AUTHORIZATION_URL', defaults.authorization)
  const revocation = defaults.revocation
    ? urlSetting(backend, 'REVOKE_TOKEN_URL', defaults.revocation)
    : undefined
  return {
    issuer:
      authorization === defaults.authorization && defaults.issuer
        ? defaults.issuer
        : new URL(authorization).origin,
    authorization,
    token: urlSetting(backend, 'ACCESS_TOKEN_URL', defaults.token),
    ...(defaults.userinfo ? { userinfo: defaults.userinfo } : {}),
    ...(revocation ? { revocation } : {}),
  }
}

/** `<base>/<path>` with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}
