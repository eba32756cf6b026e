import { constants, createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto'

/** The asymmetric JWS algorithms the verifier supports (RFC 7518 §3, RFC 8037). */
export type AsymmetricAlgorithm =
  'EdDSA' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'ES256' | 'ES384'

/** The one symmetric algorithm, only with an explicit shared secret. */
export type SymmetricAlgorithm = 'HS256'

/** Every algorithm a verifier can be configured with. `none` is not one of them (RFC 8725 §3.2). */
export type JwsAlgorithm = AsymmetricAlgorithm | SymmetricAlgorithm

/** The allowlist when none is configured (security.md §3.1.2): asymmetric only. */
export const DEFAULT_ALGORITHMS: readonly AsymmetricAlgorithm[] = Object.freeze([
  'EdDSA',
  'ES256',
  'RS256',
  'PS256',
])

/** What kind of key an algorithm needs, and how to check a signature with it. */
export interface AlgorithmSpec {
  /** The JWK `kty` of a matching key. */
  readonly kty: 'RSA' | 'EC' | 'OKP' | 'oct'
  /** The JWK `crv` a matching key must have, when the family has curves. */
  readonly crv?: 'P-256' | 'P-384' | 'Ed25519'
  /** True when `signature` over `data` is valid for `key`. Never throws for a well-typed key. */
  readonly check: (data: Buffer, key: KeyObject, signature: Buffer) => boolean
}

const rsa = (hash: string, pss: boolean): AlgorithmSpec['check'] => {
  const padding = pss ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING
  // RFC 7518 §3.5: the PSS salt is as long as the hash.
  const saltLength = pss ? constants.RSA_PSS_SALTLEN_DIGEST : undefined
  return (data, key, signature) =>
    verify(
      hash,
      data,
      saltLength === undefined ? { key, padding } : { key, padding, saltLength },
      signature,
    )
}

// RFC 7518 §3.4: an ECDSA JWS signature is R‖S of fixed length, not DER; anything else is
// refused before OpenSSL sees it.
const ecdsa =
  (hash: string, length: number): AlgorithmSpec['check'] =>
  (data, key, signature) =>
    signature.length === length && verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature)

const SPECS: ReadonlyMap<string, AlgorithmSpec> = new Map<JwsAlgorithm, AlgorithmSpec>([
  ['RS256', { kty: 'RSA', check: rsa('sha256', false) }],
  ['RS384', { kty: 'RSA', check: rsa('sha384', false) }],
  ['RS512', { kty: 'RSA', check: rsa('sha512', false) }],
  ['PS256', { kty: 'RSA', check: rsa('sha256', true) }],
  ['ES256', { kty: 'EC', crv: 'P-256', check: ecdsa('sha256', 64) }],
  ['ES384', { kty: 'EC', crv: 'P-384', check: ecdsa('sha384', 96) }],
  [
    'EdDSA',
    {
      kty: 'OKP',
      crv: 'Ed25519',
      check: (data, key, signature) =>
        signature.length === 64 && verify(null, data, key, signature),
    },
  ],
  [
    'HS256',
    {
      kty: 'oct',
      check: (data, key, signature) =>
        signature.length === 32 &&
        timingSafeEqual(createHmac('sha256', key).update(data).digest(), signature),
    },
  ],
])

/**
 * The spec of a supported algorithm, or undefined. A `Map` lookup, so a header `alg` of
 * `__proto__` or `constructor` finds nothing.
 *
 * @example
 * ```ts
 * algorithmSpec('ES256')?.crv // 'P-256'
 * algorithmSpec('none')       // undefined
 * ```
 */
export function algorithmSpec(alg: string): AlgorithmSpec | undefined {
  return SPECS.get(alg)
}

/** True for an algorithm this package supports. */
export function isSupportedAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return typeof alg === 'string' && SPECS.has(alg)
}

/** True for an algorithm keyed by a shared secret. */
export function isSymmetricAlgorithm(alg: string): alg is SymmetricAlgorithm {
  return alg === 'HS256'
}
