/** PSA's `clearsocial`: old unverified codes and partials, stale nonces and associations go. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { clearSocial, knexStorage, migrate } from '../src/index.js'
import { clearSocialCli, parseClearSocialArgs } from '../src/clear-social-cli.js'
import {
  countRows,
  emptyTables,
  openDatabase,
  openSqlite,
  type TestDatabase,
} from './support/databases.js'

const DAY = 24 * 60 * 60 * 1000
const now = new Date('2025-06-01T12:00:00Z')
const daysAgo = (days: number): Date => new Date(now.getTime() - days * DAY)
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000)

async function seed(db: TestDatabase): Promise<void> {
  const storage = knexStorage(db.knex, { now: () => now })
  const dated = async (email: string, when: Date, verified: boolean) => {
    const code = await storage.code.makeCode(email)
    if (verified) await storage.code.verify(code)
    const timestamp = db.name === 'postgres' ? when : when.toISOString()
    await db.knex('social_auth_code').where('code', code.code).update({ timestamp })
  }
  await dated('old-unverified@example.com', daysAgo(30), false)
  await dated('old-verified@example.com', daysAgo(30), true)
  await dated('new-unverified@example.com', daysAgo(1), false)
  const partial = (token: string, when: Date) =>
    storage.partial.store({
      token,
      backend: 'osso',
      next_step: 1,
      data: { args: [], kwargs: {} },
      timestamp: when,
    })
  await partial('o'.repeat(32), daysAgo(30))
  await partial('n'.repeat(32), daysAgo(1))
  await storage.nonce.use('https://op', seconds(daysAgo(30)), 'old')
  await storage.nonce.use('https://op', seconds(daysAgo(1)), 'new')
  const association = (handle: string, issued: Date, lifetime: number) =>
    storage.association.store({
      server_url: 'https://op',
      handle,
      secret: 's',
      issued: seconds(issued),
      lifetime,
      assoc_type: '',
    })
  await association('expired-long-ago', daysAgo(30), 3600)
  await association('recent', daysAgo(1), 0)
  await association('long-lived', daysAgo(30), 60 * 24 * 60 * 60)
}

describe.each(['sqlite', 'postgres'] as const)('clearSocial on %s', (name) => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await openDatabase(name)
    await migrate(db.knex)
  })
  beforeEach(async () => {
    await emptyTables(db.knex)
    await seed(db)
  })
  afterAll(() => db.destroy())

  it('deletes unverified codes and partials older than the age, and stale nonces and associations', async () => {
    expect(await clearSocial(db.knex, { olderThanDays: 14, now })).toEqual({
      codes: 1,
      partials: 1,
      nonces: 1,
      associations: 1,
    })
    const emails = (await db.knex('social_auth_code').select('email').orderBy('email')) as {
      email: string
    }[]
    expect(Array.from(emails, (r) => r.email)).toEqual([
      'new-unverified@example.com',
      'old-verified@example.com',
    ])
    expect(await db.knex('social_auth_partial').pluck('token')).toEqual(['n'.repeat(32)])
    expect(await db.knex('social_auth_nonce').pluck('salt')).toEqual(['new'])
    expect((await db.knex('social_auth_association').pluck('handle')).sort()).toEqual([
      'long-lived',
      'recent',
    ])
  })

  it('keeps codes and partials when asked to skip them, as PSA’s flags do', async () => {
    expect(
      await clearSocial(db.knex, { olderThanDays: 14, now, skipCodes: true, skipPartial: true }),
    ).toMatchObject({
      codes: 0,
      partials: 0,
    })
    expect(await countRows(db.knex, 'social_auth_code')).toBe(3)
    expect(await countRows(db.knex, 'social_auth_partial')).toBe(2)
  })

  it('deletes the younger rows too with a shorter age', async () => {
    await clearSocial(db.knex, { olderThanDays: 0, now })
    expect(await countRows(db.knex, 'social_auth_partial')).toBe(0)
    expect(await countRows(db.knex, 'social_auth_code')).toBe(1)
  })
})

describe('the clearsocial command', () => {
  it('reads PSA’s flags', () => {
    expect(parseClearSocialArgs(['--age', '7', '--skip-codes'])).toEqual({
      olderThanDays: 7,
      skipCodes: true,
      skipPartial: false,
    })
    expect(parseClearSocialArgs(['--age=3', '--skip-partial'])).toEqual({
      olderThanDays: 3,
      skipCodes: false,
      skipPartial: true,
    })
    expect(() => parseClearSocialArgs(['--age', 'soon'])).toThrow(/usage/)
    // An empty value (`--age "$AGE"` with AGE unset) would be 0 days: everything would go.
    for (const age of [
      '--age=',
      "--age=''",
      '--age=0x10',
      '--age=-1',
      '--age=1e3',
      '--age=99999999999',
    ])
      expect(() => parseClearSocialArgs([age])).toThrow(/usage/)
    expect(() => parseClearSocialArgs(['--age', ''])).toThrow(/usage/)
    expect(parseClearSocialArgs(['--age=0.5']).olderThanDays).toBe(0.5)
    expect(() => parseClearSocialArgs(['--everything'])).toThrow(/usage/)
  })

  it('clears the DATABASE_URL database and reports what it removed', async () => {
    const db = openSqlite()
    try {
      await migrate(db.knex)
      const lines: string[] = []
      expect(
        await clearSocialCli(['--age', '14'], { DATABASE_URL: db.url }, (line) => lines.push(line)),
      ).toBe(0)
      expect(lines).toEqual(['clearsocial: removed 0 codes, 0 partials, 0 nonces, 0 associations'])
      expect(
        await clearSocialCli(['--bogus'], { DATABASE_URL: db.url }, (line) => lines.push(line)),
      ).toBe(2)
      const fails = await clearSocialCli([], { DATABASE_URL: 'mysql://u:hunter2@db/x' }, (line) =>
        lines.push(line),
      )
      expect(fails).toBe(1)
      expect(lines.at(-1)).toMatch(/^clearsocial: DATABASE_URL must be/)
      expect(lines.join('\n')).not.toContain('hunter2')
    } finally {
      await db.destroy()
    }
  })

  it('answers --help with the usage and success', async () => {
    const lines: string[] = []
    expect(await clearSocialCli(['--help'], {}, (line) => lines.push(line))).toBe(0)
    expect(lines).toEqual([expect.stringMatching(/^usage: clearsocial /)])
  })

  it('refuses a SQLite path with no database, without creating a file there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearsocial-'))
    try {
      const file = join(dir, 'typo.sqlite3')
      const lines: string[] = []
      const code = await clearSocialCli([], { DATABASE_URL: `sqlite:${file}` }, (line) =>
        lines.push(line),
      )
      expect(code).toBe(1)
      expect(lines).toEqual([
        `clearsocial: no SQLite database at ${file}; set DATABASE_URL to the app's`,
      ])
      expect(existsSync(file)).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('names the missing tables of a database that was never migrated', async () => {
    const db = openSqlite()
    try {
      await db.knex.raw('create table unrelated (id integer)')
      const lines: string[] = []
      expect(await clearSocialCli([], { DATABASE_URL: db.url }, (line) => lines.push(line))).toBe(1)
      expect(lines).toEqual([
        'clearsocial: the database has no social_auth_code, social_auth_partial, social_auth_nonce, ' +
          "social_auth_association: it is not the app's, or its migrations have not run",
      ])
    } finally {
      await db.destroy()
    }
  })
})
