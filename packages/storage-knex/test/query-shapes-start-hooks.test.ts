/**
 * knex hands each query's builder to `start` listeners before it compiles it, and apps use that
 * hook to apply settings to every query (a statement timeout, driver options). The store's
 * compiled queries must honour it, and show listeners (and tracing, which reads
 * `builder._single.table`) the builder of the query that runs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Knex } from 'knex'
import { knexStorage, migrate } from '../src/index.js'
import { openDatabase, type TestDatabase } from './support/databases.js'

describe('knex `start` hooks on PostgreSQL', () => {
  let db: TestDatabase
  let knex: Knex
  let userId: unknown
  beforeAll(async () => {
    db = await openDatabase('postgres')
    knex = db.knex
    await migrate(knex)
    const [row] = await knex('users')
      .insert({ username: 'locked' })
      .returning<Array<{ id: unknown }>>('id')
    userId = row!.id
  })
  afterAll(() => db.destroy())

  /** Runs `work` while another transaction holds an exclusive lock on `users`. */
  async function whileUsersLocked(work: () => Promise<unknown>): Promise<string> {
    const blocker = await knex.transaction()
    await blocker.raw('lock table users in access exclusive mode')
    try {
      const outcome = work().then(
        () => 'answered',
        (err: Error) => `rejected: ${err.message}`,
      )
      let timer: NodeJS.Timeout | undefined
      const hung = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('still waiting after 3 s'), 3000)
      })
      try {
        return await Promise.race([outcome, hung])
      } finally {
        clearTimeout(timer)
      }
    } finally {
      await blocker.rollback()
    }
  }

  it('applies a timeout set by a `start` listener to the store’s queries', async () => {
    const storage = knexStorage(knex)
    await storage.user.getUser(userId as never) // compiles the shape
    const timeoutEveryQuery = (builder: Knex.QueryBuilder) =>
      void builder.timeout(300, { cancel: true })
    knex.on('start', timeoutEveryQuery)
    try {
      // Control: a query knex builds itself honours the hook.
      const plain = await whileUsersLocked(() =>
        knex('users')
          .where('id', userId as number)
          .first(),
      )
      expect(plain).toMatch(/rejected: Defined query timeout of 300ms exceeded/)
      // The store's lookup, whose shape was compiled before the listener came.
      const stored = await whileUsersLocked(() => storage.user.getUser(userId as never))
      expect(stored).toMatch(/rejected: Defined query timeout of 300ms exceeded/)
    } finally {
      knex.off('start', timeoutEveryQuery)
    }
  })

  it('gives `start` listeners the builder of the query that runs', async () => {
    const storage = knexStorage(knex)
    const seen: Array<{ method: string; table: unknown }> = []
    const listener = (
      builder: Knex.QueryBuilder & { _method: string; _single: { table?: unknown } },
    ) => void seen.push({ method: builder._method, table: builder._single.table })
    knex.on('start', listener)
    try {
      await storage.user.createUser({ username: 'seen' })
    } finally {
      knex.off('start', listener)
    }
    expect(seen).toEqual([{ method: 'insert', table: 'users' }])
  })
})
