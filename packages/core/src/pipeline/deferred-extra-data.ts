import { mergeExtraData } from '../storage/extra-data-merge.js'
import { overlay } from '../storage/overlay.js'
import type { JsonObject, Storage, UserSocialAuth, UserStorage } from '../storage/types.js'

/** One association's `extra_data` changes, waiting for the end of the pipeline. */
interface PendingWrite {
  /** The object the pipeline holds, told the new `modified` after the write. */
  readonly social: UserSocialAuth
  /** The association as it was before the first deferred change (what the store holds). */
  readonly before: UserSocialAuth
  /** Every value set since, merged in call order. */
  readonly patch: JsonObject
}

/** A storage whose `extra_data` writes wait for {@link DeferredExtraData.flush}. */
export interface DeferredExtraData {
  readonly storage: Storage
  /** Writes what is pending: one `setExtraData` per association. */
  flush(): Promise<void>
}

const keyOf = (social: UserSocialAuth): string => `${social.provider}\u0000${social.uid}`

/**
 * The storage a login pipeline sees: `setExtraData` merges into the association at once (in
 * memory, as the stores do) but writes once per association when the pipeline stops, still
 * inside its transaction. `load_extra_data` and an app's own step that records, say, the
 * last sign-in would otherwise each update the same row on every login. Reads through this
 * storage see the pending values; a pipeline that fails rolls back as before.
 */
export function deferExtraDataWrites(storage: Storage): DeferredExtraData {
  const pending = new Map<string, PendingWrite>()
  const inner = storage.user
  const withPending = (social: UserSocialAuth | null): UserSocialAuth | null => {
    const write = social && pending.get(keyOf(social))
    if (social && write)
      social.extra_data = mergeExtraData(social.extra_data, write.patch) ?? social.extra_data
    return social
  }

  const overrides: Partial<UserStorage> = {
    setExtraData(social, data) {
      const merged = mergeExtraData(social.extra_data, data)
      if (!merged) return Promise.resolve(false)
      const key = keyOf(social)
      let write = pending.get(key)
      if (!write) pending.set(key, (write = { social, before: { ...social }, patch: {} }))
      Object.assign(write.patch, data)
      social.extra_data = merged
      return Promise.resolve(true)
    },
    async getSocialAuth(provider, uid) {
      return withPending(await inner.getSocialAuth(provider, uid))
    },
    async getSocialAuthForUser(user, provider, id) {
      const socials = await inner.getSocialAuthForUser(user, provider, id)
      for (const social of socials) withPending(social)
      return socials
    },
    disconnect(entry) {
      pending.delete(keyOf(entry))
      return inner.disconnect(entry)
    },
  }
  const user = overlay(inner, overrides)
  return {
    storage: overlay(storage, { user }),
    async flush() {
      for (const write of pending.values()) {
        if (await inner.setExtraData(write.before, write.patch))
          write.social.modified = write.before.modified
      }
      pending.clear()
    },
  }
}
