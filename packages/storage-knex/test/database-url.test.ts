/** DATABASE_URL forms (DESIGN.md) and the connections they open. */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { inspect } from 'node:util'
import { join } from 'node:path'
import { describe, expect, it, jest } from '@jest/globals'
import { ImproperlyConfigured } from '@social-auth/core'
import {
  connectDatabase,
  knexConfigFromUrl,
  knexStorage,
  migrate,
  parseDatabaseUrl,
} from '../src/index.js'

describe('parseDatabaseUrl', () => {
  it('resolves a relative sqlite path against the working directory', () => {
    expect(parseDatabaseUrl('sqlite:data/app.db', '/srv/app')).toEqual({
      kind: 'sqlite',
      filename: '/srv/app/data/app.db',
      memory: false,
    })
    expect(parseDatabaseUrl('sqlite:./app.db', '/srv')).toEqual({
      kind: 'sqlite',
      filename: '/srv/app.db',
      memory: false,
    })
  })

  it('keeps an absolute sqlite path, also in URL spelling', () => {
    expect(parseDatabaseUrl('sqlite:/var/lib/app.db')).toMatchObject({
      filename: '/var/lib/app.db',
    })
    expect(parseDatabaseUrl('sqlite:///var/lib/app.db')).toMatchObject({
      filename: '/var/lib/app.db',
    })
  })

  it('reads sqlite::memory: as an in-memory database', () => {
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({
      kind: 'sqlite',
      filename: ':memory:',
      memory: true,
    })
  })

  it('passes postgres URLs through', () => {
    expect(parseDatabaseUrl('postgres://u:p@db:5432/app')).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db:5432/app',
    })
    expect(parseDatabaseUrl('postgresql://db/app?sslmode=require')).toMatchObject({
      kind: 'postgres',
    })
  })

  it.each(['mysql://u:hunter2@db/app', 'sqlite:', 'sqlite://host/app.db', '/just/a/path'])(
    'refuses %s without repeating it',
    (url) => {
      let thrown: unknown
      try {
        parseDatabaseUrl(url)
      } catch (err) {
        thrown = err
      }
      expect(thrown).toBeInstanceOf(ImproperlyConfigured)
      expect((thrown as Error).message).not.toContain('hunter2')
    },
  )
})

describe('knexConfigFromUrl', () => {
  it('carries the social-auth migrations so it can serve as a knexfile', () => {
    const config = knexConfigFromUrl('postgres://db/app')
    expect(config).toMatchObject({
      client: 'pg',
      connection: { host: 'db', database: 'app', connectionTimeoutMillis: 10_000 },
      migrations: { tableName: 'social_auth_migrations' },
    })
    expect(config.migrations?.migrationSource).toBeDefined()
  })

  it('takes libpq connect_timeout (seconds) from the URL over the 10 s default', () => {
    const timeout = (url: string, ms?: number) =>
      (knexConfigFromUrl(url, { connectTimeoutMs: ms }).connection as Record<string, unknown>)
        .connectionTimeoutMillis
    expect(timeout('postgres://db/app?connect_timeout=30')).toBe(30_000)
    expect(timeout('postgres://db/app?connect_timeout=0')).toBe(0)
    expect(timeout('postgres://db/app', 2_000)).toBe(2_000)
    expect(timeout('postgres://db/app?connect_timeout=soon')).toBe(10_000)
  })

  it('hands knex the password as a field it hides, never inside a URL string', async () => {
    const db = connectDatabase('postgres://app:hunter2@127.0.0.1:1/app?sslmode=disable')
    // knex's client is typed `any`: the two fields it keeps the connection in.
    const client = db.client as { config: unknown; connectionSettings: { password?: string } }
    try {
      expect(inspect(client.config, { depth: 5 })).not.toContain('hunter2')
      expect(JSON.stringify(client.connectionSettings)).not.toContain('hunter2')
      expect(client.connectionSettings.password).toBe('hunter2')
    } finally {
      await db.destroy()
    }
  })

  it('refuses a PostgreSQL URL that does not parse, without repeating it', () => {
    for (const url of ['postgres://app:s3cr#t@db/app', 'postgres://app:s3cr/t@db/app']) {
      expect(() => knexConfigFromUrl(url)).toThrow(ImproperlyConfigured)
      expect(() => knexConfigFromUrl(url)).toThrow(/percent-encode/)
      try {
        knexConfigFromUrl(url)
      } catch (err) {
        expect(String((err as Error).message)).not.toContain('s3cr')
      }
    }
  })

  it('keeps values out of driver error messages', () => {
    expect(knexConfigFromUrl('sqlite::memory:')).toMatchObject({ compileSqlOnError: false })
    expect(knexConfigFromUrl('postgres://db/app')).toMatchObject({ compileSqlOnError: false })
  })
})

describe('connectDatabase', () => {
  it('gives up on a PostgreSQL host that accepts the connection and never answers', async () => {
    const sockets: Socket[] = []
    const silent = createServer((socket) => void sockets.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as AddressInfo
    const db = connectDatabase(`postgres://app:secret@127.0.0.1:${port}/app`, {
      connectTimeoutMs: 200,
    })
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const started = Date.now()
      await expect(db.raw('select 1')).rejects.toThrow(/timeout/i)
      // Well before knex's own 60 s acquire timeout.
      expect(Date.now() - started).toBeLessThan(10_000)
      // knex's warning, one line: no driver stack for an operator to mistake for a crash.
      expect(warn.mock.calls.map(([line]) => String(line))).toEqual([
        'knex: Acquire connection error: Error: timeout expired',
      ])
    } finally {
      warn.mockRestore()
      await db.destroy()
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  it('opens a SQLite file in a new directory with WAL, foreign keys and a busy timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'social-auth-url-'))
    const db = connectDatabase(`sqlite:${join(dir, 'nested', 'deeper', 'app.db')}`, {
      busyTimeoutMs: 1234,
    })
    try {
      const pragma = async (name: string) =>
        Object.values((await db.raw<Record<string, unknown>[]>(`PRAGMA ${name}`))[0]!)[0]
      expect(await pragma('journal_mode')).toBe('wal')
      expect(await pragma('foreign_keys')).toBe(1)
      expect(await pragma('busy_timeout')).toBe(1234)
    } finally {
      await db.destroy()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('runs the store on sqlite::memory:', async () => {
    const db = connectDatabase('sqlite::memory:')
    try {
      await migrate(db)
      const storage = knexStorage(db)
      const user = await storage.user.createUser({ username: 'mem' })
      expect((await storage.user.getUser(user.id))?.username).toBe('mem')
    } finally {
      await db.destroy()
    }
  })
})
