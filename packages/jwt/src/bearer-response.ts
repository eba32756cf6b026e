import {
  InsufficientRole,
  InsufficientScope,
  KeySetUnavailable,
  SocialAuthError,
  TokenInvalid,
  TokenNotFound,
  TokenRequestMalformed,
} from '@social-auth/core'

/** A framework-free HTTP answer to a refused request. */
export interface BearerErrorResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** `{ error: code, detail: text }` — `error` is the stable code, e.g. `ERR_TOKEN_EXPIRED`. */
  readonly body: { readonly error: string; readonly detail: string }
}

/** Options of {@link bearerErrorResponse}. */
export interface BearerChallengeOptions {
  /** The `realm` of the challenge (RFC 6750 §3), when you want one. */
  readonly realm?: string | undefined
}

// RFC 6750 §3: attribute values are quoted-strings limited to %x20-21 / %x23-5B / %x5D-7E.
const quote = (value: string): string => `"${value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '')}"`

function challenge(
  attributes: readonly [string, string][],
  options: BearerChallengeOptions,
): string {
  const all: [string, string][] = options.realm === undefined ? [] : [['realm', options.realm]]
  all.push(...attributes)
  return all.length === 0
    ? 'Bearer'
    : `Bearer ${all.map(([name, value]) => `${name}=${quote(value)}`).join(', ')}`
}

/**
 * The RFC 6750 answer for an error raised while authenticating or authorising a request:
 *
 * | error | status | `WWW-Authenticate` |
 * | --- | --- | --- |
 * | `TokenNotFound` | 401 | `Bearer` (no error code, §3.1) |
 * | `TokenInvalid`, `TokenExpired` | 401 | `Bearer error="invalid_token"` |
 * | `TokenRequestMalformed` | 400 | `Bearer error="invalid_request"` |
 * | `InsufficientScope` | 403 | `Bearer error="insufficient_scope", scope="…"` |
 * | `InsufficientRole` | 403 | `Bearer error="insufficient_scope"` |
 * | `KeySetUnavailable` | 503 | none; `Retry-After` |
 *
 * Anything else fails closed: a coded 4xx keeps its status, other errors answer 401
 * `invalid_token` — never 500, so no input can turn into a server error.
 *
 * @example
 * ```ts
 * const { status, headers, body } = bearerErrorResponse(err, { realm: 'api' })
 * res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body))
 * ```
 */
export function bearerErrorResponse(
  err: unknown,
  options: BearerChallengeOptions = {},
): BearerErrorResponse {
  const answer = (
    status: number,
    error: SocialAuthError,
    headers: Record<string, string>,
  ): BearerErrorResponse => ({
    status,
    headers: { 'cache-control': 'no-store', ...headers },
    body: { error: error.code, detail: error.message },
  })
  const described = (
    code: string,
    error: SocialAuthError,
    extra: [string, string][] = [],
  ): string => challenge([['error', code], ['error_description', error.message], ...extra], options)

  if (err instanceof TokenNotFound)
    return answer(401, err, { 'www-authenticate': challenge([], options) })
  if (err instanceof TokenInvalid)
    return answer(401, err, { 'www-authenticate': described('invalid_token', err) })
  if (err instanceof TokenRequestMalformed)
    return answer(400, err, { 'www-authenticate': described('invalid_request', err) })
  if (err instanceof InsufficientScope)
    return answer(403, err, {
      'www-authenticate': described('insufficient_scope', err, [['scope', err.required.join(' ')]]),
    })
  if (err instanceof InsufficientRole)
    return answer(403, err, { 'www-authenticate': described('insufficient_scope', err) })
  if (err instanceof KeySetUnavailable) return answer(503, err, { 'retry-after': '5' })
  if (err instanceof SocialAuthError && err.status >= 400 && err.status < 500)
    return answer(
      err.status,
      err,
      err.status === 401 ? { 'www-authenticate': described('invalid_token', err) } : {},
    )
  const fallback = new TokenInvalid('The access token could not be verified', {
    reason: 'internal',
    cause: err,
  })
  return answer(401, fallback, { 'www-authenticate': described('invalid_token', fallback) })
}
