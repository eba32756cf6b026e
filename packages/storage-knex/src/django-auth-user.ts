/** What moving from social-app-django needs on the store's side: Django's user table. */
import { randomInt } from 'node:crypto'
import type { UserTableOptions } from './user-table.js'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/**
 * Django's unusable password (`make_password(None)`): `!` and 40 random characters. Django
 * refuses any password starting with `!`, and so does `allowedToDisconnect`.
 */
function unusablePassword(): string {
  let suffix = ''
  for (let i = 0; i < 40; i++) suffix += ALPHABET[randomInt(ALPHABET.length)]
  return `!${suffix}`
}

/**
 * Django's `auth_user` table (`django.contrib.auth`'s `User`, the default of social-app-django's
 * `SOCIAL_AUTH_USER_MODEL`), mapped for `migrate` and `knexStorage`. New users get what Django's
 * `create_user` gives them: an unusable password, no staff or superuser rights, empty names.
 * Its `last_login` is left alone. For a custom user model, spread it and change what differs.
 *
 * @example
 * ```ts
 * await migrate(knex, { users: DJANGO_AUTH_USER, adopt: 'social-app-django' })
 * const storage = knexStorage(knex, { users: DJANGO_AUTH_USER })
 * // a custom model: { ...DJANGO_AUTH_USER, table: 'accounts_user', idType: 'bigint' }
 * ```
 */
export const DJANGO_AUTH_USER: UserTableOptions = {
  table: 'auth_user',
  id: 'id',
  idType: 'integer',
  columns: { password: 'password', updated: null },
  defaults: {
    password: unusablePassword,
    first_name: '',
    last_name: '',
    email: '',
    is_staff: false,
    is_superuser: false,
  },
}
