import { TokenInvalid } from '@social-auth/core'
import { decodeBase64url } from './base64url.js'

/** The members of a JWS header the verifier reads; all others are ignored. */
export interface ProtectedHeader {
  readonly alg: string
  readonly kid: string | undefined
  readonly typ: string | undefined
}

const invalid = (message: string, reason = 'header'): TokenInvalid =>
  new TokenInvalid(message, { reason })

/**
 * Parses a JWS protected header and applies the header rules of security.md §3.1: a JSON
 * object with a string `alg`, a string `kid` and `typ` when present, no `crit` (this verifier
 * implements no extension, so any critical one is unknown: RFC 7515 §4.1.11), no unencoded
 * payload (`b64`, RFC 7797) and no `zip`. `jwk`, `jku`, `x5u` and `x5c` are never read: keys
 * come only from configuration (RFC 8725 §3.10, CVE-2018-0114).
 *
 * @example
 * ```ts
 * parseProtectedHeader('eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0') // { alg: 'ES256', kid: 'k1', typ: undefined }
 * ```
 */
export function parseProtectedHeader(segment: string): ProtectedHeader {
  let header: unknown
  try {
    header = JSON.parse(decodeBase64url(segment).toString('utf8'))
  } catch {
    throw invalid('The token header is not JSON', 'malformed')
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw invalid('The token header is not a JSON object', 'malformed')
  const fields = header as Record<string, unknown>
  const alg = Object.hasOwn(fields, 'alg') ? fields.alg : undefined
  const kid = Object.hasOwn(fields, 'kid') ? fields.kid : undefined
  const typ = Object.hasOwn(fields, 'typ') ? fields.typ : undefined
  if (typeof alg !== 'string') throw invalid('The token header has no "alg"')
  if (kid !== undefined && typeof kid !== 'string')
    throw invalid('The token header "kid" is not a string')
  if (typ !== undefined && typeof typ !== 'string')
    throw invalid('The token header "typ" is not a string')
  if (Object.hasOwn(fields, 'crit'))
    throw invalid('The token header has critical extensions this verifier does not implement')
  if (Object.hasOwn(fields, 'b64') && fields.b64 !== true)
    throw invalid('Unencoded payloads (b64) are not accepted')
  if (Object.hasOwn(fields, 'zip')) throw invalid('Compressed tokens (zip) are not accepted')
  return { alg, kid, typ }
}

/**
 * Normalises a media type the way RFC 7515 §4.1.9 allows it to be written: case-insensitive,
 * with or without the `application/` prefix.
 */
export function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase()
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower
}
