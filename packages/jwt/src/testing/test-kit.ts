import type { AsymmetricAlgorithm } from '../algorithms.js'
import type { JwtConfig } from '../config.js'
import { mockJwksFetch, type MockJwksFetch } from './mock-jwks.js'
import { createTestKey, signJwt, type TestKey } from './test-keys.js'

/** Options of {@link createTestKit}. */
export interface TestKitOptions {
  readonly issuer?: string
  readonly audience?: string
  readonly algorithm?: AsymmetricAlgorithm
  /** The clock for `iat`/`exp` defaults, in epoch milliseconds. */
  readonly now?: () => number
}

/** Per-token overrides of {@link TestKit.sign}. */
export interface TestSignOptions {
  /** Sign with this key instead of the kit's current one. */
  readonly key?: TestKey
  /** Header members to add or replace (`alg`, `kid`, `typ`, `jku`…). */
  readonly header?: Readonly<Record<string, unknown>>
  /** Lifetime in seconds from now (default 300); ignored when `claims.exp` is given. */
  readonly ttlSeconds?: number
}

/** An issuer in a box for tests: keys, a JWKS behind a fake `fetch`, and token signing. */
export interface TestKit {
  readonly issuer: string
  readonly audience: string
  /** The key tokens are signed with (changes on `rotate`). */
  readonly key: TestKey
  /** The JWKS endpoint, with its fetch counter and failure switches. */
  readonly jwks: MockJwksFetch
  /**
   * Signs a token with sensible defaults (`iss`, `aud`, `sub: user:test123`, `iat`, `exp`
   * in 5 minutes, `typ: at+jwt`, the key's `alg` and `kid`); `claims` override them, and a
   * claim set to `undefined` is left out.
   */
  sign(claims?: Readonly<Record<string, unknown>>, options?: TestSignOptions): string
  /** Publishes a new key and signs with it from now on; the old one is dropped unless `keepOld`. */
  rotate(options?: { readonly keepOld?: boolean }): TestKey
  /** A verifier configuration trusting this kit (JWKS through the fake `fetch`). */
  config<C extends object = object>(overrides?: Partial<JwtConfig<C>>): JwtConfig<C>
}

/**
 * Creates a {@link TestKit}.
 *
 * @example
 * ```ts
 * const kit = createTestKit({ algorithm: 'ES256' })
 * const verifier = createVerifier(kit.config())
 * await verifier.verify(kit.sign({ scope: 'read:posts' }))
 * kit.jwks.calls // 1
 * ```
 */
export function createTestKit(options: TestKitOptions = {}): TestKit {
  const issuer = options.issuer ?? 'https://issuer.test'
  const audience = options.audience ?? 'https://api.test'
  const alg = options.algorithm ?? 'EdDSA'
  const now = options.now ?? Date.now
  let key = createTestKey(alg)
  let published: TestKey[] = [key]
  const jwks = mockJwksFetch(published, `${issuer}/.well-known/jwks.json`)
  const kit: TestKit = {
    issuer,
    audience,
    get key() {
      return key
    },
    jwks,
    sign(claims = {}, signOptions = {}) {
      const signer = signOptions.key ?? key
      const iat = Math.floor(now() / 1000)
      const payload: Record<string, unknown> = {
        iss: issuer,
        aud: audience,
        sub: 'user:test123',
        iat,
        exp: iat + (signOptions.ttlSeconds ?? 300),
        ...claims,
      }
      for (const name of Object.keys(payload)) if (payload[name] === undefined) delete payload[name]
      const header = { alg: signer.alg, kid: signer.kid, typ: 'at+jwt', ...signOptions.header }
      return signJwt(header, payload, signer.privateKey)
    },
    rotate(rotateOptions = {}) {
      key = createTestKey(alg)
      published = rotateOptions.keepOld ? [key, ...published] : [key]
      jwks.setKeys({ keys: published.map((k) => ({ ...k.publicJwk })) })
      return key
    },
    config: <C extends object>(overrides: Partial<JwtConfig<C>> = {}) =>
      ({
        jwksUrl: jwks.url,
        fetch: jwks.fetch,
        issuer,
        audience,
        now,
        ...overrides,
      }) as JwtConfig<C>,
  }
  return kit
}
