import { AuthForbidden, InvalidSetting, getUserNames, type BoundBackend } from '@social-auth/core'
import { defineOAuth2, providerUrl, type OAuth2Backend } from '@social-auth/oauth'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idString, idTokenClaim, str } from './support/values.js'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const TENANT = /^[A-Za-z0-9.-]{1,64}$/

function tenantOf(backend: BoundBackend): string {
  const tenant = backend.setting<string>('TENANT_ID', 'common')
  if (!TENANT.test(tenant))
    throw new InvalidSetting('TENANT_ID', 'a tenant id, organizations, consumers or common')
  return tenant
}

function authorityOf(backend: BoundBackend): string {
  const host = backend.setting<string>('AUTHORITY_HOST', 'login.microsoftonline.com')
  return providerUrl('AUTHORITY_HOST', `https://${host}/${tenantOf(backend)}`).href
}

const claim = (response: Record<string, unknown>, name: string): string | undefined =>
  str(idTokenClaim(response, name))

/**
 * Microsoft Entra ID (PSA `AzureADTenantOAuth2`, name `azuread-tenant-oauth2`), OpenID Connect
 * on the v2.0 endpoints of `TENANT_ID` (default `common`). The uid is `<tid>:<oid>`: the
 * tenant and the object id, both immutable, where PSA uses `sub` or the mutable
 * `preferred_username`. Multi-tenant apps (`common`, `organizations`) have each id_token's
 * issuer checked against its own `tid`, and `ALLOWED_TENANTS` limits which tenants may sign in.
 * Entra's `email` is editable by tenant admins and users, so it never links accounts unless
 * `ASSOCIATE_BY_EMAIL_TRUST_PROVIDER` is set, and then only with the `xms_edov` claim (the
 * email's domain is verified by its tenant) or a listed `verified_primary_email`.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [azureadTenantOAuth2()], // or 'social_core.backends.azuread_tenant.AzureADTenantOAuth2'
 * SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_TENANT_ID: 'organizations',
 * SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_ALLOWED_TENANTS: ['7f1c…'],
 * ```
 */
export function azureadTenantOAuth2(options: ProviderOptions = {}): OAuth2Backend {
  return defineOAuth2({
    name: options.name ?? 'azuread-tenant-oauth2',
    ...forwarded(options),
    openid: true,
    endpoints(backend) {
      const authority = authorityOf(backend).replace(/\/$/, '')
      const origin = new URL(authority).origin
      return {
        // A named tenant has one issuer; the shared authorities issue per tenant.
        issuer: GUID.test(tenantOf(backend)) ? `${authority}/v2.0` : `${origin}/{tenantid}/v2.0`,
        authorization: `${authority}/oauth2/v2.0/authorize`,
        token: `${authority}/oauth2/v2.0/token`,
        jwks: `${authority}/discovery/v2.0/keys`,
        discoverFrom: `${authority}/v2.0`,
      }
    },
    idTokenIssuer: (claims, endpoints) =>
      endpoints.issuer.replace('{tenantid}', idString(claims.tid) ?? '{tenantid}'),
    defaultScope: ['openid', 'profile', 'email', 'offline_access'],
    idKey: 'oid',
    extraData: ['id_token', ['oid', 'oid'], ['tid', 'tid'], ['expires_in', 'expires', true]],
    // Everything needed is in the signed id_token; Graph's userinfo adds nothing to trust.
    userData: async ({ idTokenClaims }) => ({
      oid: idTokenClaims?.oid ?? null,
      tid: idTokenClaims?.tid ?? null,
    }),
    validateResponse({ response, backend }) {
      const allowed = backend.setting<string[]>('ALLOWED_TENANTS', [])
      const tid = claim(response, 'tid')
      if (allowed.length > 0 && (!tid || !allowed.includes(tid))) {
        throw new AuthForbidden({ backend: backend.name })
      }
    },
    getUserId(_details, response) {
      const tid = idString(idTokenClaim(response, 'tid'))
      const oid = idString(idTokenClaim(response, 'oid'))
      return tid && oid ? `${tid}:${oid}` : undefined
    },
    getUserDetails(response) {
      const upn = claim(response, 'preferred_username')
      return {
        username: upn,
        email: claim(response, 'email') ?? (upn?.includes('@') ? upn : undefined),
        ...getUserNames(
          claim(response, 'name'),
          claim(response, 'given_name'),
          claim(response, 'family_name'),
        ),
      }
    },
    isEmailVerified(response, details) {
      const email = details.email?.toLowerCase()
      if (!email || claim(response, 'email')?.toLowerCase() !== email) return false
      const listed = idTokenClaim(response, 'verified_primary_email')
      return (
        idTokenClaim(response, 'xms_edov') === true ||
        (Array.isArray(listed) && listed.some((v) => String(v).toLowerCase() === email))
      )
    },
  })
}

/**
 * PSA's `AzureADV2TenantOAuth2` (name `azuread-v2-tenant-oauth2`): the same backend under
 * PSA's v2 name.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: ['social_core.backends.azuread_tenant.AzureADV2TenantOAuth2']
 * ```
 */
export function azureadV2TenantOAuth2(options: ProviderOptions = {}): OAuth2Backend {
  return azureadTenantOAuth2({ name: 'azuread-v2-tenant-oauth2', ...options })
}
