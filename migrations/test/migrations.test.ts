import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Knex } from 'knex'
import { MIGRATIONS, MIGRATIONS_TABLE, migrate, migrationConfig, rollback } from '../src/index.js'
import { postgresDatabase, sqliteDatabase, type OwnedDatabase } from './support/databases.js'
import { SOCIAL_TABLES, schemaSnapshot, tableNames } from './support/schema.js'

async function insertUser(db: Knex, username: string): Promise<number | string> {
  const [row] = await db('users').insert({ username }).returning<{ id: number | string }[]>('id')
  return row!.id
}

const databases: [string, () => Promise<OwnedDatabase>][] = [
  ['SQLite', async () => sqliteDatabase()],
  ['PostgreSQL', postgresDatabase],
]

describe.each(databases)('the social-auth migrations on %s', (_name, open) => {
  let db: OwnedDatabase
  beforeAll(async () => {
    db = await open()
  })
  afterAll(() => db.destroy())

  it('go latest, roll back entirely and go latest again', async () => {
    expect(await migrate(db.knex)).toEqual(MIGRATIONS.map((m) => m.name))
    expect(await tableNames(db.knex)).toEqual(expect.arrayContaining(['users', ...SOCIAL_TABLES]))
    const migrated = await schemaSnapshot(db.knex)

    expect(await rollback(db.knex, { all: true })).toEqual(MIGRATIONS.map((m) => m.name).reverse())
    const left = await tableNames(db.knex)
    expect(left.filter((t) => !t.startsWith(MIGRATIONS_TABLE) && t !== 'sqlite_sequence')).toEqual(
      [],
    )
    expect(await schemaSnapshot(db.knex)).toEqual([])

    expect(await migrate(db.knex)).toHaveLength(MIGRATIONS.length)
    expect(await schemaSnapshot(db.knex)).toEqual(migrated)
    expect(await migrate(db.knex)).toEqual([])
  })

  it('undo each migration exactly with its down', async () => {
    await rollback(db.knex, { all: true })
    const config = migrationConfig()
    const snapshots = [await schemaSnapshot(db.knex)]
    for (let i = 0; i < MIGRATIONS.length; i++) {
      await db.knex.migrate.up(config)
      snapshots.push(await schemaSnapshot(db.knex))
      expect(snapshots[i + 1]).not.toEqual(snapshots[i])
    }
    for (let i = MIGRATIONS.length; i > 0; i--) {
      await db.knex.migrate.down(config)
      expect(await schemaSnapshot(db.knex)).toEqual(snapshots[i - 1])
    }
    await migrate(db.knex)
  })

  it('keep their state in social_auth_migrations, apart from the app’s own knex migrations', async () => {
    const appMigrations: Knex.MigrationSource<string> = {
      getMigrations: async () => ['20240101_app_things'],
      getMigrationName: (name) => name,
      getMigration: async () => ({
        up: (knex: Knex) =>
          knex.schema.createTable('app_things', (table) => table.increments('id')),
        down: (knex: Knex) => knex.schema.dropTable('app_things'),
      }),
    }
    await db.knex.migrate.latest({ migrationSource: appMigrations })
    const ours = await db.knex(MIGRATIONS_TABLE).select<{ name: string }[]>('name').orderBy('id')
    const theirs = await db.knex('knex_migrations').select<{ name: string }[]>('name')
    expect(Array.from(ours, (r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name))
    expect(Array.from(theirs, (r) => r.name)).toEqual(['20240101_app_things'])
    expect(await migrate(db.knex)).toEqual([])
    await db.knex.migrate.rollback({ migrationSource: appMigrations }, true)
    expect(await db.knex.schema.hasTable('social_auth_usersocialauth')).toBe(true)
  })

  describe('the schema', () => {
    beforeAll(async () => {
      await migrate(db.knex)
    })

    it('rejects a second association with the same provider and uid', async () => {
      const user = await insertUser(db.knex, 'dup')
      await db
        .knex('social_auth_usersocialauth')
        .insert({ user_id: user, provider: 'osso', uid: 'same' })
      await expect(
        db
          .knex('social_auth_usersocialauth')
          .insert({ user_id: user, provider: 'osso', uid: 'same' }),
      ).rejects.toMatchObject({ code: expect.stringMatching(/^(23505|SQLITE_CONSTRAINT_UNIQUE)$/) })
    })

    it('compares uids case-sensitively', async () => {
      const user = await insertUser(db.knex, 'cases')
      await db
        .knex('social_auth_usersocialauth')
        .insert({ user_id: user, provider: 'github', uid: 'AbC' })
      await expect(
        db
          .knex('social_auth_usersocialauth')
          .insert({ user_id: user, provider: 'github', uid: 'abc' }),
      ).resolves.toBeDefined()
    })

    it('rejects an empty uid', async () => {
      const user = await insertUser(db.knex, 'empty')
      await expect(
        db.knex('social_auth_usersocialauth').insert({ user_id: user, provider: 'osso', uid: '' }),
      ).rejects.toMatchObject({ code: expect.stringMatching(/^(23514|SQLITE_CONSTRAINT_CHECK)$/) })
    })

    it('rejects an association of a user that does not exist', async () => {
      await expect(
        db
          .knex('social_auth_usersocialauth')
          .insert({ user_id: 987654, provider: 'osso', uid: 'orphan' }),
      ).rejects.toMatchObject({
        code: expect.stringMatching(/^(23503|SQLITE_CONSTRAINT_FOREIGNKEY)$/),
      })
    })

    it('deletes a user’s associations with the user', async () => {
      const user = await insertUser(db.knex, 'leaving')
      await db
        .knex('social_auth_usersocialauth')
        .insert({ user_id: user, provider: 'osso', uid: 'gone' })
      await db.knex('users').where('id', user).delete()
      expect(await db.knex('social_auth_usersocialauth').where('uid', 'gone')).toHaveLength(0)
    })

    it('rejects a second user with the same username', async () => {
      await insertUser(db.knex, 'twin')
      await expect(insertUser(db.knex, 'twin')).rejects.toMatchObject({
        code: expect.stringMatching(/^(23505|SQLITE_CONSTRAINT_UNIQUE)$/),
      })
    })

    it.each([
      ['social_auth_nonce', { server_url: 'https://op', timestamp: 1, salt: 's' }],
      [
        'social_auth_association',
        {
          server_url: 'https://op',
          handle: 'h',
          secret: 's',
          issued: 1,
          lifetime: 0,
          assoc_type: '',
        },
      ],
      ['social_auth_code', { email: 'a@example.com', code: 'c'.repeat(32) }],
      ['social_auth_partial', { token: 't'.repeat(32), backend: 'osso' }],
    ])('keeps %s rows unique on their key', async (table, row) => {
      await db.knex(table).insert(row)
      await expect(db.knex(table).insert(row)).rejects.toMatchObject({
        code: expect.stringMatching(/^(23505|SQLITE_CONSTRAINT_UNIQUE)$/),
      })
    })

    it('gives new rows their defaults: empty JSON, unverified, step 0, timestamps', async () => {
      const user = await insertUser(db.knex, 'defaults')
      await db
        .knex('social_auth_usersocialauth')
        .insert({ user_id: user, provider: 'osso', uid: 'defaults' })
      const social = (await db
        .knex('social_auth_usersocialauth')
        .where('uid', 'defaults')
        .first()) as Record<string, unknown>
      expect(
        typeof social.extra_data === 'string' ? JSON.parse(social.extra_data) : social.extra_data,
      ).toEqual({})
      expect(
        new Date(
          String(social.created instanceof Date ? social.created.toISOString() : social.created),
        ).getTime(),
      ).toBeGreaterThan(Date.now() - 60_000)
      const userRow = (await db.knex('users').where('id', user).first()) as Record<string, unknown>
      expect(Boolean(userRow.is_active)).toBe(true)
      expect(userRow.email).toBe('')
    })
  })

  describe('with the app’s own users table', () => {
    let own: OwnedDatabase
    beforeAll(async () => {
      own = await open()
      await own.knex.schema.createTable('accounts', (table) => {
        table.increments('account_id')
        table.string('login').unique()
      })
    })
    afterAll(() => own.destroy())

    const options = { users: { table: 'accounts', id: 'account_id', idType: 'integer' as const } }

    it('creates no users table and links associations to the app’s table', async () => {
      await migrate(own.knex, options)
      expect(await own.knex.schema.hasTable('users')).toBe(false)
      const [account] = await own
        .knex('accounts')
        .insert({ login: 'app-user' })
        .returning<{ account_id: number }[]>('account_id')
      await own
        .knex('social_auth_usersocialauth')
        .insert({ user_id: account!.account_id, provider: 'osso', uid: 'x' })
      await own.knex('accounts').where('account_id', account!.account_id).delete()
      expect(await own.knex('social_auth_usersocialauth')).toHaveLength(0)
    })

    it('rolls back without touching the app’s table', async () => {
      await rollback(own.knex, { ...options, all: true })
      expect(await tableNames(own.knex)).toEqual(expect.arrayContaining(['accounts']))
      expect(await own.knex.schema.hasTable('social_auth_usersocialauth')).toBe(false)
    })
  })
})
