/**
 * A login that fails between the user insert and the association insert leaves nothing
 * behind (issue 3; security.md §5.3): the pipeline runs in one transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  createUser,
  DEFAULT_AUTH_PIPELINE,
  type PipelineContext,
  type Storage,
} from '@social-auth/core'
import { knexStorage, migrate } from '../src/index.js'
import { countRows, emptyTables, openDatabase, type TestDatabase } from './support/databases.js'
import { engineFor, login } from './support/login.js'

const response = (code: string) => ({
  id: 'faulty',
  login: 'faulty',
  email: 'faulty@example.com',
  access_token: code,
})

/** The default pipeline with a step after `create_user` that fails once the user row exists. */
function pipelineFailingAfterCreateUser(): unknown[] {
  const failAfterInsert = async (ctx: PipelineContext) => {
    if (ctx.is_new && ctx.user) throw new Error('fault injected after INSERT users')
  }
  const steps: unknown[] = [...DEFAULT_AUTH_PIPELINE]
  steps.splice(steps.indexOf(createUser) + 1, 0, failAfterInsert)
  return steps
}

/** A storage whose association insert fails, in and out of transactions. */
function failingAssociations(storage: Storage): Storage {
  return {
    ...storage,
    user: {
      ...storage.user,
      createSocialAuth: async () => {
        throw new Error('fault injected before INSERT social_auth_usersocialauth')
      },
    },
    transaction: (work) => storage.transaction((tx) => work(failingAssociations(tx))),
  }
}

describe.each(['sqlite', 'postgres'] as const)(
  'a fault between the user and the association inserts on %s',
  (name) => {
    let db: TestDatabase
    beforeAll(async () => {
      db = await openDatabase(name)
      await migrate(db.knex)
    })
    afterAll(() => db.destroy())

    async function expectNoRows(): Promise<void> {
      expect(await countRows(db.knex, 'users')).toBe(0)
      expect(await countRows(db.knex, 'social_auth_usersocialauth')).toBe(0)
    }

    it('in a pipeline step after create_user leaves no user and no association', async () => {
      await emptyTables(db.knex)
      const social = await engineFor(knexStorage(db.knex), response, {
        SOCIAL_AUTH_PIPELINE: pipelineFailingAfterCreateUser(),
      })
      await expect(login(social, 'one')).rejects.toThrow('fault injected after INSERT users')
      await expectNoRows()
    })

    it('in the association insert leaves no user behind', async () => {
      await emptyTables(db.knex)
      const social = await engineFor(failingAssociations(knexStorage(db.knex)), response)
      await expect(login(social, 'two')).rejects.toThrow(
        'fault injected before INSERT social_auth_usersocialauth',
      )
      await expectNoRows()
    })

    it('lets the next attempt log in as a new user once the fault is gone', async () => {
      await emptyTables(db.knex)
      const social = await engineFor(knexStorage(db.knex), response)
      const result = await login(social, 'three')
      expect(result.isNew).toBe(true)
      expect(await countRows(db.knex, 'users')).toBe(1)
      expect(await countRows(db.knex, 'social_auth_usersocialauth')).toBe(1)
    })
  },
)
