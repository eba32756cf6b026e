/** Transactions of the knex store: how they start, nest, and what they cache. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { isIntegrityError, knexStorage, migrate, UniqueViolationError } from '../src/index.js'
import { SQLITE_BEGIN } from '../src/transaction.js'
import { emptyTables, openDatabase, type TestDatabase } from './support/databases.js'
import { recordQueries } from './support/query-log.js'

describe.each(['sqlite', 'postgres'] as const)('transactions on %s', (name) => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await openDatabase(name)
    await migrate(db.knex)
  })
  beforeEach(() => emptyTables(db.knex))
  afterAll(() => db.destroy())

  it(
    name === 'sqlite'
      ? 'take the write lock up front with BEGIN IMMEDIATE'
      : 'start with a plain BEGIN',
    async () => {
      const log = recordQueries(db.knex)
      await knexStorage(db.knex).transaction(async (tx) =>
        tx.user.userExists({ username: 'nobody' }),
      )
      log.stop()
      expect(log.statements[0]).toBe(name === 'sqlite' ? SQLITE_BEGIN : 'BEGIN;')
    },
  )

  it('serve the user of an association lookup without another statement', async () => {
    const storage = knexStorage(db.knex)
    const owner = await storage.user.createUser({ username: 'joined', first_name: 'Jo' })
    await storage.user.createSocialAuth(owner, 'j', 'osso')
    const log = recordQueries(db.knex)
    const user = await storage.transaction(async (tx) => {
      const social = await tx.user.getSocialAuth('osso', 'j')
      const before = log.statements.length
      const found = await tx.user.getUserAnyState(social!.user_id)
      expect(log.statements.length).toBe(before)
      return found
    })
    log.stop()
    expect(user).toMatchObject({ username: 'joined', first_name: 'Jo', is_active: true })
  })

  it('never serve a user cached by an earlier transaction', async () => {
    const storage = knexStorage(db.knex)
    const owner = await storage.user.createUser({ username: 'fresh' })
    await storage.user.createSocialAuth(owner, 'f', 'osso')
    await storage.transaction(async (tx) => tx.user.getSocialAuth('osso', 'f'))
    await db.knex('users').where('id', owner.id).update({ first_name: 'Changed' })
    const seen = await storage.transaction(async (tx) => {
      const social = await tx.user.getSocialAuth('osso', 'f')
      return tx.user.getUserAnyState(social!.user_id)
    })
    expect(seen?.first_name).toBe('Changed')
  })

  it('nest as savepoints: an inner failure undoes only the inner writes', async () => {
    const storage = knexStorage(db.knex)
    await storage.transaction(async (tx) => {
      await tx.user.createUser({ username: 'outer' })
      await expect(
        tx.transaction(async (inner) => {
          await inner.user.createUser({ username: 'inner' })
          throw new Error('inner fails')
        }),
      ).rejects.toThrow('inner fails')
    })
    expect(await storage.user.userExists({ username: 'outer' })).toBe(true)
    expect(await storage.user.userExists({ username: 'inner' })).toBe(false)
  })

  it('keep a transaction usable after a lost race on every unique key', async () => {
    const storage = knexStorage(db.knex)
    const owner = await storage.user.createUser({ username: 'taken' })
    await storage.user.createSocialAuth(owner, 'r', 'osso')
    await storage.transaction(async (tx) => {
      await expect(tx.user.createUser({ username: 'taken' })).rejects.toBeInstanceOf(
        UniqueViolationError,
      )
      await expect(tx.user.createSocialAuth(owner, 'r', 'osso')).rejects.toBeInstanceOf(
        UniqueViolationError,
      )
      expect(await tx.nonce.use('https://op', 1, 's')).toBe(true)
      expect(await tx.nonce.use('https://op', 1, 's')).toBe(false)
      await tx.user.createUser({ username: 'after' })
    })
    expect(await storage.user.userExists({ username: 'after' })).toBe(true)
  })

  it('recognise driver unique violations as integrity errors, but not other constraint errors', async () => {
    const owner = await knexStorage(db.knex).user.createUser({ username: 'driver' })
    const failure = (work: () => Promise<unknown>) =>
      work().then(
        () => undefined,
        (err: unknown) => err,
      )
    const unique = await failure(() => db.knex('users').insert({ username: 'driver' }))
    const check = await failure(() =>
      db
        .knex('social_auth_usersocialauth')
        .insert({ user_id: owner.id, provider: 'osso', uid: '' }),
    )
    const foreign = await failure(() =>
      db.knex('social_auth_usersocialauth').insert({ user_id: 424242, provider: 'osso', uid: 'x' }),
    )
    expect(isIntegrityError(unique)).toBe(true)
    expect(isIntegrityError(new Error('wrapped', { cause: unique }))).toBe(true)
    expect(isIntegrityError(check)).toBe(false)
    expect(isIntegrityError(foreign)).toBe(false)
    expect(isIntegrityError(new Error('UNIQUE constraint failed'))).toBe(false)
  })
})
