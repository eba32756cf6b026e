import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import express, { type Request } from 'express'
import knex, { type Knex } from 'knex'
import {
  KnexRateLimitStore,
  MemoryRateLimitStore,
  clientAddress,
  rateLimit,
  type RateLimitStore,
} from '../src/index.js'
import { postgresUrl } from './postgres.js'

// Issue 8, "abuse limits": the counters (one process, or shared by several app nodes through
// the database) and the middleware answering 429 with Retry-After (RFC 6585 §4).

describe('MemoryRateLimitStore', () => {
  it('counts within a window and starts a new one when it ends', async () => {
    const store = new MemoryRateLimitStore()
    expect(await store.hit('k', 1000, 0)).toEqual({ count: 1, resetAt: 1000 })
    expect(await store.hit('k', 1000, 999)).toEqual({ count: 2, resetAt: 1000 })
    expect(await store.hit('k', 1000, 1000)).toEqual({ count: 1, resetAt: 2000 })
    await store.reset('k')
    expect(await store.hit('k', 1000, 1500)).toEqual({ count: 1, resetAt: 2500 })
  })

  it('stays within maxKeys under a flood of distinct keys, dropping ended windows first', async () => {
    const store = new MemoryRateLimitStore({ maxKeys: 100 })
    for (let i = 0; i < 50; i++) await store.hit(`old-${i}`, 10, 0)
    for (let i = 0; i < 10_000; i++) await store.hit(`flood-${i}`, 60_000, 100)
    expect(store.size).toBeLessThanOrEqual(100)
    // The newest windows survive; a key that keeps coming back keeps counting.
    expect((await store.hit('flood-9999', 60_000, 100)).count).toBe(2)
  })
})

describe.each(['sqlite', 'postgres'] as const)('KnexRateLimitStore on %s', (dialect) => {
  let db: Knex
  let cleanup: () => Promise<void>
  beforeAll(async () => {
    if (dialect === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'rate-limit-'))
      db = knex({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'limits.sqlite3') },
        useNullAsDefault: true,
      })
      cleanup = async () => {
        await db.destroy()
        rmSync(dir, { recursive: true, force: true })
      }
    } else {
      const pg = await postgresUrl()
      db = knex({ client: 'pg', connection: pg.url, pool: { min: 0, max: 20 } })
      cleanup = async () => {
        await db.schema.dropTableIfExists('rl_test')
        await db.destroy()
        await pg.stop()
      }
    }
  }, 60_000)
  afterAll(() => cleanup())

  it('gives concurrent hits distinct counts, so no burst slips through between nodes', async () => {
    // Two stores on one table: two app nodes.
    const a = new KnexRateLimitStore(db, { tableName: 'rl_test', pruneIntervalSeconds: 0 })
    const b = new KnexRateLimitStore(db, { tableName: 'rl_test', pruneIntervalSeconds: 0 })
    const hits = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hit('burst', 60_000, 1_000)),
    )
    expect(hits.map((hit) => hit.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    )
    expect(new Set(hits.map((hit) => hit.resetAt))).toEqual(new Set([61_000]))
  })

  it('restarts a window that ended, resets a key, and prunes ended windows', async () => {
    let now = 0
    const store = new KnexRateLimitStore(db, {
      tableName: 'rl_test',
      pruneIntervalSeconds: 0,
      now: () => now,
    })
    expect(await store.hit('w', 1000, 0)).toEqual({ count: 1, resetAt: 1000 })
    expect(await store.hit('w', 1000, 500)).toEqual({ count: 2, resetAt: 1000 })
    expect(await store.hit('w', 1000, 1000)).toEqual({ count: 1, resetAt: 2000 })
    await store.reset('w')
    expect((await store.hit('w', 1000, 1200)).count).toBe(1)
    now = 10_000_000
    expect(await store.prune()).toBeGreaterThan(0)
  })

  it('stores keys as hashes: no email or address in the table, HMAC when given a secret', async () => {
    const plain = new KnexRateLimitStore(db, { tableName: 'rl_test', pruneIntervalSeconds: 0 })
    const keyed = new KnexRateLimitStore(db, {
      tableName: 'rl_test',
      pruneIntervalSeconds: 0,
      secret: 'rate-limit-secret',
    })
    await plain.hit('begin:email\u0000victim@example.com', 60_000, 5)
    await keyed.hit('begin:email\u0000victim@example.com', 60_000, 5)
    const keys = await db<{ key: string }>('rl_test').select('key')
    for (const { key } of keys) expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(keys)).not.toContain('victim')
    // The keyed store counts apart from the unkeyed one: its digests differ.
    expect((await keyed.hit('begin:email\u0000victim@example.com', 60_000, 6)).count).toBe(2)
  })
})

describe('rateLimit middleware', () => {
  let server: Server
  let url: string
  let now = 1_000_000
  const failing: RateLimitStore = {
    hit: () => Promise.reject(new Error('store down')),
    reset: () => Promise.resolve(),
  }
  const events: string[] = []

  beforeAll(async () => {
    const app = express()
    app.set('trust proxy', 'loopback')
    const store = new MemoryRateLimitStore()
    const byClient = (req: Request) =>
      typeof req.query.client === 'string' ? req.query.client : undefined
    app.get(
      '/token',
      rateLimit({
        store,
        json: true,
        now: () => now,
        onEvent: (event) => events.push(event.type === 'limited' ? event.rule : 'store-error'),
        rules: [
          { name: 'token:ip', limit: 5, windowSeconds: 60, key: clientAddress },
          { name: 'token:client', limit: 2, windowSeconds: 30, key: byClient },
        ],
      }),
      (_req, res) => res.json({ ok: true }),
    )
    app.get(
      '/open',
      rateLimit({
        store: failing,
        rules: [{ name: 'x', limit: 1, windowSeconds: 1, key: () => 'x' }],
      }),
      (_req, res) => res.send('through'),
    )
    app.get(
      '/closed',
      rateLimit({
        store: failing,
        onStoreError: 'refuse',
        rules: [{ name: 'x', limit: 1, windowSeconds: 1, key: () => 'x' }],
      }),
      (_req, res) => res.send('through'),
    )
    app.get('/ip', (req, res) => res.send(clientAddress(req)))
    app.use(((_err, _req, res, _next) => {
      res.status(500).send('refused by the error handler')
    }) as express.ErrorRequestHandler)
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
    })
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('answers 429 with Retry-After and ERR_RATE_LIMITED once a rule is exceeded, and lets the client in when the window ends', async () => {
    const get = (client: string) => fetch(`${url}/token?client=${client}`)
    expect((await get('cli')).status).toBe(200)
    expect((await get('cli')).status).toBe(200)
    const refused = await get('cli')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('30')
    expect(refused.headers.get('cache-control')).toBe('no-store')
    expect(await refused.json()).toEqual({
      error: 'ERR_RATE_LIMITED',
      detail: 'Too many attempts. Please wait a moment and try again.',
    })
    expect(events).toEqual(['token:client'])
    // Another client is limited by address only: two more, then the address is exhausted too.
    expect((await get('other')).status).toBe(200)
    expect((await get('other')).status).toBe(200)
    const byAddress = await get('third')
    expect(byAddress.status).toBe(429)
    expect(byAddress.headers.get('retry-after')).toBe('60')
    now += 61_000
    expect((await get('cli')).status).toBe(200)
  })

  it('counts IPv6 clients by their /64 and IPv4-mapped addresses as IPv4', async () => {
    const ip = (forwarded: string) =>
      fetch(`${url}/ip`, { headers: { 'x-forwarded-for': forwarded } }).then((r) => r.text())
    expect(await ip('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64')
    expect(await ip('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64')
    expect(await ip('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(await ip('203.0.113.7')).toBe('203.0.113.7')
  })

  it('lets requests through when the store fails, unless told to refuse them', async () => {
    expect(await (await fetch(`${url}/open`)).text()).toBe('through')
    const closed = await fetch(`${url}/closed`)
    expect(closed.status).toBe(500)
    expect(await closed.text()).toBe('refused by the error handler')
  })

  it('refuses limits that are not positive at start-up', () => {
    expect(() =>
      rateLimit({ rules: [{ name: 'bad', limit: 0, windowSeconds: 60, key: () => 'x' }] }),
    ).toThrow('rate limit bad: limit must be a positive integer')
    expect(() =>
      rateLimit({ rules: [{ name: 'bad', limit: 1, windowSeconds: 0, key: () => 'x' }] }),
    ).toThrow('rate limit bad: windowSeconds must be a positive number')
  })
})
