import type { SocialAuthError, LinkRefusalReason } from './errors.js'
import type { User, UserSocialAuth } from './storage/types.js'

/** An association as events carry it: without `extra_data`, which holds the tokens. */
export type SocialAccount = Omit<UserSocialAuth, 'extra_data'>

/** The association minus its tokens, for an event payload. */
export function socialAccount(social: UserSocialAuth): SocialAccount {
  const { extra_data: _tokens, ...account } = social
  return account
}

/**
 * Events an app can subscribe to. Payloads never carry codes, tokens, states or partial
 * tokens, so forwarding them to logs or analytics leaks no secret.
 */
export interface SocialAuthEvents {
  'auth.started': { readonly backend: string }
  'auth.succeeded': {
    readonly backend: string
    readonly user: User
    readonly social: SocialAccount | null
    readonly isNew: boolean
  }
  'auth.failed': { readonly backend: string | undefined; readonly error: SocialAuthError }
  'user.created': { readonly backend: string; readonly user: User }
  'account.linked': {
    readonly backend: string
    readonly user: User
    readonly social: SocialAccount
  }
  'link.refused': {
    readonly backend: string
    readonly reason: LinkRefusalReason
    readonly uid: string | undefined
  }
  'account.disconnected': {
    readonly backend: string
    readonly user: User
    readonly social: SocialAccount
  }
  'partial.paused': { readonly backend: string; readonly step: number }
  'partial.resumed': { readonly backend: string; readonly step: number }
}

/** An event name. */
export type SocialAuthEventName = keyof SocialAuthEvents

type Listener<K extends SocialAuthEventName> = (payload: SocialAuthEvents[K]) => void

/**
 * A small typed emitter. A throwing listener is reported to `onListenerError` and never breaks
 * a login.
 *
 * @example
 * ```ts
 * social.events.on('user.created', ({ user }) => audit.log('signup', user.id))
 * ```
 */
export class SocialAuthEmitter {
  readonly #listeners = new Map<SocialAuthEventName, Set<Listener<never>>>()
  readonly #onListenerError: (err: unknown) => void

  constructor(onListenerError: (err: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError
  }

  /** Subscribes; returns a function that unsubscribes. */
  on<K extends SocialAuthEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(name)
    if (!set) this.#listeners.set(name, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }

  /** Delivers an event to every listener, synchronously. */
  emit<K extends SocialAuthEventName>(name: K, payload: SocialAuthEvents[K]): void {
    for (const listener of this.#listeners.get(name) ?? []) {
      try {
        ;(listener as Listener<K>)(payload)
      } catch (err) {
        this.#onListenerError(err)
      }
    }
  }
}
