/** An app keeps its own users table; the store maps table and column names (issue 3). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { storageConformanceCases } from '@social-auth/core/testing'
import type { Knex } from 'knex'
import { knexStorage, migrate, type UserTableOptions } from '../src/index.js'
import { countRows, emptyTables, openDatabase, type TestDatabase } from './support/databases.js'
import { engineFor, login } from './support/login.js'

const accounts: UserTableOptions = {
  table: 'accounts',
  id: 'account_id',
  idType: 'integer',
  columns: {
    username: 'login',
    email: 'mail',
    first_name: 'given_name',
    last_name: 'family_name',
    is_active: 'enabled',
    password: 'password_hash',
    date_joined: 'created_at',
    updated: null,
  },
}

async function createAccounts(db: Knex): Promise<void> {
  await db.schema.createTable('accounts', (table) => {
    table.increments('account_id')
    table.string('login', 64).unique()
    table.string('mail').notNullable().defaultTo('')
    table.string('given_name').notNullable().defaultTo('')
    table.string('family_name').notNullable().defaultTo('')
    table.boolean('enabled').notNullable().defaultTo(true)
    table.string('password_hash')
    table.timestamp('created_at')
    table.string('plan').notNullable().defaultTo('free')
  })
  await migrate(db, { users: accounts })
}

describe.each(['sqlite', 'postgres'] as const)('an app’s own users table on %s', (name) => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await openDatabase(name)
    await createAccounts(db.knex)
  })
  afterAll(() => db.destroy())

  describe('passes the storage conformance suite', () => {
    for (const testCase of storageConformanceCases) {
      it(testCase.name, async () => {
        await emptyTables(db.knex, 'accounts')
        await testCase.run(knexStorage(db.knex, { users: accounts, usernameMaxLength: 64 }))
      })
    }
  })

  it('gets its users from a login, with no users table of ours', async () => {
    await emptyTables(db.knex, 'accounts')
    const storage = knexStorage(db.knex, { users: accounts, usernameMaxLength: 64 })
    const social = await engineFor(storage, () => ({
      id: 'gh-1',
      login: 'octo',
      email: 'octo@example.com',
      name: 'Octo Cat',
    }))
    const first = await login(social, 'a')
    const again = await login(social, 'b')
    expect(String(again.userId)).toBe(String(first.userId))
    expect(await db.knex.schema.hasTable('users')).toBe(false)
    const row = (await db.knex('accounts').where('account_id', first.userId).first()) as Record<
      string,
      unknown
    >
    expect(row).toMatchObject({
      login: 'octo',
      mail: 'octo@example.com',
      given_name: 'Octo',
      family_name: 'Cat',
      plan: 'free',
    })
    expect(row.created_at).not.toBeNull()
    expect(await countRows(db.knex, 'social_auth_usersocialauth')).toBe(1)
  })

  it('hands the pipeline the mapped fields only, never the password or other columns', async () => {
    await emptyTables(db.knex, 'accounts')
    const storage = knexStorage(db.knex, { users: accounts })
    const user = await storage.user.createUser({ username: 'plain', email: 'p@example.com' })
    await db.knex('accounts').where('account_id', user.id).update({ password_hash: 'pbkdf2$…' })
    expect(Object.keys((await storage.user.getUser(user.id))!).sort()).toEqual(
      ['email', 'first_name', 'id', 'is_active', 'last_name', 'username'].sort(),
    )
  })

  it('lets a user with a password disconnect the only social account', async () => {
    await emptyTables(db.knex, 'accounts')
    const storage = knexStorage(db.knex, { users: accounts })
    const user = await storage.user.createUser({ username: 'haspass' })
    await storage.user.createSocialAuth(user, 'only', 'github')
    expect(await storage.user.allowedToDisconnect(user, 'github')).toBe(false)
    await db.knex('accounts').where('account_id', user.id).update({ password_hash: 'pbkdf2$…' })
    expect(await storage.user.allowedToDisconnect(user, 'github')).toBe(true)
  })

  it('treats NULL, empty and Django’s unusable "!…" passwords as no password (has_usable_password)', async () => {
    await emptyTables(db.knex, 'accounts')
    const storage = knexStorage(db.knex, { users: accounts })
    const user = await storage.user.createUser({ username: 'social-only' })
    await storage.user.createSocialAuth(user, 'only', 'github')
    // What Django's set_unusable_password() stores for every user PSA creates.
    for (const unusable of [null, '', '!', '!kT8vZ3mXo1Qw9rLp2sYd7fHj4nBc6gUa0eRiW5tN']) {
      await db.knex('accounts').where('account_id', user.id).update({ password_hash: unusable })
      expect(await storage.user.allowedToDisconnect(user, 'github')).toBe(false)
    }
    await db.knex('accounts').where('account_id', user.id).update({ password_hash: 'pbkdf2$!x' })
    expect(await storage.user.allowedToDisconnect(user, 'github')).toBe(true)
  })

  it('treats every user as active when the table has no active column', async () => {
    await emptyTables(db.knex, 'accounts')
    const storage = knexStorage(db.knex, {
      users: { ...accounts, columns: { ...accounts.columns, is_active: null } },
    })
    const user = await storage.user.createUser({ username: 'always', is_active: false })
    expect(await storage.user.getUser(user.id)).toMatchObject({ username: 'always' })
    expect((await storage.user.getUser(user.id))?.is_active).toBeUndefined()
  })

  it('fills NOT NULL columns of the app’s own from defaults when it creates a user, the pipeline’s fields first', async () => {
    await db.knex.schema.createTable('members', (table) => {
      table.increments('id')
      table.string('username', 64).notNullable().unique()
      table.string('email').notNullable()
      table.string('first_name').notNullable()
      table.string('last_name').notNullable()
      table.boolean('is_active').notNullable()
      table.string('plan').notNullable()
      table.string('api_key').notNullable().unique()
    })
    let keys = 0
    const members: UserTableOptions = {
      table: 'members',
      idType: 'integer',
      columns: { date_joined: null, updated: null },
      defaults: { plan: 'free', api_key: () => `key-${++keys}`, first_name: '', last_name: '' },
    }
    const storage = knexStorage(db.knex, { users: members })
    const ann = await storage.user.createUser({
      username: 'ann',
      email: 'a@x.org',
      first_name: 'Ann',
    })
    const bob = await storage.user.createUser({ username: 'bob', email: 'b@x.org' })
    await storage.user.updateUser(bob, { last_name: 'Builder' })
    const rows = await db.knex('members').orderBy('id')
    expect(rows).toMatchObject([
      { id: ann.id, first_name: 'Ann', last_name: '', plan: 'free', api_key: 'key-1' },
      { id: bob.id, first_name: '', last_name: 'Builder', plan: 'free', api_key: 'key-2' },
    ])
  })

  it('answers null for an id that cannot be a key of the table', async () => {
    const storage = knexStorage(db.knex, { users: accounts })
    expect(await storage.user.getUser('not-a-number')).toBeNull()
    expect(await storage.user.getUserAnyState('1; drop table accounts')).toBeNull()
  })
})
