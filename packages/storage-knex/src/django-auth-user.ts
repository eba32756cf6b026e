/** What moving from social-app-django needs on the store's side: Django's user table. */
import { unusablePassword } from '@social-auth/core'
import type { UserTableOptions } from './user-table.js'

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
