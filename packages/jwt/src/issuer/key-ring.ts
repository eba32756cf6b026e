import type { JsonWebKeySet } from '@social-auth/core'
import type { AsymmetricAlgorithm } from '../algorithms.js'
import { generateSigningKey, type SigningKey } from './signing-key.js'

/** Rotation settings of a {@link KeyRing}. */
export interface RotationOptions {
  /** Rotate after the active key has signed for this many seconds; `false`: only on `rotate()`. */
  readonly everySeconds: number | false
  /** Keep a retired key in the JWKS this long, so tokens it signed stay verifiable. */
  readonly overlapSeconds: number
}

interface Retired {
  readonly key: SigningKey
  readonly until: number
}

/**
 * The issuer's keys and their life cycle: `next` is published before it signs anything (so
 * resource servers that cached the JWKS already know it when rotation happens), `active`
 * signs, and `retired` keys stay published for the overlap, then disappear. Rotation happens
 * lazily when the keys are used — no timers to keep a process alive or to fake in tests.
 */
export class KeyRing {
  readonly #alg: AsymmetricAlgorithm
  readonly #rotation: RotationOptions
  readonly #now: () => number
  #active: SigningKey
  #activeSince: number
  #next: SigningKey | undefined
  #retired: Retired[] = []
  #jwks: JsonWebKeySet | undefined
  #rotating: Promise<void> | undefined

  constructor(
    alg: AsymmetricAlgorithm,
    active: SigningKey,
    next: SigningKey | undefined,
    published: readonly SigningKey[],
    rotation: RotationOptions,
    now: () => number,
  ) {
    this.#alg = alg
    this.#active = active
    this.#next = next
    this.#rotation = rotation
    this.#now = now
    this.#activeSince = now()
    // Keys loaded for verification only stay until the app stops loading them.
    this.#retired = published.map((key) => ({ key, until: Number.POSITIVE_INFINITY }))
  }

  /** The key that signs now (rotating first when it is due). */
  async active(): Promise<SigningKey> {
    await this.#rotateIfDue()
    return this.#active
  }

  /** The public keys: next, active and retired-but-overlapping. Same object until it changes. */
  async jwks(): Promise<JsonWebKeySet> {
    await this.#rotateIfDue()
    const now = this.#now()
    if (this.#retired.some((retired) => retired.until <= now)) {
      this.#retired = this.#retired.filter((retired) => retired.until > now)
      this.#jwks = undefined
    }
    this.#jwks ??= Object.freeze({
      keys: Object.freeze(
        [this.#next, this.#active, ...this.#retired.map((retired) => retired.key)]
          .filter((key): key is SigningKey => key !== undefined)
          .map((key) => key.publicJwk as Record<string, unknown>),
      ),
    })
    return this.#jwks
  }

  /** Rotates now: next → active, active → retired for the overlap, a fresh next. */
  rotate(): Promise<void> {
    this.#rotating ??= this.#doRotate().finally(() => {
      this.#rotating = undefined
    })
    return this.#rotating
  }

  async #doRotate(): Promise<void> {
    const incoming = this.#next ?? (await generateSigningKey(this.#alg))
    const upcoming = await generateSigningKey(this.#alg)
    const now = this.#now()
    this.#retired = [
      { key: this.#active, until: now + this.#rotation.overlapSeconds * 1000 },
      ...this.#retired,
    ]
    this.#active = incoming
    this.#activeSince = now
    this.#next = upcoming
    this.#jwks = undefined
  }

  async #rotateIfDue(): Promise<void> {
    const every = this.#rotation.everySeconds
    if (every !== false && this.#now() - this.#activeSince >= every * 1000) await this.rotate()
    else if (this.#rotating) await this.#rotating
  }
}
