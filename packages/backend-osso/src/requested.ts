import { AuthForbidden, type ProviderResponse } from '@social-auth/core'
import type { LoginTransaction } from '@social-auth/oauth'

/** What this login asked Osso to route by: the `email`, or else the `domain`, it sent. */
export function routingParams(data: Record<string, string>): Record<string, string> {
  if (data.email) return { email: data.email }
  if (data.domain) return { domain: data.domain }
  return {}
}

const asText = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/**
 * Osso echoes what a login requested (`requested: {email, domain}`). An answer for a different
 * email or domain than this login sent is another tenant's identity (osso-rb looks users up
 * across tenants) and is refused. A hosted-page login sent neither, so any non-null
 * `requested` is its own; IdP-initiated answers carry `null`.
 */
export function checkRequested(
  response: ProviderResponse,
  transaction: LoginTransaction | undefined,
  backend: string,
): void {
  if (!transaction) return
  const requested = response.requested as Record<string, unknown> | null | undefined
  if (!requested || typeof requested !== 'object') throw new AuthForbidden({ backend })
  const sent = transaction.extra ?? {}
  if (sent.email !== undefined && asText(requested.email) !== sent.email)
    throw new AuthForbidden({ backend })
  if (sent.domain !== undefined && asText(requested.domain) !== sent.domain)
    throw new AuthForbidden({ backend })
}
