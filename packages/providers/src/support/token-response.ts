import { httpFetch } from '@social-auth/oauth'

/**
 * A fetch that rewrites a provider's token endpoint answer before openid-client reads it, for
 * providers that bend RFC 6749 §5.1 (Twitch sends `scope` as an array, WorkOS leaves out
 * `token_type`). Everything else, and every non-200 answer, passes through untouched.
 */
export function fixTokenResponse(
  base: typeof fetch | undefined,
  isTokenEndpoint: (url: URL) => boolean,
  fix: (body: Record<string, unknown>) => Record<string, unknown>,
): typeof fetch {
  const next = base ?? httpFetch
  return async (input, init) => {
    const response = await next(input, init)
    const url = new URL(input instanceof Request ? input.url : String(input))
    if (response.status !== 200 || !isTokenEndpoint(url)) return response
    const body: unknown = await response.json()
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return Response.json(body, { status: 200 })
    }
    return Response.json(fix(body as Record<string, unknown>), { status: 200 })
  }
}
