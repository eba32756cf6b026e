/** The knex CLI runs the same migrations through the package's knexfile (issue 3). */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import knex from 'knex'
import { MIGRATIONS_TABLE, migrate } from '../src/index.js'
import { openPostgres, type TestDatabase } from './support/databases.js'

const run = promisify(execFile)
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))
const knexCli = fileURLToPath(new URL('../../../node_modules/knex/bin/cli.js', import.meta.url))

/** `npx knex <args> --knexfile fixtures/knexfile.mjs`, from `cwd`. */
async function knexCommand(
  args: string[],
  cwd: string,
  databaseUrl: string,
  initCwd = cwd,
): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [knexCli, ...args, '--knexfile', here('./fixtures/knexfile.mjs')],
    {
      cwd,
      timeout: 30_000,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PWD: cwd,
        INIT_CWD: initCwd,
        NODE_OPTIONS: `--import ${here('./support/register-ts.mjs')} --no-warnings`,
      },
    },
  )
  return stdout
}

describe('npx knex migrate with the package knexfile', () => {
  let dir: string
  let pg: TestDatabase
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'social-auth-cli-'))
    pg = await openPostgres()
  })
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await pg.destroy()
  })

  it('migrates a SQLite file named relative to the directory the command ran in', async () => {
    // migrate:list names the pending migrations (it prints each one's `file`).
    const pending = await knexCommand(['migrate:list'], dir, 'sqlite:data/cli.sqlite3')
    expect(pending).toContain('Found 6 Pending Migration file/files.')
    expect(pending).toContain('0001_users')
    expect(pending).not.toContain('undefined')
    const out = await knexCommand(['migrate:latest'], dir, 'sqlite:data/cli.sqlite3')
    expect(out).toContain('Batch 1 run: 6 migrations')
    const db = knex({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'data', 'cli.sqlite3') },
      useNullAsDefault: true,
    })
    try {
      expect(await db(MIGRATIONS_TABLE).count({ n: '*' })).toEqual([{ n: 6 }])
      expect(await migrate(db)).toEqual([])
    } finally {
      await db.destroy()
    }
    expect(
      await knexCommand(['migrate:rollback', '--all'], dir, 'sqlite:data/cli.sqlite3'),
    ).toContain('Batch 1 rolled back: 6 migrations')
  })

  it('resolves a relative path as the app does in an npm script run from a subdirectory', async () => {
    // npm runs scripts in the package directory (PWD) whatever directory it was typed in
    // (INIT_CWD), and so runs `npm start`: the migrations must reach the app's file.
    const sub = join(dir, 'sub')
    await knexCommand(['migrate:latest'], dir, 'sqlite:data/npm.sqlite3', sub)
    expect(existsSync(join(dir, 'data', 'npm.sqlite3'))).toBe(true)
    expect(existsSync(join(sub, 'data', 'npm.sqlite3'))).toBe(false)
  })

  it('migrates PostgreSQL from DATABASE_URL and rolls everything back', async () => {
    expect(await knexCommand(['migrate:latest'], dir, pg.url)).toContain(
      'Batch 1 run: 6 migrations',
    )
    expect(await pg.knex.schema.hasTable('social_auth_usersocialauth')).toBe(true)
    expect(await migrate(pg.knex)).toEqual([])
    expect(await knexCommand(['migrate:rollback', '--all'], dir, pg.url)).toContain(
      'rolled back: 6 migrations',
    )
    expect(await pg.knex.schema.hasTable('social_auth_usersocialauth')).toBe(false)
  })
})
