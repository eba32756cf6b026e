import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { storageConformanceCases } from '@social-auth/core/testing'
import { knexStorage, migrate } from '../src/index.js'
import { emptyTables, openPostgres, openSqlite, type TestDatabase } from './support/databases.js'

describe('storage conformance: knex on a SQLite file', () => {
  for (const testCase of storageConformanceCases) {
    it(testCase.name, async () => {
      // Each case gets its own file, as the suite expects a fresh, empty storage.
      const db = openSqlite()
      try {
        await migrate(db.knex)
        await testCase.run(knexStorage(db.knex))
      } finally {
        await db.destroy()
      }
    })
  }
})

describe('storage conformance: knex on PostgreSQL', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await openPostgres()
    await migrate(db.knex)
  })
  afterAll(() => db.destroy())

  for (const testCase of storageConformanceCases) {
    it(testCase.name, async () => {
      await emptyTables(db.knex)
      await testCase.run(knexStorage(db.knex))
    })
  }
})
