import { createPublicKey, type KeyObject } from 'node:crypto'
import type { JsonWebKeySet } from '@social-auth/core'
import type { AsymmetricAlgorithm } from './algorithms.js'
import { own } from './own-values.js'

/** A public key ready for verification, with the algorithms it may verify. */
export interface VerificationKey {
  readonly kid: string | undefined
  readonly key: KeyObject
  readonly algorithms: ReadonlySet<string>
}

/** The keys of one key set, indexed by `kid`. */
export interface VerificationKeys {
  /** Candidates for a token's `alg` and `kid` (absent `kid`: every key that fits the alg). */
  select(alg: string, kid: string | undefined): readonly VerificationKey[]
  readonly size: number
}

const RSA_ALGS: readonly AsymmetricAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256']
const MIN_RSA_BITS = 2048

// Only the public members are handed to OpenSSL: a published `d` is refused rather than used,
// and certificate members (`x5c`, `x5u`) are never looked at (RFC 8725 §3.10).
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
}

/**
 * Turns one JWK from a key set into a verification key, or undefined when it is not a usable
 * signature-verification key: `use` other than `sig`, `key_ops` without `verify`, a private or
 * symmetric key, an unsupported type or curve, or an RSA key under 2048 bits. The JWK's `alg`,
 * when present, narrows what it may verify to exactly that algorithm (security.md §3.1.3).
 *
 * @example
 * ```ts
 * importVerificationKey({ kty: 'OKP', crv: 'Ed25519', x: '…', kid: 'k1' })?.algorithms // Set {'EdDSA'}
 * ```
 */
export function importVerificationKey(jwk: Record<string, unknown>): VerificationKey | undefined {
  const kty = own(jwk, 'kty')
  const use = own(jwk, 'use')
  const keyOps = own(jwk, 'key_ops')
  const alg = own(jwk, 'alg')
  const kid = own(jwk, 'kid')
  if (typeof kty !== 'string' || !Object.hasOwn(PUBLIC_MEMBERS, kty)) return undefined
  if (use !== undefined && use !== 'sig') return undefined
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify')))
    return undefined
  if (own(jwk, 'd') !== undefined) return undefined
  if (kid !== undefined && typeof kid !== 'string') return undefined
  if (alg !== undefined && typeof alg !== 'string') return undefined
  const members: Record<string, unknown> = { kty }
  for (const name of PUBLIC_MEMBERS[kty] as readonly string[]) {
    const value = own(jwk, name)
    if (typeof value !== 'string') return undefined
    members[name] = value
  }
  let key: KeyObject
  try {
    key = createPublicKey({ key: members as never, format: 'jwk' })
  } catch {
    return undefined
  }
  const fits = algorithmsFor(kty, own(jwk, 'crv'), key)
  const algorithms = new Set(
    alg === undefined ? fits : fits.filter((candidate) => candidate === alg),
  )
  if (algorithms.size === 0) return undefined
  return { kid, key, algorithms }
}

/** Wraps a key given directly (PEM, KeyObject): it may verify every algorithm its type fits. */
export function keyObjectVerificationKey(
  key: KeyObject,
  kid?: string,
): VerificationKey | undefined {
  const type = key.asymmetricKeyType
  const kty = type === 'rsa' ? 'RSA' : type === 'ec' ? 'EC' : type === 'ed25519' ? 'OKP' : undefined
  if (key.type !== 'public' || kty === undefined) return undefined
  const crv =
    kty === 'OKP'
      ? 'Ed25519'
      : kty === 'EC'
        ? curveName(key.asymmetricKeyDetails?.namedCurve)
        : undefined
  const algorithms = new Set(algorithmsFor(kty, crv, key))
  return algorithms.size === 0 ? undefined : { kid, key, algorithms }
}

function curveName(namedCurve: string | undefined): string | undefined {
  if (namedCurve === 'prime256v1' || namedCurve === 'P-256') return 'P-256'
  if (namedCurve === 'secp384r1' || namedCurve === 'P-384') return 'P-384'
  return undefined
}

function algorithmsFor(kty: string, crv: unknown, key: KeyObject): string[] {
  if (kty === 'RSA')
    return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS ? [...RSA_ALGS] : []
  if (kty === 'EC') return crv === 'P-256' ? ['ES256'] : crv === 'P-384' ? ['ES384'] : []
  if (kty === 'OKP') return crv === 'Ed25519' ? ['EdDSA'] : []
  return []
}

/**
 * Indexes verification keys by `kid` in a `Map` (exact string equality: a `kid` is never a
 * path, a query or an object property). Every answer `select` can give is computed here, once
 * per key set, so selecting a key for a request is two `Map` lookups and allocates nothing.
 *
 * @example
 * ```ts
 * const keys = indexKeys([importVerificationKey(jwk)!])
 * keys.select('ES256', 'k1')
 * ```
 */
export function indexKeys(
  list: readonly VerificationKey[],
  options: { readonly kidlessMatchAnyKid?: boolean } = {},
): VerificationKeys {
  const byAlg = new Map<string, KeysForAlgorithm>()
  for (const alg of new Set(list.flatMap((key) => [...key.algorithms])))
    byAlg.set(alg, keysForAlgorithm(list, alg, options.kidlessMatchAnyKid === true))
  return {
    size: list.length,
    select(alg, kid) {
      const keys = byAlg.get(alg)
      if (keys === undefined) return NO_KEYS
      if (kid === undefined) return keys.all
      return keys.byKid.get(kid) ?? keys.anyKid
    },
  }
}

/** The candidates for one `alg`: all of them, by `kid`, and for a `kid` no key has. */
interface KeysForAlgorithm {
  readonly all: readonly VerificationKey[]
  readonly byKid: ReadonlyMap<string, readonly VerificationKey[]>
  readonly anyKid: readonly VerificationKey[]
}

const NO_KEYS: readonly VerificationKey[] = Object.freeze([])

function keysForAlgorithm(
  list: readonly VerificationKey[],
  alg: string,
  kidlessMatchAnyKid: boolean,
): KeysForAlgorithm {
  const all = list.filter((key) => key.algorithms.has(alg))
  // A key configured directly (a PEM, one secret) has no `kid` to match: it answers for any
  // `kid`, as a key passed to jose's jwtVerify does. Keys from a JWKS must match the `kid`.
  const anyKid = kidlessMatchAnyKid ? all.filter((key) => key.kid === undefined) : []
  const byKid = new Map<string, readonly VerificationKey[]>()
  for (const kid of new Set(all.map((key) => key.kid)))
    if (kid !== undefined)
      byKid.set(kid, Object.freeze([...all.filter((key) => key.kid === kid), ...anyKid]))
  return { all: Object.freeze(all), byKid, anyKid: Object.freeze(anyKid) }
}

// A fetched key set keeps its identity until it is refetched, so importing once per set object
// turns key import (slow: OpenSSL parses every key) into a WeakMap lookup per request.
const imported = new WeakMap<JsonWebKeySet, VerificationKeys>()

/**
 * The verification keys of a JSON Web Key Set, imported once per key-set object. Unusable
 * keys are skipped, not fatal: one odd key must not take down verification with the others.
 *
 * @example
 * ```ts
 * const keys = verificationKeysOf(await jwksCache.get())
 * ```
 */
export function verificationKeysOf(set: JsonWebKeySet): VerificationKeys {
  let keys = imported.get(set)
  if (!keys) {
    const list: VerificationKey[] = []
    for (const jwk of set.keys) {
      const key = importVerificationKey(jwk)
      if (key) list.push(key)
    }
    keys = indexKeys(list)
    imported.set(set, keys)
  }
  return keys
}
