/**
 * Threat: the database as an attack surface or a point of failure. A race between two
 * callbacks of one new account must not make two users or a half-linked account (security.md
 * §5.2, PSA CVE-2025-61783's "adopt the existing user" fallback); a database that fails in
 * the middle of a login, or goes away, must leave no orphan row, answer a coded error page
 * without internals, and let a retry succeed (issue 8 "Faults"). Real SQLite file and real
 * PostgreSQL, over HTTP through the example app. Already proven elsewhere, not repeated: 30
 * concurrent engine logins and three processes on one SQLite file
 * (packages/storage-knex/test/concurrency.test.ts), faults injected in the storage object
 * (packages/storage-knex/test/fault-injection.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startScriptedOp, type ScriptedOp } from './support/scripted-op.js'
import { createTestDatabase, cutOff, restore, type TestDatabase } from './support/postgres.js'
import {
  TestBrowser,
  errorCode,
  oidcCallback,
  signedInAs,
  startSecurityStack,
  type SecurityStack,
} from './support/stack.js'

let op: ScriptedOp
let postgres: TestDatabase

beforeAll(async () => {
  op = await startScriptedOp()
  postgres = await createTestDatabase('storage')
}, 60_000)
afterAll(async () => {
  await op.close()
  await postgres.drop()
})

/** The example app without the username step, so a first login completes at the callback. */
const start = (database: string) =>
  startSecurityStack({ op, database, app: { confirmUsername: false, rateLimit: false } })

/** SQL that makes every association insert fail, for the dialect. */
const FAULT = {
  sqlite: {
    install: [
      `CREATE TRIGGER security_fault BEFORE INSERT ON social_auth_usersocialauth
       BEGIN SELECT RAISE(ABORT, 'injected fault: association insert'); END`,
    ],
    remove: ['DROP TRIGGER security_fault'],
  },
  postgres: {
    install: [
      `CREATE FUNCTION security_fault() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN RAISE EXCEPTION 'injected fault: association insert'; END $$`,
      `CREATE TRIGGER security_fault BEFORE INSERT ON social_auth_usersocialauth
       FOR EACH ROW EXECUTE FUNCTION security_fault()`,
    ],
    remove: [
      'DROP TRIGGER security_fault ON social_auth_usersocialauth',
      'DROP FUNCTION security_fault()',
    ],
  },
}

describe.each(['sqlite', 'postgres'] as const)('storage on %s', (dialect) => {
  let stack: SecurityStack
  beforeAll(async () => {
    stack = await start(dialect === 'sqlite' ? 'sqlite' : postgres.url)
  })
  afterAll(async () => {
    await stack.close()
  })

  it('turns eight simultaneous first logins of one account into one user and one association, all signed in as it (security.md §5.2)', async () => {
    op.reset()
    op.account = {
      sub: `racer-${dialect}`,
      email: `racer-${dialect}@example.org`,
      email_verified: true,
    }
    const browsers = Array.from({ length: 8 }, () => new TestBrowser())
    const callbacks = await Promise.all(browsers.map((b) => oidcCallback(b, stack)))
    const users = await stack.count('users')
    const answers = await Promise.all(browsers.map((b, i) => b.get(callbacks[i]!)))
    for (const answer of answers) expect(answer.location).toBe(`${stack.appUrl}/profile`)
    expect(await stack.count('users')).toBe(users + 1)
    expect(await stack.uids('oidc')).toContain(`racer-${dialect}`)
    expect((await stack.uids('oidc')).filter((uid) => uid === `racer-${dialect}`)).toHaveLength(1)
    const who = await Promise.all(browsers.map((b) => signedInAs(b, stack)))
    expect(new Set(who)).toEqual(new Set([`racer-${dialect}@example.org`]))
  })

  it('leaves no orphan user when the database fails in the middle of a login, answers a coded page, and a retry succeeds', async () => {
    op.reset()
    op.account = { sub: `faulty-${dialect}`, email: `faulty-${dialect}@example.org` }
    const before = {
      users: await stack.count('users'),
      social: await stack.count('social_auth_usersocialauth'),
    }
    for (const sql of FAULT[dialect].install) await stack.db.raw(sql)
    const browser = new TestBrowser()
    let failed
    try {
      failed = await browser.get(await oidcCallback(browser, stack))
    } finally {
      for (const sql of FAULT[dialect].remove) await stack.db.raw(sql)
    }
    expect(failed.status).toBe(500)
    expect(failed.text).toContain('ERR_INTERNAL')
    expect(failed.text).not.toMatch(/injected fault|social_auth_usersocialauth|INSERT|\sat\s/)
    expect(stack.logged.at(-1)).toMatch(/^social-auth: GET \/complete\/oidc\/ failed/)
    expect(await signedInAs(browser, stack)).toBeUndefined()
    // The user row the pipeline had inserted went back with the failed association.
    expect(await stack.count('users')).toBe(before.users)
    expect(await stack.count('social_auth_usersocialauth')).toBe(before.social)

    const retry = await browser.get(await oidcCallback(browser, stack))
    expect(retry.location).toBe(`${stack.appUrl}/profile`)
    expect(await signedInAs(browser, stack)).toBe(`faulty-${dialect}@example.org`)
  })
})

describe('a PostgreSQL outage', () => {
  let stack: SecurityStack
  beforeAll(async () => {
    stack = await start(postgres.url)
  })
  afterAll(async () => {
    await restore(postgres)
    await stack.close()
  })

  it('answers coded pages without internals while the database is away, and the interrupted login completes once it is back', async () => {
    op.reset()
    op.account = { sub: 'outage-1', email: 'outage@example.org' }
    const browser = new TestBrowser()
    const callback = await oidcCallback(browser, stack)
    const users = await stack.count('users')

    await cutOff(postgres)
    for (const url of [callback, `${stack.appUrl}/`, `${stack.appUrl}/profile`]) {
      const res = await browser.get(url)
      expect(res.status).toBeGreaterThanOrEqual(500)
      expect(res.text).toContain('ERR_INTERNAL')
      expect(res.text).not.toMatch(/ALLOW_CONNECTIONS|not currently accepting|postgres|\sat\s/i)
    }
    const health = await fetch(`${stack.appUrl}/health`)
    expect(health.status).toBe(503)
    expect(stack.logged.length).toBeGreaterThan(0)
    for (const line of stack.logged) expect(line).not.toContain(callback.split('?')[1]!)

    await restore(postgres)
    // The session (and the login's state in it) outlived the outage: the same callback completes.
    const done = await browser.get(callback)
    expect(errorCode(done)).toBeNull()
    expect(done.location).toBe(`${stack.appUrl}/profile`)
    expect(await signedInAs(browser, stack)).toBe('outage@example.org')
    expect(await stack.count('users')).toBe(users + 1)
  })
})
