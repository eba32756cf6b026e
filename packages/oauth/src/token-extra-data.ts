import type { ExtraDataArgs, JsonObject } from '@social-auth/core'

/**
 * What every OAuth2 login keeps in `extra_data` besides `EXTRA_DATA`: the access token and its
 * type (as PSA), plus the refresh token when one was issued and a normalised `expires_at`
 * (epoch seconds) — PSA keeps neither unless each backend lists them (social-core#220, #257).
 * A refresh token missing from a later response is not written, so the stored one survives.
 */
export function tokenExtraData({ response, now }: ExtraDataArgs): JsonObject {
  const data: JsonObject = {}
  if (typeof response.access_token === 'string') data.access_token = response.access_token
  if (typeof response.token_type === 'string') data.token_type = response.token_type
  if (typeof response.refresh_token === 'string' && response.refresh_token !== '') {
    data.refresh_token = response.refresh_token
  }
  const expiresIn = Number(response.expires_in)
  if (response.expires_in !== undefined && Number.isFinite(expiresIn) && expiresIn > 0) {
    data.expires_at = Math.floor(now / 1000) + Math.floor(expiresIn)
  }
  return data
}
