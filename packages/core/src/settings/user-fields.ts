import { ImproperlyConfigured } from '../errors.js'
import type { UserStorage } from '../storage/types.js'
import type { SettingsResolver } from './resolver.js'

/**
 * Refuses a `USER_FIELDS` setting (global or per backend) that names a field the storage cannot
 * hold (`UserStorage.userFields`), such as `nickname` on a users table without that column:
 * `create_user` would pass it and the store would drop it. PSA's default (`username`, `email`)
 * is not checked: a table without an email column simply gets no email.
 */
export function checkUserFields(
  settings: SettingsResolver,
  users: UserStorage,
  backendNames: Iterable<string>,
): void {
  const holds = users.userFields
  if (!holds) return
  for (const backend of [undefined, ...backendNames]) {
    const source = settings.sourceOf('USER_FIELDS', backend)
    if (source === undefined) continue
    const fields = settings.get<readonly string[] | null>('USER_FIELDS', backend ? { backend } : {})
    const missing = (fields ?? []).find((field) => !holds.includes(field))
    if (missing === undefined) continue
    throw new ImproperlyConfigured(
      `${source} names the user field "${missing}", which the storage cannot hold (it holds ${holds.join(', ')}): map a column to it or leave it out`,
      backend ? { backend } : {},
    )
  }
}
