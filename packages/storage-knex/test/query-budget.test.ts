/**
 * The query budget of issue 3: a returning login costs at most 4 statements, a new user at
 * most 8, each login one transaction. Counted from knex's `query` events, which include the
 * transaction's own BEGIN / COMMIT / SAVEPOINT statements.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DEFAULT_AUTH_PIPELINE, type PipelineStep } from '@social-auth/core'
import { knexStorage, migrate } from '../src/index.js'
import { SQLITE_BEGIN } from '../src/transaction.js'
import { openDatabase, type TestDatabase } from './support/databases.js'
import { engineFor, login } from './support/login.js'
import { recordQueries, type QueryLog } from './support/query-log.js'

const isBegin = (sql: string): boolean => /^BEGIN\b/i.test(sql)

describe.each(['sqlite', 'postgres'] as const)('statements per login on %s', (name) => {
  let db: TestDatabase
  let log: QueryLog
  beforeAll(async () => {
    db = await openDatabase(name)
    await migrate(db.knex)
    log = recordQueries(db.knex)
  })
  afterAll(async () => {
    log.stop()
    await db.destroy()
  })

  // A provider that hands out a fresh access token each time, as real ones do.
  const provider = (code: string) => ({
    id: 'budget',
    login: 'budget',
    email: 'budget@example.com',
    name: 'Bud Get',
    access_token: code,
  })

  it('creates a new user in at most 8 statements, one transaction', async () => {
    const social = await engineFor(knexStorage(db.knex), provider)
    const { result, statements } = await log.during(() => login(social, 'first'))
    expect(result.isNew).toBe(true)
    expect(statements.length).toBeLessThanOrEqual(8)
    expect(statements.filter(isBegin)).toHaveLength(1)
    expect(statements.filter((sql) => /^SAVEPOINT/i.test(sql))).toEqual([])
    expect(statements.at(-1)).toBe('COMMIT;')
  })

  it('logs a returning user in with 4 statements: begin, one lookup, the token update, commit', async () => {
    const social = await engineFor(knexStorage(db.knex), provider)
    const { result, statements } = await log.during(() => login(social, 'again'))
    expect(result.isNew).toBe(false)
    expect(statements).toHaveLength(4)
    expect(statements[0]).toBe(name === 'sqlite' ? SQLITE_BEGIN : 'BEGIN;')
    expect(statements[1]).toMatch(/^select .* left join/)
    expect(statements[2]).toMatch(/^update .*social_auth_usersocialauth/)
    expect(statements[3]).toBe('COMMIT;')
  })

  it('still updates the association once when an app step also sets extra_data', async () => {
    const rememberSignIn: PipelineStep = async (ctx) => {
      if (ctx.social) await ctx.storage.user.setExtraData(ctx.social, { last_login: 'now' })
    }
    const social = await engineFor(knexStorage(db.knex), provider, {
      SOCIAL_AUTH_PIPELINE: [...DEFAULT_AUTH_PIPELINE, rememberSignIn],
    })
    await login(social, 'before')
    const { statements } = await log.during(() => login(social, 'after'))
    expect(statements).toHaveLength(4)
    expect(statements.filter((sql) => /^update /.test(sql))).toHaveLength(1)
  })

  it('compiles no SQL in a login once the storage has seen its queries', async () => {
    // Every knex client of this dialect, transactions' included, compiles through its prototype.
    const prototype = Object.getPrototypeOf(db.knex.client) as { queryCompiler: unknown }
    const queryCompiler = prototype.queryCompiler as (...args: unknown[]) => unknown
    let compiled = 0
    prototype.queryCompiler = function (this: unknown, ...args: unknown[]) {
      compiled++
      return queryCompiler.apply(this, args)
    }
    try {
      const social = await engineFor(knexStorage(db.knex), (code) => ({
        ...provider(code),
        id: `compiled-${code}`,
        login: `compiled-${code}`,
        email: `compiled-${code}@example.com`,
      }))
      await login(social, 'one')
      await login(social, 'one')
      compiled = 0
      const created = await login(social, 'two')
      const returned = await login(social, 'two')
      expect([created.isNew, returned.isNew]).toEqual([true, false])
      expect(compiled).toBe(0)
    } finally {
      prototype.queryCompiler = queryCompiler
    }
  })

  it('skips the update when nothing changed', async () => {
    // A fixed clock: the engine stores auth_time, which would otherwise change every second.
    const social = await engineFor(
      knexStorage(db.knex),
      () => provider('same-token'),
      {},
      () => Date.parse('2025-01-01T00:00:00Z'),
    )
    await login(social, 'x')
    const { statements } = await log.during(() => login(social, 'y'))
    expect(statements).toHaveLength(3)
  })
})
