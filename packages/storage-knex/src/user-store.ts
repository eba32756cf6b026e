/** The user half of PSA's `UserMixin` on a users table (ours or the app's). */
import type { User, UserId, UserStorage } from '@social-auth/core'
import type { Knex } from 'knex'
import { UniqueViolationError } from './integrity-error.js'
import type { StoreContext } from './store-context.js'
import {
  USER_FIELDS,
  isPlausibleUserId,
  userFromRow,
  userRow,
  userSelection,
} from './user-table.js'

type UserMethods = Pick<
  UserStorage,
  | 'userFields'
  | 'createUser'
  | 'getUser'
  | 'getUserAnyState'
  | 'userExists'
  | 'getUsersByEmail'
  | 'updateUser'
  | 'getUsername'
  | 'usernameMaxLength'
>

// Callers may change the objects they get; the cache keeps its own.
const copy = (user: User): User => ({ ...user })

/** Remembers a user for the rest of the transaction and hands out a copy. */
export function rememberUser(ctx: StoreContext, user: User): User {
  ctx.userCache?.set(String(user.id), copy(user))
  return copy(user)
}

/** The user methods of the store. */
export function userStore(ctx: StoreContext): UserMethods {
  const { db, users, shapes } = ctx
  const active = users.columns.is_active

  async function readUser(id: UserId): Promise<User | null> {
    if (!isPlausibleUserId(users, id)) return null
    const cached = ctx.userCache?.get(String(id))
    if (cached) return copy(cached)
    const row = await shapes.run<Record<string, unknown> | undefined>(
      db,
      'user by id',
      [id],
      ([i]) => db(users.table).select(userSelection(users)).where(users.id, i).first(),
    )
    return row ? rememberUser(ctx, userFromRow(users, row)) : null
  }

  return {
    // The fields with a column: createSocialAuth refuses a USER_FIELDS entry outside them.
    userFields: USER_FIELDS.filter((field) => users.columns[field] !== null),

    async createUser(fields) {
      const row = userRow(users, ctx.dialect, fields, 'insert', ctx.now())
      // DO NOTHING instead of an error: on PostgreSQL a failed statement aborts the whole
      // transaction, and the caller may want to carry on after a collision.
      const columns = Object.keys(row)
      const inserted = await shapes.run<Record<string, unknown>[]>(
        db,
        `user insert ${JSON.stringify(columns)}`,
        columns.map((column) => row[column] as Knex.Value),
        (values) =>
          db(users.table)
            .insert(Object.fromEntries(columns.map((column, i) => [column, values[i]])))
            .onConflict()
            .ignore()
            .returning(userSelection(users)),
      )
      const created = inserted[0]
      // Which key collided is unknown: the username, or any unique key the app's table has.
      if (!created) throw new UniqueViolationError(users.table)
      return rememberUser(ctx, userFromRow(users, created))
    },

    async getUser(id) {
      const user = await readUser(id)
      return user && (active === null || user.is_active !== false) ? user : null
    },

    getUserAnyState: readUser,

    async userExists({ username }) {
      const column = users.columns.username
      if (column === null) return false
      const row = await shapes.run<unknown>(db, 'user by username', [username], ([name]) =>
        db(users.table).select(users.id).where(column, name).first(),
      )
      return row !== undefined
    },

    async getUsersByEmail(email) {
      const column = users.columns.email
      if (column === null) return []
      const rows = await shapes.run<Record<string, unknown>[]>(
        db,
        'users by email',
        [email],
        ([address]) =>
          db(users.table)
            .select(userSelection(users))
            .whereRaw('lower(??) = lower(?)', [column, address!])
            .modify((query) => {
              if (active !== null) void query.where(active, true)
            })
            .orderBy(users.id),
      )
      return Array.from(rows, (row) => userFromRow(users, row))
    },

    async updateUser(user, changes) {
      const row = userRow(users, ctx.dialect, changes, 'update', ctx.now())
      if (Object.keys(row).length === 0) {
        const current = await readUser(user.id)
        if (!current) throw new Error(`No user ${String(user.id)}`)
        return current
      }
      const columns = Object.keys(row)
      const updated = await shapes.run<Record<string, unknown>[]>(
        db,
        `user update ${JSON.stringify(columns)}`,
        [...columns.map((column) => row[column] as Knex.Value), user.id],
        (values) =>
          db(users.table)
            .where(users.id, values[columns.length])
            .update(Object.fromEntries(columns.map((column, i) => [column, values[i]])))
            .returning(userSelection(users)),
      )
      if (!updated[0]) throw new Error(`No user ${String(user.id)}`)
      return rememberUser(ctx, userFromRow(users, updated[0]))
    },

    getUsername: (user) => String(user.username ?? ''),
    usernameMaxLength: () => ctx.usernameMaxLength,
  }
}
