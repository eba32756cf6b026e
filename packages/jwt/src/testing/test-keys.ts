import { createHmac, generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto'
import type { AsymmetricAlgorithm } from '../algorithms.js'

/** An in-memory key pair for tests, with its public JWK. */
export interface TestKey {
  readonly alg: AsymmetricAlgorithm
  readonly kid: string
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
  /** The public JWK with `kid`, `alg` and `use: sig`, as a JWKS would publish it. */
  readonly publicJwk: Readonly<Record<string, unknown>>
}

let counter = 0

/**
 * Generates a key pair in memory, synchronously (RSA 2048 for RS and PS, P-256/P-384 for ES,
 * Ed25519 for EdDSA).
 *
 * @example
 * ```ts
 * const key = createTestKey('ES256')
 * const token = signJwt({ alg: 'ES256', kid: key.kid }, { sub: 'u1' }, key.privateKey)
 * ```
 */
export function createTestKey(
  alg: AsymmetricAlgorithm = 'EdDSA',
  kid = `test-${alg}-${++counter}`,
): TestKey {
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg === 'ES256' || alg === 'ES384'
        ? generateKeyPairSync('ec', { namedCurve: alg === 'ES256' ? 'P-256' : 'P-384' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = pair.publicKey.export({ format: 'jwk' })
  return {
    alg,
    kid,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicJwk: Object.freeze({ ...jwk, kid, alg, use: 'sig' }),
  }
}

const HASH = new Map([
  ['RS256', 'sha256'],
  ['RS384', 'sha384'],
  ['RS512', 'sha512'],
  ['PS256', 'sha256'],
  ['ES256', 'sha256'],
  ['ES384', 'sha384'],
  ['HS256', 'sha256'],
  ['HS384', 'sha384'],
  ['HS512', 'sha512'],
])

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

/**
 * Signs a compact JWS with exactly the header and payload given — nothing is added or
 * checked, so tests can also forge what a verifier must refuse: `alg: none`, HS256 keyed with
 * a public key, foreign `jku`/`jwk` headers, wrong types.
 *
 * @example
 * ```ts
 * signJwt({ alg: 'HS256' }, claims, Buffer.from(publicPem)) // the RFC 8725 §2.1 confusion attack
 * signJwt({ alg: 'none' }, claims)                           // unsigned
 * ```
 */
export function signJwt(
  header: Readonly<Record<string, unknown>>,
  payload: unknown,
  key?: KeyObject | Uint8Array | string,
): string {
  const input = `${b64(header)}.${typeof payload === 'string' ? Buffer.from(payload).toString('base64url') : b64(payload)}`
  const alg = String(header.alg)
  const hash = HASH.get(alg)
  const data = Buffer.from(input)
  let signature: Buffer
  if (alg === 'none') signature = Buffer.alloc(0)
  else if (alg === 'EdDSA') signature = sign(null, data, key as KeyObject)
  // Unknown algorithms get an HMAC with whatever key was given: something to refuse.
  else if (hash === undefined || alg.startsWith('HS'))
    signature = createHmac(hash ?? 'sha256', (key as Uint8Array | string | undefined) ?? 'key')
      .update(data)
      .digest()
  else if (alg.startsWith('ES'))
    signature = sign(hash, data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' })
  else if (alg.startsWith('PS'))
    signature = sign(hash, data, {
      key: key as KeyObject,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    })
  else signature = sign(hash, data, key as KeyObject)
  return `${input}.${signature.toString('base64url')}`
}
