import { AuthForbidden, type ProviderResponse } from '@social-auth/core'
import type { LoginTransaction } from '@social-auth/oauth'

/** What this login asked Osso to route by: the `email`, or else the `domain`, it sent. */
export function routingParams(data: Record<string, string>): Record<string, string> {
  if (data.email) return { email: data.email }
  if (data.domain) return { domain: data.domain }
  return {}
}

const asText = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/** The domain of an email, lower-cased; undefined when it has none. */
function emailDomain(email: unknown): string | undefined {
  if (typeof email !== 'string') return undefined
  const at = email.lastIndexOf('@')
  return at > 0 && at < email.length - 1 ? email.slice(at + 1).toLowerCase() : undefined
}

/**
 * The tenant Osso routed this login to: the requested `domain`, or the domain of the requested
 * `email` (Osso routes an email by its domain). Never the email the identity provider asserts.
 */
function requestedTenant(requested: Record<string, unknown>): string | undefined {
  const domain = asText(requested.domain)
  return domain ? domain.toLowerCase() : emailDomain(requested.email)
}

/**
 * Osso echoes what a login requested (`requested: {email, domain}`). An answer for a different
 * email or domain than this login sent is another tenant's identity (osso-rb looks users up
 * across tenants) and is refused. A hosted-page login sent neither, so any non-null
 * `requested` is its own; IdP-initiated answers carry `null`.
 *
 * The asserted email must also belong to the tenant the login was routed to (its domain, or
 * one of `tenantEmailDomains[tenant]`): osso-rb finds users by `(email, NameID)` across all
 * tenants, so an identity provider of one tenant that asserts another tenant's user (email and
 * NameID) would otherwise get that user's Osso `id`, and with it their account here.
 *
 * Returns the tenant (lower-cased domain) this login was routed to and checked against, or
 * undefined when nothing was checked: a login without a transaction (IdP-initiated), whose
 * `requested` — if any, left in the browser's Osso session by an abandoned login — is nobody's.
 */
export function checkRequested(
  response: ProviderResponse,
  transaction: LoginTransaction | undefined,
  backend: string,
  tenantEmailDomains: Readonly<Record<string, readonly string[]>> = {},
): string | undefined {
  if (!transaction) return undefined
  const requested = response.requested as Record<string, unknown> | null | undefined
  if (!requested || typeof requested !== 'object') throw new AuthForbidden({ backend })
  const sent = transaction.extra ?? {}
  if (sent.email !== undefined && asText(requested.email) !== sent.email)
    throw new AuthForbidden({ backend })
  if (sent.domain !== undefined && asText(requested.domain) !== sent.domain)
    throw new AuthForbidden({ backend })
  const tenant = requestedTenant(requested)
  const asserted = emailDomain(response.email)
  if (tenant === undefined || asserted === undefined) throw new AuthForbidden({ backend })
  const aliases = Object.hasOwn(tenantEmailDomains, tenant) ? tenantEmailDomains[tenant]! : []
  if (asserted !== tenant && !aliases.some((alias) => alias.toLowerCase() === asserted))
    throw new AuthForbidden({ backend })
  return tenant
}
