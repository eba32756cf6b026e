/** DATABASE_URL forms (DESIGN.md) and the connections they open. */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
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
      connection: { connectionString: 'postgres://db/app', connectionTimeoutMillis: 10_000 },
      migrations: { tableName: 'social_auth_migrations' },
    })
    expect(config.migrations?.migrationSource).toBeDefined()
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
