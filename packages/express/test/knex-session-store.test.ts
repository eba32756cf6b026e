import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import express from 'express'
import knex, { type Knex } from 'knex'
import type { SessionData } from 'express-session'
import { KnexSessionStore, sessionMiddleware } from '../src/index.js'
import { TestBrowser } from '../src/testing/index.js'
import { login, sessionIdOf, startTestApp } from './helpers.js'
import { postgresUrl } from './postgres.js'

const call = <T>(run: (done: (err?: unknown, value?: T) => void) => void): Promise<T | undefined> =>
  new Promise((resolve, reject) =>
    run((err, value) =>
      err ? reject(err instanceof Error ? err : new Error('store failure')) : resolve(value),
    ),
  )

const sessionAt = (expires: number, extra: Record<string, unknown> = {}): SessionData => {
  const session: unknown = {
    cookie: { originalMaxAge: 1000, expires: new Date(expires) },
    ...extra,
  }
  return session as SessionData
}

const expiresOf = async (db: Knex, sid: string): Promise<number> =>
  Number(
    (
      await db<{ sid: string; expires: number | string }>('social_auth_session_test')
        .where({ sid })
        .first()
    )?.expires,
  )

let pg: { url: string; stop(): Promise<void> }
const databases: Array<[string, () => Knex]> = [
  [
    'SQLite',
    () =>
      knex({
        client: 'better-sqlite3',
        connection: { filename: ':memory:' },
        useNullAsDefault: true,
      }),
  ],
  ['PostgreSQL', () => knex({ client: 'pg', connection: pg.url, pool: { min: 0, max: 4 } })],
]

beforeAll(async () => {
  pg = await postgresUrl()
}, 120_000)
afterAll(async () => {
  await pg.stop()
})

describe.each(databases)('KnexSessionStore on %s', (_name, connect) => {
  let db: Knex
  let now = Date.now()
  let store: KnexSessionStore
  beforeAll(async () => {
    db = connect()
    await db.schema.dropTableIfExists('social_auth_session_test')
    store = new KnexSessionStore(db, {
      tableName: 'social_auth_session_test',
      now: () => now,
      pruneIntervalSeconds: 0,
    })
  })
  afterAll(async () => {
    await db.schema.dropTableIfExists('social_auth_session_test')
    await db.destroy()
  })

  it('creates its table and reads back what it stored', async () => {
    await call((done) =>
      store.set('a', sessionAt(now + 60_000, { socialAuth: { userId: 7 } }), done),
    )
    const read = await call<SessionData | null>((done) => store.get('a', done))
    expect((read as unknown as { socialAuth: unknown }).socialAuth).toEqual({ userId: 7 })
    expect(await db.schema.hasTable('social_auth_session_test')).toBe(true)
  })

  it('overwrites a session on set and forgets it on destroy', async () => {
    await call((done) => store.set('b', sessionAt(now + 60_000, { n: 1 }), done))
    await call((done) => store.set('b', sessionAt(now + 60_000, { n: 2 }), done))
    expect(await call<SessionData | null>((done) => store.get('b', done))).toMatchObject({ n: 2 })
    await call((done) => store.destroy('b', done))
    expect(await call<SessionData | null>((done) => store.get('b', done))).toBeNull()
  })

  it('never returns an expired session and prunes it', async () => {
    await call((done) => store.set('old', sessionAt(now + 1000), done))
    now += 2000
    expect(await call<SessionData | null>((done) => store.get('old', done))).toBeNull()
    expect(await store.prune()).toBeGreaterThanOrEqual(1)
    expect(await db('social_auth_session_test').where({ sid: 'old' }).first()).toBeUndefined()
  })

  it('extends the expiry on touch only when it moved by more than a minute', async () => {
    await call((done) => store.set('t', sessionAt(now + 10_000), done))
    await call((done) => store.touch('t', sessionAt(now + 20_000), () => done()))
    expect(await expiresOf(db, 't')).toBe(now + 10_000)
    await call((done) => store.touch('t', sessionAt(now + 200_000), () => done()))
    expect(await expiresOf(db, 't')).toBe(now + 200_000)
  })

  it('skips the touch of a session object it has just written, by the same rule', async () => {
    const sess = sessionAt(now + 10_000)
    await call((done) => store.set('w', sess, done))
    await db('social_auth_session_test')
      .where({ sid: 'w' })
      .update({ expires: now + 5 })
    // The row changed behind the store's back: a touch that trusted memory keeps it as is.
    sess.cookie.expires = new Date(now + 20_000)
    await call((done) => store.touch('w', sess, () => done()))
    expect(await expiresOf(db, 'w')).toBe(now + 5)
    // Moved by more than a minute since the write: the touch is a query again.
    sess.cookie.expires = new Date(now + 200_000)
    await call((done) => store.touch('w', sess, () => done()))
    expect(await expiresOf(db, 'w')).toBe(now + 200_000)
    // Another session id with the same object is never skipped.
    await call((done) => store.set('w2', sessionAt(now + 1000), done))
    await call((done) => store.touch('w2', sess, () => done()))
    expect(await expiresOf(db, 'w2')).toBe(now + 200_000)
  })

  it('treats a corrupt row as no session', async () => {
    await db('social_auth_session_test').insert({
      sid: 'bad',
      sess: '{not json',
      expires: now + 60_000,
    })
    expect(await call<SessionData | null>((done) => store.get('bad', done))).toBeNull()
  })

  it('counts live sessions and clears them all', async () => {
    expect(await call<number>((done) => store.length(done))).toBeGreaterThan(0)
    await call((done) => store.clear(done))
    expect(await call<number>((done) => store.length(done))).toBe(0)
  })
})

describe('KnexSessionStore on better-sqlite3', () => {
  it('waits for the connection a transaction holds, and never reads or writes inside it', async () => {
    const db = knex({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    })
    const store = new KnexSessionStore(db, { pruneIntervalSeconds: 0 })
    try {
      await store.ensureTable()
      const trx = await db.transaction()
      await trx('social_auth_session').insert({ sid: 'uncommitted', sess: '{}', expires: 1e15 })
      let settled = false
      const read = call<SessionData | null>((done) => store.get('uncommitted', done)).then(
        (value) => {
          settled = true
          return value
        },
      )
      const write = call((done) => store.set('written', sessionAt(Date.now() + 60_000), done))
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(settled).toBe(false)
      await trx.rollback()
      // The read ran after the rollback: it never saw the transaction's row.
      expect(await read).toBeNull()
      await write
      // And the write was not part of the rolled-back transaction.
      expect(await db('social_auth_session').where({ sid: 'written' }).first()).toBeDefined()
    } finally {
      store.close()
      await db.destroy()
    }
  })
})

describe('KnexSessionStore table names on better-sqlite3', () => {
  const sqliteFile = (config: Partial<Knex.Config> = {}): { db: Knex; dir: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'session-names-'))
    const db = knex({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'sessions.db') },
      useNullAsDefault: true,
      ...config,
    })
    return { db, dir }
  }
  const roundTrip = async (db: Knex, dir: string, store: KnexSessionStore): Promise<void> => {
    try {
      await call((done) => store.set('a', sessionAt(Date.now() + 60_000, { n: 1 }), done))
      expect(await call<SessionData | null>((done) => store.get('a', done))).toMatchObject({ n: 1 })
    } finally {
      store.close()
      await db.destroy()
      rmSync(dir, { recursive: true, force: true })
    }
  }

  it('writes names as knex does: the app’s wrapIdentifier (a snake_case mapper) applies', async () => {
    const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
    const { db, dir } = sqliteFile({
      wrapIdentifier: (value, original) => original(!value || value === '*' ? value : snake(value)),
    })
    const store = new KnexSessionStore(db, { tableName: 'appSessions', pruneIntervalSeconds: 0 })
    await store.ensureTable()
    await roundTrip(db, dir, store)
  })

  it('reads a schema-qualified table (an attached database) as knex does', async () => {
    const attachedDir = mkdtempSync(join(tmpdir(), 'session-attached-'))
    const { db, dir } = sqliteFile({
      pool: {
        afterCreate(
          connection: { exec(sql: string): void },
          done: (err: null, c: unknown) => void,
        ) {
          connection.exec(`attach database '${join(attachedDir, 'auth.db')}' as auth`)
          done(null, connection)
        },
      },
    })
    await db.raw(
      'create table auth.app_sessions (sid varchar(255) primary key, sess text not null, expires bigint not null)',
    )
    const store = new KnexSessionStore(db, {
      tableName: 'auth.app_sessions',
      createTable: false,
      pruneIntervalSeconds: 0,
    })
    await roundTrip(db, dir, store)
    rmSync(attachedDir, { recursive: true, force: true })
  })
})

describe('session writes of a login', () => {
  it('are one row per request: no touch after a save, no second write of an unchanged session', async () => {
    const db = knex({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    })
    const store = new KnexSessionStore(db, { pruneIntervalSeconds: 0 })
    const app = await startTestApp({ store })
    // Rows the connection has written so far (SQLite's own count: the store runs its session
    // queries on the connection directly, not through knex's query events).
    const changes = async (): Promise<number> =>
      Number((await db.raw<Array<{ n: number }>>('select total_changes() as n'))[0]!.n)
    try {
      const browser = new TestBrowser()
      const csrf = (await browser.get(`${app.url}/csrf`)).text
      expect(await changes()).toBe(0)
      const started = await browser.post(`${app.url}/begin/dummy/`, { _csrf: csrf })
      // The route saves before redirecting; express-session's touch afterwards is skipped.
      expect(await changes()).toBe(1)
      const before = sessionIdOf(browser, app.url)
      const state = new URL(started.location!).searchParams.get('state')!
      const done = await browser.get(`${app.url}/complete/dummy/?code=ada&state=${state}`)
      expect(done.location).toBe(`${app.url}/done`)
      // The old id's row moves to the new id in one write (not again at the response's end).
      expect(await changes()).toBe(2)
      expect(sessionIdOf(browser, app.url)).not.toBe(before)
      const me = await browser.get(`${app.url}/me`, { headers: { accept: 'application/json' } })
      expect(me.json<{ user: { username: string } }>().user.username).toBe('ada')
      // That one write holds what the engine set after the login, too.
      const rows = await db('social_auth_session').select('sess')
      expect(rows).toHaveLength(1)
      expect(String((rows[0] as { sess: string }).sess)).toContain('social_auth_last_login_backend')
    } finally {
      await app.close()
      store.close()
      await db.destroy()
    }
  })
})

describe.each(databases)('a new session id at login on %s', (_name, connect) => {
  let db: Knex
  let server: Server
  let url: string
  let store: KnexSessionStore
  beforeAll(async () => {
    db = connect()
    await db.schema.dropTableIfExists('social_auth_session_regen')
    store = new KnexSessionStore(db, {
      tableName: 'social_auth_session_regen',
      pruneIntervalSeconds: 0,
    })
    const app = express()
    app.use(sessionMiddleware({ secret: 'regenerate-test', store }))
    app.post('/remember', (req, res) => {
      req.session.socialAuth = { values: { remembered: 'yes' } }
      res.send(req.sessionID)
    })
    // A login: a new id that carries the user, saved before the answer.
    app.post('/log-in', (req, res) => {
      expect(store.renewSessionId(req)).toBe(true)
      req.session.socialAuth = { userId: 7 }
      req.session.save((err) => {
        if (err) res.status(500).send('could not sign in')
        else res.send(req.sessionID)
      })
    })
    // A login whose session the store cannot write (a value JSON refuses).
    app.post('/log-in-unsaveable', (req, res) => {
      expect(store.renewSessionId(req)).toBe(true)
      req.session.socialAuth = { userId: 7, values: { count: 1n } }
      req.session.save((err) => {
        if (err) res.status(500).send('could not sign in')
        else res.send(req.sessionID)
      })
    })
    // express-session's own regenerate: the old row goes at once.
    app.post('/reset', (req, res) => {
      req.session.regenerate((err) => {
        if (err) res.status(500).send('could not reset')
        else res.send('reset')
      })
    })
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
    })
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
    store.close()
    await db.schema.dropTableIfExists('social_auth_session_regen')
    await db.destroy()
  })

  const rowOf = (sid: string): Promise<{ sess: string } | undefined> =>
    db<{ sid: string; sess: string }>('social_auth_session_regen').where({ sid }).first()

  it('moves the row to the new id in the save: the old id is dead, the new one signed in', async () => {
    const browser = new TestBrowser()
    const old = (await browser.post(`${url}/remember`, {})).text
    expect(await rowOf(old)).toBeDefined()
    const fresh = (await browser.post(`${url}/log-in`, {})).text
    expect(fresh).not.toBe(old)
    expect(await rowOf(old)).toBeUndefined()
    expect(JSON.parse((await rowOf(fresh))!.sess)).toMatchObject({ socialAuth: { userId: 7 } })
  })

  it('inserts the new session when the old row is already gone', async () => {
    const browser = new TestBrowser()
    const old = (await browser.post(`${url}/remember`, {})).text
    await db('social_auth_session_regen').where({ sid: old }).delete()
    const fresh = (await browser.post(`${url}/log-in`, {})).text
    expect(JSON.parse((await rowOf(fresh))!.sess)).toMatchObject({ socialAuth: { userId: 7 } })
  })

  it('keeps the old id as it was, and tells the caller, when the save fails', async () => {
    const browser = new TestBrowser()
    const old = (await browser.post(`${url}/remember`, {})).text
    const res = await browser.post(`${url}/log-in-unsaveable`, {})
    expect(res.status).toBe(500)
    // The pre-login session, not the user: the login did not happen.
    expect(JSON.parse((await rowOf(old))!.sess)).toEqual(
      expect.objectContaining({ socialAuth: { values: { remembered: 'yes' } } }),
    )
  })

  it("leaves express-session's regenerate as it is: the old row goes at once", async () => {
    const browser = new TestBrowser()
    const old = (await browser.post(`${url}/remember`, {})).text
    expect((await browser.post(`${url}/reset`, {})).text).toBe('reset')
    expect(await rowOf(old)).toBeUndefined()
  })
})

describe('two app nodes sharing a PostgreSQL session store', () => {
  it('finish on the second node a login begun on the first', async () => {
    const db = knex({ client: 'pg', connection: pg.url, pool: { min: 0, max: 4 } })
    const stores = [
      new KnexSessionStore(db, { tableName: 'social_auth_session_nodes' }),
      new KnexSessionStore(db, { tableName: 'social_auth_session_nodes' }),
    ]
    const { memoryStorage } = await import('@social-auth/core')
    const storage = memoryStorage()
    const nodes = [
      await startTestApp({ store: stores[0], storage, publicUrl: 'http://127.0.0.1' }),
      await startTestApp({ store: stores[1], storage, publicUrl: 'http://127.0.0.1' }),
    ]
    try {
      const browser = new TestBrowser()
      const token = (await browser.get(`${nodes[0]!.url}/csrf`)).text
      const started = await browser.post(`${nodes[0]!.url}/begin/dummy/`, { _csrf: token })
      const state = new URL(started.location!).searchParams.get('state')!
      const done = await browser.get(`${nodes[1]!.url}/complete/dummy/?code=roamer&state=${state}`)
      expect(done.location).toBe(`${nodes[1]!.url}/done`)
      expect(new URL(started.location!).searchParams.get('redirect_uri')).toBe(
        'http://127.0.0.1/complete/dummy/',
      )
      const me = await browser.get(`${nodes[0]!.url}/me`, {
        headers: { accept: 'application/json' },
      })
      expect(me.json<{ user: { username: string } }>().user.username).toBe('roamer')
      await login(browser, nodes[1]!, 'roamer')
    } finally {
      for (const node of nodes) await node.close()
      for (const store of stores) store.close()
      await db.schema.dropTableIfExists('social_auth_session_nodes')
      await db.destroy()
    }
  })
})
