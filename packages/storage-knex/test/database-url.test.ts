/** DATABASE_URL forms (DESIGN.md) and the connections they open. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
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
      connection: 'postgres://db/app',
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
