/**
 * Concurrent first logins through the real pipeline (issue 3; security.md §5.2): the engine
 * runs each login in one transaction and retries a lost race, and the store makes the race
 * observable as an integrity error without poisoning the transaction.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createSocialAuth, type SocialAuth, type Storage, type User } from '@social-auth/core'
import { createTestStrategy, dummyBackend } from '@social-auth/core/testing'
import { knexStorage, migrate } from '../src/index.js'
import {
  countRows,
  openDatabase,
  openPostgres,
  openSqlite,
  type TestDatabase,
} from './support/databases.js'
import { engineFor, login, type LoginResult } from './support/login.js'

const LOGINS = 30
const run = promisify(execFile)
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

// Lost races the engine saw (and retried), to show the tests really race.
let lostRaces = 0

function counting(storage: Storage): Storage {
  return {
    ...storage,
    isIntegrityError(err) {
      const lost = storage.isIntegrityError(err)
      if (lost) lostRaces++
      return lost
    },
  }
}

function sameAccount(db: TestDatabase): Promise<SocialAuth> {
  return engineFor(counting(knexStorage(db.knex)), (code) => ({
    id: 'same-uid',
    login: 'racer',
    email: 'racer@example.com',
    access_token: code,
  }))
}

function sameUsername(db: TestDatabase): Promise<SocialAuth> {
  return engineFor(counting(knexStorage(db.knex)), (code) => ({
    id: code,
    login: 'samename',
    email: `${code}@example.com`,
    access_token: code,
  }))
}

async function fire(engines: SocialAuth[], prefix: string): Promise<LoginResult[]> {
  const settled = await Promise.allSettled(
    Array.from({ length: LOGINS }, (_, i) => login(engines[i % engines.length]!, `${prefix}-${i}`)),
  )
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []))
  expect(errors).toEqual([])
  return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
}

async function expectOneUserAndOneAssociation(
  db: TestDatabase,
  userIds: readonly unknown[],
): Promise<void> {
  expect(await countRows(db.knex, 'users')).toBe(1)
  expect(await countRows(db.knex, 'social_auth_usersocialauth')).toBe(1)
  const social = (await db.knex('social_auth_usersocialauth').first()) as {
    user_id: unknown
    uid: string
  }
  expect(social.uid).toBe('same-uid')
  expect(userIds).toHaveLength(LOGINS)
  expect(new Set(userIds.map(String))).toEqual(new Set([String(social.user_id)]))
}

async function expectDistinctUsernames(db: TestDatabase): Promise<void> {
  const rows = await db.knex('users').select<{ username: string }[]>('username')
  const names = Array.from(rows, (r) => r.username)
  expect(names).toHaveLength(LOGINS)
  expect(new Set(names).size).toBe(LOGINS)
  expect(names.filter((n) => n === 'samename')).toHaveLength(1)
  for (const name of names) expect(name.startsWith('samename')).toBe(true)
  expect(await countRows(db.knex, 'social_auth_usersocialauth')).toBe(LOGINS)
}

let db: TestDatabase | undefined
beforeEach(() => {
  lostRaces = 0
})
afterEach(async () => {
  await db?.destroy()
  db = undefined
})

describe('30 concurrent first logins on PostgreSQL', () => {
  it('of one account create exactly one user and one association, and all end as that user', async () => {
    db = await openPostgres()
    await migrate(db.knex)
    // Three engines, like three app nodes sharing the database.
    const engines = [await sameAccount(db), await sameAccount(db), await sameAccount(db)]
    const results = await fire(engines, 'pg')
    await expectOneUserAndOneAssociation(
      db,
      results.map((r) => r.userId),
    )
    expect(results.filter((r) => r.isNew).length).toBe(1)
    expect(lostRaces).toBeGreaterThan(0)
  })

  it('of different accounts asking for one username give each a distinct suffixed username', async () => {
    db = await openPostgres()
    await migrate(db.knex)
    const results = await fire(
      [await sameUsername(db), await sameUsername(db), await sameUsername(db)],
      'name',
    )
    expect(new Set(results.map((r) => String(r.userId))).size).toBe(LOGINS)
    await expectDistinctUsernames(db)
  })
})

describe('30 concurrent first logins on a SQLite file', () => {
  it('of one account in one process create exactly one user and one association', async () => {
    db = openSqlite()
    await migrate(db.knex)
    const results = await fire([await sameAccount(db)], 'sqlite')
    await expectOneUserAndOneAssociation(
      db,
      results.map((r) => r.userId),
    )
  })

  it('of different accounts asking for one username in one process give distinct usernames', async () => {
    db = openSqlite()
    await migrate(db.knex)
    await fire([await sameUsername(db)], 'name')
    await expectDistinctUsernames(db)
  })

  async function fromProcesses(database: TestDatabase, scenario: string): Promise<string[]> {
    // Three app processes, each with its own connection to the file: the race crosses
    // connections, which one connection per process alone would never show.
    const outputs = await Promise.all(
      [10, 10, 10].map((count) =>
        run(
          process.execPath,
          [
            '--import',
            here('./support/register-ts.mjs'),
            here('./support/sqlite-login-worker.ts'),
            database.url,
            String(count),
            scenario,
          ],
          {
            timeout: 30_000,
          },
        ),
      ),
    )
    const userIds: string[] = []
    for (const { stdout } of outputs) {
      const report = JSON.parse(stdout.trim().split('\n').pop()!) as {
        userIds: string[]
        errors: string[]
      }
      expect(report.errors).toEqual([])
      userIds.push(...report.userIds)
    }
    return userIds
  }

  it('of one account from three processes create exactly one user and one association', async () => {
    db = openSqlite()
    await migrate(db.knex)
    const userIds = await fromProcesses(db, 'account:same-uid')
    await expectOneUserAndOneAssociation(db, userIds)
  })

  it('of different accounts asking for one username from three processes give distinct usernames', async () => {
    db = openSqlite()
    await migrate(db.knex)
    const userIds = await fromProcesses(db, 'username:samename')
    expect(new Set(userIds).size).toBe(LOGINS)
    await expectDistinctUsernames(db)
  })
})

describe.each(['postgres', 'sqlite'] as const)('simultaneous disconnects on %s', (name) => {
  it('of both providers of a user leave that user one login method (audit: disconnect race under READ COMMITTED)', async () => {
    db = await openDatabase(name)
    await migrate(db.knex)
    const storage = knexStorage(db.knex)
    const social = await createSocialAuth({
      settings: {
        AUTHENTICATION_BACKENDS: [dummyBackend({ name: 'alpha' }), dummyBackend({ name: 'beta' })],
        LOGIN_REDIRECT_URL: '/done',
        LOGIN_URL: '/login',
      },
      storage,
    })
    const users: User[] = []
    for (let i = 0; i < 10; i++) {
      const user = await storage.user.createUser({ username: `racer${i}`, email: '' })
      await storage.user.createSocialAuth(user, `a-${i}`, 'alpha')
      await storage.user.createSocialAuth(user, `b-${i}`, 'beta')
      users.push(user)
    }
    // Each user's two POST /disconnect (one per provider) at once, all users together.
    const outcomes = await Promise.all(
      users.map((user) =>
        Promise.all(
          ['alpha', 'beta'].map((backend) =>
            social
              .disconnect(createTestStrategy().request({ method: 'POST', body: {} }), backend, {
                user,
                onError: 'throw',
              })
              .then(
                () => 'disconnected',
                (err: unknown) => (err as { code?: string }).code ?? String(err),
              ),
          ),
        ),
      ),
    )
    for (const [i, user] of users.entries()) {
      expect([...outcomes[i]!].sort()).toEqual(['ERR_NOT_ALLOWED_TO_DISCONNECT', 'disconnected'])
      expect(await storage.user.getSocialAuthForUser(user)).toHaveLength(1)
    }
  })
})

describe.each(['postgres', 'sqlite'] as const)('a disconnect that revokes tokens on %s', (name) => {
  it('leaves the database to other requests while it calls the provider (security.md §5.3)', async () => {
    db = await openDatabase(name)
    await migrate(db.knex)
    const storage = knexStorage(db.knex)
    const user = await storage.user.createUser({ username: 'revoker', email: '' })
    const during: string[] = []
    const revoking = {
      ...dummyBackend({ name: 'alpha' }),
      // The provider call: meanwhile another request writes this user (a login's user_details).
      // With the disconnect holding a lock on the user (PostgreSQL), or SQLite's write lock and
      // one connection, it would wait until the provider answered; here it gets 1 s.
      async revokeToken() {
        const written = storage.user
          .updateUser(user, { first_name: 'Updated' })
          .then(() => 'updated')
        const waited = new Promise<string>((resolve) => setTimeout(() => resolve('blocked'), 1000))
        during.push(await Promise.race([written, waited]))
        return true
      },
    }
    const social = await createSocialAuth({
      settings: {
        AUTHENTICATION_BACKENDS: [revoking, dummyBackend({ name: 'beta' })],
        REVOKE_TOKENS_ON_DISCONNECT: true,
        LOGIN_REDIRECT_URL: '/done',
        LOGIN_URL: '/login',
      },
      storage,
    })
    const alpha = await storage.user.createSocialAuth(user, 'a-1', 'alpha')
    await storage.user.setExtraData(alpha, { access_token: 'token' })
    await storage.user.createSocialAuth(user, 'b-1', 'beta')
    await social.disconnect(createTestStrategy().request({ method: 'POST', body: {} }), 'alpha', {
      user,
      onError: 'throw',
    })
    expect(during).toEqual(['updated'])
    expect((await storage.user.getSocialAuthForUser(user)).map((s) => s.provider)).toEqual(['beta'])
    expect((await storage.user.getUser(user.id))?.first_name).toBe('Updated')
  })
})
