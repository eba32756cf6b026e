/**
 * The compiled queries keep nothing of the query they were compiled from. knex's `toSQL()`
 * result has a hidden `toNative` whose closure reaches the builder, the transaction and the
 * result of that transaction's work: kept whole, the first login (its provider response, tokens
 * included) stayed reachable for the life of the storage.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { knexStorage, migrate } from '../src/index.js'
import { emptyTables, openDatabase, type TestDatabase } from './support/databases.js'
import { engineFor, login } from './support/login.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

async function collect(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
}

describe.each(['sqlite', 'postgres'] as const)('QueryShapes and memory on %s', (name) => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await openDatabase(name)
    await migrate(db.knex)
    await emptyTables(db.knex)
  })
  afterAll(() => db.destroy())

  it('does not keep a login’s provider response (tokens) alive after the login', async () => {
    const storage = knexStorage(db.knex)
    const responses = new Map<string, WeakRef<object>>()
    const social = await engineFor(storage, (code) => {
      const response = {
        id: `retain-${code}`,
        login: `retain-${code}`,
        email: `retain-${code}@example.com`,
        access_token: `secret-access-token-${code}`,
      }
      responses.set(code, new WeakRef(response))
      return response
    })
    await login(social, 'first') // compiles the login's shapes inside this transaction
    await login(social, 'second') // same shapes: nothing compiled
    await collect()
    const alive = [...responses].filter(([, ref]) => ref.deref() !== undefined).map(([c]) => c)
    expect(alive).toEqual([])
  })
})
