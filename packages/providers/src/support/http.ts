import type { UserDataInput } from '@social-auth/oauth'
import { obj } from './values.js'

/**
 * GETs (or POSTs) a JSON object from the provider with the access token as a bearer token.
 * Tokens go in the header, not the query string (PSA sends some as `?access_token=`), so they
 * do not end up in the provider's or a proxy's access logs.
 */
export async function bearerJson(
  input: UserDataInput,
  url: string | URL,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Record<string, unknown>> {
  return obj(
    await input.fetchJson(url, {
      ...init,
      headers: { authorization: `Bearer ${input.accessToken}`, ...init.headers },
    }),
  )
}

/** `Basic base64(id:secret)` (RFC 7617), the client authentication several APIs want. */
export function basicAuthorization(clientId: string, clientSecret: string | undefined): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret ?? ''}`).toString('base64')}`
}
