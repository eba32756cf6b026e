/** Taking over social-app-django's tables: `migrate(knex, { users, adopt: 'social-app-django' })`. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import type { Knex } from 'knex'
import {
  ADOPTIONS_TABLE,
  MIGRATIONS,
  MIGRATIONS_TABLE,
  migrate,
  rollback,
  type MigrationOptions,
} from '../src/index.js'
import { postgresDatabase, sqliteDatabase, type OwnedDatabase } from './support/databases.js'
import { DJANGO_DATA, createDjangoDatabase } from './support/django-schema.js'
import { SOCIAL_TABLES, tableNames } from './support/schema.js'

const ADOPT: MigrationOptions = {
  users: { table: 'auth_user', id: 'id', idType: 'integer' },
  adopt: 'social-app-django',
}

const isPostgres = (db: Knex): boolean =>
  (db.client as { dialect: string }).dialect === 'postgresql'

/** Every row of every table the Django app made, to compare before and after. */
async function djangoRows(db: Knex): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {}
  for (const table of ['auth_user', 'django_migrations', ...SOCIAL_TABLES]) {
    rows[table] = await db(table).orderBy('id')
  }
  return rows
}

async function count(db: Knex, table: string): Promise<number> {
  if (!(await db.schema.hasTable(table))) return 0
  const row = (await db(table).count({ n: '*' }).first()) as { n: number | string } | undefined
  return Number(row?.n ?? 0)
}

async function columnType(db: Knex, table: string, column: string): Promise<string> {
  if (isPostgres(db)) {
    const result = await db.raw<{ rows: { data_type: string }[] }>(
      `select data_type from information_schema.columns where table_name = ? and column_name = ?`,
      [table, column],
    )
    return result.rows[0]!.data_type
  }
  const rows = await db.raw<{ type: string }[]>(
    `select type from pragma_table_info(?) where name = ?`,
    [table, column],
  )
  return rows[0]!.type
}

const databases: [string, () => Promise<OwnedDatabase>][] = [
  ['SQLite', async () => sqliteDatabase()],
  ['PostgreSQL', postgresDatabase],
]

/**
 * A fresh Django database for each test: a new SQLite file, or on PostgreSQL (where creating a
 * database takes seconds) the one database with its schema made again.
 */
function freshDjangoDatabases(open: () => Promise<OwnedDatabase>): () => OwnedDatabase {
  let db: OwnedDatabase | undefined
  beforeAll(async () => {
    db = await open()
  })
  beforeEach(async () => {
    if (isPostgres(db!.knex)) {
      await db!.knex.raw('DROP SCHEMA public CASCADE; CREATE SCHEMA public')
    } else {
      await db!.destroy()
      db = await open()
    }
    await createDjangoDatabase(db!.knex)
  })
  afterAll(() => db?.destroy())
  return () => db!
}

describe.each(databases)('adopting social-app-django’s tables on %s', (_name, open) => {
  const current = freshDjangoDatabases(open)
  let db: OwnedDatabase
  beforeEach(() => {
    db = current()
  })

  it('records every migration as applied and keeps every row Django wrote', async () => {
    const before = await djangoRows(db.knex)
    expect(await migrate(db.knex, ADOPT)).toEqual(MIGRATIONS.map((m) => m.name))
    const after = await djangoRows(db.knex)
    for (const table of Object.keys(before)) {
      expect({ table, count: after[table]!.length }).toEqual({
        table,
        count: before[table]!.length,
      })
    }
    expect(after.auth_user).toEqual(before.auth_user)
    expect(after.django_migrations).toEqual(before.django_migrations)
    expect(after.social_auth_nonce).toEqual(
      before.social_auth_nonce!.map((row) => ({
        ...(row as object),
        // pg answers bigint as a string
        timestamp: isPostgres(db.knex)
          ? String(DJANGO_DATA.nonceTimestamp)
          : DJANGO_DATA.nonceTimestamp,
      })),
    )
    const social = (await db
      .knex('social_auth_usersocialauth')
      .where('uid', DJANGO_DATA.alice.uid)
      .first()) as Record<string, unknown>
    expect(social.user_id).toBe(DJANGO_DATA.alice.id)
    const extra: unknown =
      typeof social.extra_data === 'string' ? JSON.parse(social.extra_data) : social.extra_data
    expect(extra).toEqual(DJANGO_DATA.alice.extraData)
    const names = await db.knex(MIGRATIONS_TABLE).pluck('name')
    expect(Array.from(names)).toEqual(MIGRATIONS.map((m) => m.name))
    const adopted = await db.knex(ADOPTIONS_TABLE).orderBy('table_name')
    expect(Array.from(adopted, (row: { table_name: string; source: string }) => row)).toEqual(
      SOCIAL_TABLES.map((table) =>
        expect.objectContaining({ table_name: table, source: 'social-app-django' }),
      ),
    )
    expect(await db.knex.schema.hasTable('users')).toBe(false)
  })

  it('makes social_auth_partial.token unique, which the store upserts on', async () => {
    await migrate(db.knex, ADOPT)
    await expect(
      db.knex('social_auth_partial').insert({
        token: DJANGO_DATA.partialToken,
        next_step: 0,
        backend: 'dummy',
        data: '{}',
        timestamp: new Date().toISOString(),
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(23505|SQLITE_CONSTRAINT_UNIQUE)$/) })
    await db
      .knex('social_auth_partial')
      .insert({
        token: DJANGO_DATA.partialToken,
        next_step: 2,
        backend: 'dummy',
        data: '{}',
        timestamp: new Date().toISOString(),
      })
      .onConflict(['token'])
      .merge(['next_step'])
    expect(await db.knex('social_auth_partial').pluck('next_step')).toEqual([2])
  })

  it('is idempotent: a second run applies nothing and changes nothing', async () => {
    await migrate(db.knex, ADOPT)
    const once = await djangoRows(db.knex)
    expect(await migrate(db.knex, ADOPT)).toEqual([])
    expect(await migrate(db.knex, { users: ADOPT.users })).toEqual([])
    expect(await djangoRows(db.knex)).toEqual(once)
  })

  it('never drops an adopted table on rollback, and adopts it again afterwards', async () => {
    await migrate(db.knex, ADOPT)
    const adopted = await djangoRows(db.knex)
    expect(await rollback(db.knex, { ...ADOPT, all: true })).toEqual(
      MIGRATIONS.map((m) => m.name).reverse(),
    )
    expect(await tableNames(db.knex)).toEqual(expect.arrayContaining(SOCIAL_TABLES))
    expect(await db.knex.schema.hasTable(ADOPTIONS_TABLE)).toBe(false)
    expect(await djangoRows(db.knex)).toEqual(adopted)
    expect(await migrate(db.knex, ADOPT)).toHaveLength(MIGRATIONS.length)
    expect(await djangoRows(db.knex)).toEqual(adopted)
  })

  it('rewrites SQLite timestamps in the store’s ISO format, and widens PostgreSQL’s int seconds to bigint', async () => {
    await migrate(db.knex, ADOPT)
    const partial = (await db.knex('social_auth_partial').first()) as Record<string, unknown>
    const code = (await db.knex('social_auth_code').first()) as Record<string, unknown>
    const social = (await db
      .knex('social_auth_usersocialauth')
      .where('uid', DJANGO_DATA.alice.uid)
      .first()) as Record<string, unknown>
    if (isPostgres(db.knex)) {
      expect(partial.timestamp).toEqual(new Date('2024-05-01T10:05:00.500Z'))
      expect(await columnType(db.knex, 'social_auth_nonce', 'timestamp')).toBe('bigint')
      expect(await columnType(db.knex, 'social_auth_association', 'issued')).toBe('bigint')
    } else {
      expect(partial.timestamp).toBe('2024-05-01T10:05:00.500Z')
      expect(code.timestamp).toBe('2024-05-01T10:05:00.000Z')
      expect(social.created).toBe('2024-05-01T10:00:00.123Z')
      // auth_user is the app's table: left as Django wrote it.
      const alice = (await db
        .knex('auth_user')
        .where('id', DJANGO_DATA.alice.id)
        .first()) as Record<string, unknown>
      expect(alice.date_joined).toBe(DJANGO_DATA.alice.created)
    }
  })

  it('adds the timestamp columns older social-app-django releases lacked', async () => {
    await db.knex.raw('ALTER TABLE social_auth_usersocialauth DROP COLUMN created')
    await db.knex.raw('ALTER TABLE social_auth_usersocialauth DROP COLUMN modified')
    await db.knex.raw('DROP INDEX "social_auth_partial_timestamp_50f2119f"')
    await db.knex.raw('ALTER TABLE social_auth_partial DROP COLUMN "timestamp"')
    const started = Date.now()
    await migrate(db.knex, ADOPT)
    const social = (await db.knex('social_auth_usersocialauth').first()) as Record<string, unknown>
    const partial = (await db.knex('social_auth_partial').first()) as Record<string, unknown>
    for (const value of [social.created, social.modified, partial.timestamp]) {
      const time = value instanceof Date ? value.getTime() : new Date(String(value)).getTime()
      expect(time).toBeGreaterThanOrEqual(started - 1000)
      expect(time).toBeLessThanOrEqual(Date.now() + 1000)
    }
  })

  it('creates a social-auth table the Django database does not have', async () => {
    await db.knex.schema.dropTable('social_auth_partial')
    await migrate(db.knex, ADOPT)
    expect(await db.knex.schema.hasTable('social_auth_partial')).toBe(true)
    expect(Array.from(await db.knex(ADOPTIONS_TABLE).pluck('table_name'))).not.toContain(
      'social_auth_partial',
    )
    await rollback(db.knex, { ...ADOPT, all: true })
    expect(await db.knex.schema.hasTable('social_auth_partial')).toBe(false)
    expect(await db.knex.schema.hasTable('social_auth_usersocialauth')).toBe(true)
  })

  describe('refuses, with ERR_IMPROPERLY_CONFIGURED and no change at all,', () => {
    async function expectRefusal(options: MigrationOptions, message: RegExp): Promise<void> {
      const before = await djangoRows(db.knex)
      const tables = await tableNames(db.knex)
      await expect(migrate(db.knex, options)).rejects.toMatchObject({
        code: 'ERR_IMPROPERLY_CONFIGURED',
        message: expect.stringMatching(message),
      })
      expect(await djangoRows(db.knex)).toEqual(before)
      expect(await count(db.knex, MIGRATIONS_TABLE)).toBe(0)
      expect((await tableNames(db.knex)).filter((t) => !t.startsWith(MIGRATIONS_TABLE))).toEqual(
        tables.filter((t) => !t.startsWith(MIGRATIONS_TABLE)),
      )
    }

    it('a partial token stored twice (the unique index could not be created)', async () => {
      const row = (await db.knex('social_auth_partial').first()) as Record<string, unknown>
      const { id: _id, ...copy } = row
      await db.knex('social_auth_partial').insert(copy)
      await expectRefusal(
        ADOPT,
        /social_auth_partial: 1 value\(s\) of \(token\) appear in more than one row/,
      )
    })

    it('a users option that is not the table user_id references', async () => {
      await expectRefusal(
        { adopt: 'social-app-django' },
        /social_auth_usersocialauth\.user_id references auth_user\.id, but the users option names users\.id/,
      )
    })

    it('a user_id whose type is not the users option’s idType', async () => {
      if (!isPostgres(db.knex)) return // SQLite columns have no strict type to compare
      await expectRefusal(
        { ...ADOPT, users: { table: 'auth_user', idType: 'uuid' } },
        /social_auth_usersocialauth\.user_id is integer; social-auth needs uuid/,
      )
    })

    it('an extra_data row that is not a JSON object', async () => {
      await db
        .knex('social_auth_usersocialauth')
        .where('uid', DJANGO_DATA.alice.uid)
        .update({ extra_data: JSON.stringify('{"double": "encoded"}') })
      await expectRefusal(
        ADOPT,
        /1 row\(s\) of social_auth_usersocialauth\.extra_data hold something other than a JSON object/,
      )
    })

    it('an extra_data column from before social-app-django’s JSONField (text on PostgreSQL)', async () => {
      if (!isPostgres(db.knex)) return // Django's JSONField is text on SQLite too
      await db.knex.raw('ALTER TABLE social_auth_usersocialauth ALTER COLUMN extra_data TYPE text')
      await expectRefusal(
        ADOPT,
        /social_auth_usersocialauth\.extra_data is text; social-auth needs jsonb \(social-app-django's migrations 0012–0016/,
      )
    })

    it('a column the store needs that is missing', async () => {
      await db.knex.raw('DROP INDEX "social_auth_code_code_a2393167"')
      if (isPostgres(db.knex)) await db.knex.raw('DROP INDEX "social_auth_code_code_a2393167_like"')
      await db.knex.raw(
        isPostgres(db.knex)
          ? 'ALTER TABLE social_auth_code DROP CONSTRAINT social_auth_code_email_code_801b2d02_uniq'
          : 'DROP INDEX social_auth_code_email_code_801b2d02_uniq',
      )
      await db.knex.raw('ALTER TABLE social_auth_code DROP COLUMN code')
      await expectRefusal(ADOPT, /column social_auth_code\.code is missing/)
    })

    it('a NOT NULL column without a default that the store would not fill', async () => {
      await db.knex.raw(
        `ALTER TABLE social_auth_usersocialauth ADD COLUMN access_token varchar(255) NOT NULL DEFAULT ''`,
      )
      if (isPostgres(db.knex)) {
        await db.knex.raw(
          'ALTER TABLE social_auth_usersocialauth ALTER COLUMN access_token DROP DEFAULT',
        )
      } else {
        // SQLite cannot drop a default: make the table again as an older fork of Django's had it.
        await db.knex.schema.dropTable('social_auth_usersocialauth')
        await db.knex.raw(
          `CREATE TABLE "social_auth_usersocialauth" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "provider" varchar(32) NOT NULL, "uid" varchar(255) NOT NULL, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED, "created" datetime NOT NULL, "modified" datetime NOT NULL, "extra_data" text NOT NULL, "access_token" varchar(255) NOT NULL, UNIQUE ("provider", "uid"))`,
        )
      }
      await expectRefusal(
        ADOPT,
        /column social_auth_usersocialauth\.access_token is NOT NULL without a default/,
      )
    })

    it('a table named users next to Django’s, when no users option maps it', async () => {
      await db.knex.schema.createTable('users', (t) => t.increments('id'))
      await expectRefusal(
        { adopt: 'social-app-django' },
        /Cannot adopt a table named users as social-auth's users table/,
      )
    })

    it('an adopt value it does not know', async () => {
      await expectRefusal(
        { ...ADOPT, adopt: 'social-app-flask' as 'social-app-django' },
        /adopt must be one of 'social-app-django', not "social-app-flask"/,
      )
    })
  })

  it('without adopt, fails on the existing tables as before (nothing is taken over silently)', async () => {
    // toMatchObject, not toThrow: better-sqlite3 makes its errors in the realm of the test file
    // that loaded it first, where jest's toThrow does not see an Error.
    await expect(migrate(db.knex, { users: ADOPT.users })).rejects.toMatchObject({
      message: expect.stringMatching(/social_auth_usersocialauth.*already exists/),
    })
    expect(await count(db.knex, MIGRATIONS_TABLE)).toBe(0)
  })
})

describe.each(databases)('adopt on an empty %s database', (_name, open) => {
  it('creates the schema as a plain migrate does', async () => {
    const db = await open()
    try {
      expect(await migrate(db.knex, { adopt: 'social-app-django' })).toEqual(
        MIGRATIONS.map((m) => m.name),
      )
      expect(await db.knex.schema.hasTable(ADOPTIONS_TABLE)).toBe(false)
      expect(await rollback(db.knex, { adopt: 'social-app-django', all: true })).toHaveLength(
        MIGRATIONS.length,
      )
      expect((await tableNames(db.knex)).filter((t) => !t.startsWith(MIGRATIONS_TABLE))).toEqual([])
    } finally {
      await db.destroy()
    }
  })
})
