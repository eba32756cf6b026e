/**
 * `USER_FIELDS` names the fields `create_user` stores (psa.md §2.3 step 6). Django's
 * `create_user` fails on a field its model lacks; the knex store would drop it silently, so
 * `createSocialAuth` refuses such a setting at start-up.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Settings } from '@social-auth/core'
import { knexStorage, migrate, type UserTableOptions } from '../src/index.js'
import { openSqlite, type TestDatabase } from './support/databases.js'
import { engineFor, login } from './support/login.js'

const account = () => ({ id: 'gh-1', login: 'octo', email: 'octo@example.com', name: 'Octo Cat' })

describe('USER_FIELDS against the users table (a SQLite file)', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = openSqlite()
    await migrate(db.knex)
  })
  afterAll(() => db.destroy())

  const failure = (settings: Settings, users?: UserTableOptions): Promise<unknown> =>
    engineFor(knexStorage(db.knex, users ? { users } : {}), account, settings).then(
      () => undefined,
      (err: unknown) => err,
    )

  it('refuses at start-up a field the table has no column for, naming it and the setting', async () => {
    const err = await failure({ SOCIAL_AUTH_USER_FIELDS: ['username', 'email', 'nickname'] })
    expect(err).toMatchObject({ code: 'ERR_IMPROPERLY_CONFIGURED' })
    expect((err as Error).message).toContain(
      'SOCIAL_AUTH_USER_FIELDS names the user field "nickname"',
    )
  })

  it('refuses a per-backend USER_FIELDS too, and a field whose column the app mapped to null', async () => {
    const err = await failure(
      { SOCIAL_AUTH_DUMMY_USER_FIELDS: ['username', 'first_name'] },
      { table: 'users', columns: { first_name: null } },
    )
    expect(err).toMatchObject({ code: 'ERR_IMPROPERLY_CONFIGURED', backend: 'dummy' })
    expect((err as Error).message).toContain(
      'SOCIAL_AUTH_DUMMY_USER_FIELDS names the user field "first_name"',
    )
  })

  it('creates users with every field it names when the table holds them all', async () => {
    const social = await engineFor(knexStorage(db.knex), account, {
      USER_FIELDS: ['username', 'email', 'first_name', 'last_name'],
    })
    const { userId } = await login(social, 'a')
    expect(await db.knex('users').where('id', userId).first()).toMatchObject({
      username: 'octo',
      email: 'octo@example.com',
      first_name: 'Octo',
      last_name: 'Cat',
    })
  })

  it('leaves PSA’s default alone on a table without an email column', async () => {
    expect(await failure({}, { table: 'users', columns: { email: null } })).toBeUndefined()
  })
})
