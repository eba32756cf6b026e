/** The association half of PSA's `UserMixin`: table `social_auth_usersocialauth`. */
import {
  AuthMissingUid,
  hasUsablePassword,
  mergeExtraData,
  type JsonObject,
  type UserSocialAuth,
  type UserStorage,
} from '@social-auth/core'
import type { Knex } from 'knex'
import { UniqueViolationError } from './integrity-error.js'
import { fromDbDate, fromDbJsonObject, toDbDate, toDbJson } from './sql-values.js'
import type { StoreContext } from './store-context.js'
import { rememberUser } from './user-store.js'
import { isPlausibleUserId, userFromRow, userSelection } from './user-table.js'

/** The association table's name (social-app-django's). */
export const SOCIAL_TABLE = 'social_auth_usersocialauth'

type SocialMethods = Pick<
  UserStorage,
  | 'getSocialAuth'
  | 'getSocialAuthForUser'
  | 'createSocialAuth'
  | 'setExtraData'
  | 'allowedToDisconnect'
  | 'disconnect'
>

const USER_PREFIX = 'u__'

// SQLite JSON paths quote labels with double quotes and have no escape for them.
const PLAIN_KEY = /^[^"\\]*$/

/** An association row as the pipeline sees it (secrets decrypted). */
export function socialFromRow(ctx: StoreContext, row: Record<string, unknown>): UserSocialAuth {
  const provider = String(row.provider)
  const uid = String(row.uid)
  const id = row.id as UserSocialAuth['id']
  return {
    id,
    user_id: row.user_id as UserSocialAuth['user_id'],
    provider,
    uid,
    extra_data: ctx.codec.decode(fromDbJsonObject(row.extra_data), { provider, uid, id }),
    created: fromDbDate(row.created),
    modified: fromDbDate(row.modified),
  }
}

/** SQL over the `extra_data` column (`??`) and values (`?`). */
interface Expression {
  readonly sql: string
  readonly values: readonly string[]
}

/**
 * The expression that merges `patch` into the stored document in the UPDATE itself, so two
 * writers touching different keys both keep theirs (PSA's dict update, done by the database).
 * Undefined when SQLite cannot address a key (a label with a double quote or a backslash).
 */
function mergeExpression(ctx: StoreContext, patch: JsonObject): Expression | undefined {
  if (ctx.dialect === 'postgresql') {
    return { sql: `coalesce(??, '{}'::jsonb) || ?::jsonb`, values: [toDbJson(patch)] }
  }
  const keys = Object.keys(patch)
  if (!keys.every((key) => PLAIN_KEY.test(key))) return undefined
  return {
    sql: `json_set(coalesce(??, '{}')${', ?, json(?)'.repeat(keys.length)})`,
    values: keys.flatMap((key) => [`$."${key}"`, toDbJson(patch[key])]),
  }
}

/** The association methods of the store. */
export function socialAuthStore(ctx: StoreContext): SocialMethods {
  const { db, users, shapes } = ctx
  const table = (): Knex.QueryBuilder => db(SOCIAL_TABLE)

  return {
    async getSocialAuth(provider, uid) {
      const row = await shapes.run<Record<string, unknown> | undefined>(
        db,
        'association and user by uid',
        [provider, String(uid)],
        ([p, u]) =>
          db({ s: SOCIAL_TABLE })
            .leftJoin({ u: users.table }, `u.${users.id}`, 's.user_id')
            .select('s.*', ...userSelection(users, 'u', USER_PREFIX))
            .where({ 's.provider': p, 's.uid': u })
            .first(),
      )
      // Re-checked like social-app-django does, in case a collation ever folds case.
      if (!row || row.uid !== String(uid)) return null
      if (row[`${USER_PREFIX}id`] !== null && row[`${USER_PREFIX}id`] !== undefined) {
        rememberUser(ctx, userFromRow(users, row, USER_PREFIX))
      }
      return socialFromRow(ctx, row)
    },

    async getSocialAuthForUser(user, provider, id) {
      if (id !== undefined && !/^\d{1,19}$/.test(String(id))) return []
      const rows = (await table()
        .where('user_id', user.id)
        .modify((query) => {
          if (provider !== undefined) void query.where('provider', provider)
          if (id !== undefined) void query.where('id', id)
        })
        .orderBy('id')) as Record<string, unknown>[]
      return Array.from(rows, (row) => socialFromRow(ctx, row))
    },

    async createSocialAuth(user, uid, provider) {
      const value = String(uid)
      // The CHECK constraint would refuse it too, but on PostgreSQL that error would also
      // abort the surrounding transaction.
      if (value === '') throw new AuthMissingUid({ backend: provider })
      const now = toDbDate(ctx.dialect, ctx.now())
      const inserted = await shapes.run<Record<string, unknown>[]>(
        db,
        'association insert',
        [user.id, provider, value, now, now],
        ([userId, p, u, created, modified]) =>
          table()
            .insert({ user_id: userId, provider: p, uid: u, extra_data: '{}', created, modified })
            .onConflict(['provider', 'uid'])
            .ignore()
            .returning('*'),
      )
      if (!inserted[0]) throw new UniqueViolationError(SOCIAL_TABLE, ['provider', 'uid'])
      return socialFromRow(ctx, inserted[0])
    },

    async setExtraData(social, data) {
      const merged = mergeExtraData(social.extra_data, data)
      if (!merged) return false
      const stored = social.extra_data
      const changed: JsonObject = {}
      for (const [key, value] of Object.entries(data)) {
        if (!Object.hasOwn(stored, key) || JSON.stringify(stored[key]) !== JSON.stringify(value))
          changed[key] = value
      }
      const owner = { provider: social.provider, uid: social.uid, id: social.id }
      const now = ctx.now()
      const merge = mergeExpression(ctx, ctx.codec.encode(changed, owner))
      // Without a merge, the whole document.
      const set = merge?.values ?? [toDbJson(ctx.codec.encode(merged, owner))]
      const size = set.length
      const count = await shapes.run<number>(
        db,
        `extra_data update ${merge?.sql ?? 'whole'}`,
        [...set, toDbDate(ctx.dialect, now), social.id],
        (values) =>
          table()
            .where('id', values[size + 1])
            .update({
              extra_data: merge
                ? db.raw(merge.sql, ['extra_data', ...values.slice(0, size)])
                : values[0],
              modified: values[size],
            }),
      )
      if (count === 0) return false
      social.extra_data = merged
      social.modified = now
      return true
    },

    async allowedToDisconnect(user, backendName, associationId, options = {}) {
      // The check before the delete locks the user's row (see the core `disconnect` step):
      // a second disconnect of this user waits for the first to commit, then (READ COMMITTED
      // reads the latest commit at each statement) sees what is left. NO KEY UPDATE still lets
      // an association insert's foreign-key check through. SQLite has no row locks (knex drops
      // the clause); its BEGIN IMMEDIATE serialises the two transactions already.
      const lock = options.beforeDelete === true
      const password = users.columns.password
      if (isPlausibleUserId(users, user.id) && (password !== null || lock)) {
        const row = (await db(users.table)
          .select(password === null ? users.id : `${password} as password`)
          .where(users.id, user.id)
          .modify((query) => {
            if (lock) void query.forNoKeyUpdate()
          })
          .first()) as { password?: unknown } | undefined
        if (hasUsablePassword(row?.password)) return true
      }
      const other = await table()
        .select('id')
        .where('user_id', user.id)
        .modify((query) => {
          if (associationId === undefined) void query.whereNot('provider', backendName)
          else void query.whereNot('id', associationId)
        })
        .first<{ id: unknown } | undefined>()
      return other !== undefined
    },

    async disconnect(entry) {
      await table().where('id', entry.id).delete()
    },
  }
}
