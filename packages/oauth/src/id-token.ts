import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from 'jose'
import { AuthTokenError, KeySetUnavailable, type JwksCache } from '@social-auth/core'

/** What an id_token is checked against (security.md §0.4). */
export interface IdTokenExpectations {
  readonly backend: string
  /** The expected `iss`; a function gets the signature-checked claims (a per-tenant issuer). */
  readonly issuer: string | ((claims: JWTPayload) => string)
  readonly clientId: string
  readonly algorithms: readonly string[]
  readonly leewaySeconds: number
  /** `ID_TOKEN_MAX_AGE`: how old `iat` may be, in seconds. */
  readonly maxAgeSeconds: number
  readonly nonce?: string | undefined
  /** Epoch milliseconds. */
  readonly now: number
}

const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat']

/**
 * Verifies an id_token's signature against the issuer's key set (also for id_tokens from the
 * token endpoint, which openid-client would otherwise accept on TLS alone), with the
 * algorithm allowlist from configuration — `none` and symmetric algorithms are never in it —
 * and the claims. Keys embedded in the header (`jwk`, `jku`, `x5u`) are never used: the key
 * comes only from the issuer's `jwks_uri`. An unknown `kid` refetches the keys once per
 * cooldown, which is how a provider's key rotation is picked up.
 */
export async function verifyIdToken(
  idToken: string,
  keys: JwksCache,
  expected: IdTokenExpectations,
): Promise<JWTPayload> {
  const algorithms = expected.algorithms.filter((alg) => alg !== 'none' && !alg.startsWith('HS'))
  const options = {
    algorithms,
    ...(typeof expected.issuer === 'string' ? { issuer: expected.issuer } : {}),
    audience: expected.clientId,
    clockTolerance: Math.min(expected.leewaySeconds, 60),
    maxTokenAge: expected.maxAgeSeconds,
    requiredClaims: REQUIRED_CLAIMS,
    currentDate: new Date(expected.now),
  }
  const attempt = async (): Promise<JWTPayload> =>
    (await jwtVerify(idToken, createLocalJWKSet((await keys.get()) as never), options)).payload
  let payload: JWTPayload
  try {
    try {
      payload = await attempt()
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || !(await keys.refreshForUnknownKid()))
        throw err
      payload = await attempt()
    }
  } catch (err) {
    if (err instanceof KeySetUnavailable) throw err
    throw new AuthTokenError(idTokenFailure(err), { backend: expected.backend, cause: err })
  }
  if (typeof expected.issuer === 'function' && payload.iss !== expected.issuer(payload)) {
    throw new AuthTokenError('Invalid issuer', { backend: expected.backend })
  }
  // An id_token issued to several audiences is only ours when we are its authorized party.
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== expected.clientId) {
    throw new AuthTokenError('Incorrect id_token: azp', { backend: expected.backend })
  }
  if (payload.azp !== undefined && payload.azp !== expected.clientId) {
    throw new AuthTokenError('Incorrect id_token: azp', { backend: expected.backend })
  }
  if (expected.nonce !== undefined && payload.nonce !== expected.nonce) {
    throw new AuthTokenError('Incorrect id_token: nonce', { backend: expected.backend })
  }
  return payload
}

/** PSA's messages for the common failures (psa.md §7.2 #62). */
function idTokenFailure(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'Signature has expired'
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'Invalid issuer'
    if (err.claim === 'aud') return 'Invalid audience'
    return `Incorrect id_token: ${err.claim}`
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'Signature algorithm not allowed'
  return 'Signature verification failed'
}
