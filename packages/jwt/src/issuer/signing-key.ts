import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose'
import { InvalidSetting } from '@social-auth/core'
import {
  isSupportedAlgorithm,
  isSymmetricAlgorithm,
  type AsymmetricAlgorithm,
} from '../algorithms.js'

/** One of the issuer's signing keys. */
export interface SigningKey {
  /** The RFC 7638 thumbprint, so a `kid` never collides and is the same on every node. */
  readonly kid: string
  readonly alg: AsymmetricAlgorithm
  readonly privateKey: CryptoKey
  /** The public half as published in the JWKS (`kid`, `alg`, `use: sig`, public members only). */
  readonly publicJwk: Readonly<JWK>
  /** The private JWK, to persist the key (treat as a secret). */
  readonly privateJwk: Readonly<JWK>
}

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const

/** Checks `alg` is an asymmetric algorithm this package signs with. */
export function signingAlgorithm(alg: unknown): AsymmetricAlgorithm {
  if (!isSupportedAlgorithm(alg) || isSymmetricAlgorithm(alg))
    throw new InvalidSetting('algorithm', 'EdDSA, ES256, ES384, RS256, RS384, RS512 or PS256')
  return alg
}

async function fromPrivateJwk(privateJwk: JWK, alg: AsymmetricAlgorithm): Promise<SigningKey> {
  const publicJwk: JWK = {}
  for (const name of PUBLIC_MEMBERS)
    if (privateJwk[name] !== undefined) publicJwk[name] = privateJwk[name]
  const kid = await calculateJwkThumbprint(publicJwk)
  const privateKey = (await importJWK({ ...privateJwk, alg }, alg)) as CryptoKey
  return {
    kid,
    alg,
    privateKey,
    publicJwk: Object.freeze({ ...publicJwk, kid, alg, use: 'sig' }),
    privateJwk: Object.freeze({ ...privateJwk, kid, alg }),
  }
}

/**
 * Generates a signing key in memory (Ed25519 for EdDSA, P-256/P-384, RSA 2048).
 *
 * @example
 * ```ts
 * const key = await generateSigningKey('EdDSA')
 * key.publicJwk // { kty: 'OKP', crv: 'Ed25519', x: '…', kid: '…', alg: 'EdDSA', use: 'sig' }
 * ```
 */
export async function generateSigningKey(alg: AsymmetricAlgorithm = 'EdDSA'): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  })
  return fromPrivateJwk(await exportJWK(privateKey), alg)
}

/**
 * Loads a persisted private JWK (e.g. from a secret store). Its `alg` member wins over
 * `fallbackAlg`.
 *
 * @example
 * ```ts
 * const key = await importSigningKey(JSON.parse(process.env.JWT_SIGNING_KEY!))
 * ```
 */
export async function importSigningKey(
  privateJwk: JWK,
  fallbackAlg: AsymmetricAlgorithm = 'EdDSA',
): Promise<SigningKey> {
  if (typeof privateJwk !== 'object' || privateJwk === null || typeof privateJwk.d !== 'string')
    throw new InvalidSetting('privateKeys', 'private JWKs (with "d")')
  const alg = signingAlgorithm(privateJwk.alg ?? fallbackAlg)
  try {
    return await fromPrivateJwk(privateJwk, alg)
  } catch (err) {
    throw new InvalidSetting('privateKeys', `private JWKs usable with ${alg}`, { cause: err })
  }
}
