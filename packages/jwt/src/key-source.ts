import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto'
import { InvalidSetting, type JsonWebKeySet } from '@social-auth/core'
import {
  importVerificationKey,
  indexKeys,
  keyObjectVerificationKey,
  verificationKeysOf,
  type VerificationKey,
  type VerificationKeys,
} from './verification-keys.js'

/**
 * A pluggable key-set cache: anything that hands out the current JWKS and can be asked to
 * refetch once when a token names an unknown `kid`. `JwksCache` from `@social-auth/core` is
 * one (and the default for `jwksUrl`); an app can share one cache between verifiers, or
 * back it by its own store.
 *
 * @example
 * ```ts
 * const keys: KeySetSource = new JwksCache({ url: 'https://id.example/.well-known/jwks.json' })
 * createVerifier({ keys, issuer: 'https://id.example', audience: 'api' })
 * ```
 */
export interface KeySetSource {
  /** The current key set (fetched first when needed); throws `KeySetUnavailable` when there is none. */
  get(): Promise<JsonWebKeySet>
  /** Refetch because a `kid` was unknown; true when new keys were fetched. Rate-limited by the source. */
  refreshForUnknownKid(): Promise<boolean>
  /**
   * Optional: the key set `get` would answer right now without fetching, else undefined
   * (core's `JwksCache` has it). With it, a token whose key is known is verified without a promise.
   */
  peek?(): JsonWebKeySet | undefined
}

/** A public key given in configuration: PEM (SPKI), a `KeyObject`, a JWK, or a JWKS. */
export type StaticKey = string | KeyObject | Record<string, unknown> | JsonWebKeySet

/** Where the verifier gets its keys from (internal). */
export interface KeyResolver {
  current(): Promise<VerificationKeys> | VerificationKeys
  /**
   * The keys when they are in memory and current (no fetch due), else undefined. Lets a request
   * be verified without waiting for a promise.
   */
  known(): VerificationKeys | undefined
  refreshForUnknownKid(): Promise<boolean>
}

/**
 * Adapts a {@link KeySetSource} (keys imported once per fetched set). The keys are known without
 * waiting only when the source can `peek` (its set is fresh); otherwise every lookup asks it.
 */
export function remoteKeyResolver(source: KeySetSource): KeyResolver {
  return {
    current: async () => verificationKeysOf(await source.get()),
    known() {
      const set = source.peek?.()
      return set === undefined ? undefined : verificationKeysOf(set)
    },
    refreshForUnknownKid: () => source.refreshForUnknownKid(),
  }
}

const noRefresh = async (): Promise<boolean> => false

/** Keys fixed in configuration; an unknown `kid` is simply unknown. */
export function staticKeyResolver(key: StaticKey): KeyResolver {
  const list = staticKeys(key)
  if (list.length === 0)
    throw new InvalidSetting('key', 'a public EdDSA, ECDSA (P-256/P-384) or RSA (≥ 2048 bits) key')
  const keys = indexKeys(list, { kidlessMatchAnyKid: true })
  return { current: () => keys, known: () => keys, refreshForUnknownKid: noRefresh }
}

/** The HS256 shared secret: it answers for any `kid` and is never looked up in a JWKS. */
export function secretKeyResolver(secret: string | Uint8Array): KeyResolver {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret)
  // RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
  if (bytes.length < 32) throw new InvalidSetting('secret', 'at least 32 bytes for HS256')
  const key: VerificationKey = {
    kid: undefined,
    key: createSecretKey(bytes),
    algorithms: new Set(['HS256']),
  }
  const keys = indexKeys([key], { kidlessMatchAnyKid: true })
  return { current: () => keys, known: () => keys, refreshForUnknownKid: noRefresh }
}

function staticKeys(key: StaticKey): VerificationKey[] {
  if (typeof key === 'string') {
    // A private key in the verifier's configuration is a mistake that leaks it into the API's
    // environment; refuse it instead of deriving the public half.
    if (/PRIVATE KEY-----/.test(key))
      throw new InvalidSetting('key', 'a public key (PEM SPKI), not a private key')
    let object: KeyObject
    try {
      object = createPublicKey(key)
    } catch (err) {
      throw new InvalidSetting('key', 'a PEM public key', { cause: err })
    }
    return compact([keyObjectVerificationKey(object)])
  }
  if (key instanceof KeyObject) return compact([keyObjectVerificationKey(key)])
  const keys: unknown = Object.hasOwn(key, 'keys') ? (key as JsonWebKeySet).keys : [key]
  if (!Array.isArray(keys) || !keys.every((jwk) => typeof jwk === 'object' && jwk !== null))
    throw new InvalidSetting('key', 'a JWK or a JWKS ({ keys: [...] })')
  return compact((keys as Record<string, unknown>[]).map((jwk) => importVerificationKey(jwk)))
}

const compact = <T>(list: readonly (T | undefined)[]): T[] =>
  list.filter((item): item is T => item !== undefined)
