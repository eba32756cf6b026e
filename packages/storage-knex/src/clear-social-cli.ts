/** The `clearsocial` command line: PSA's flags, `DATABASE_URL` for the database. */
import { existsSync } from 'node:fs'
import type { Knex } from 'knex'
import { CLEARED_TABLES, clearSocial, type ClearSocialOptions } from './clear-social.js'
import { connectDatabase } from './connect.js'
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from './database-url.js'

const USAGE =
  'usage: clearsocial [--age DAYS] [--skip-codes] [--skip-partial]   (database: DATABASE_URL)'

// A thousand years: beyond it the cutoff is not a date.
const MAX_AGE_DAYS = 365_000

/** Reads the command's arguments; throws with the usage on a mistake. */
export function parseClearSocialArgs(argv: readonly string[]): ClearSocialOptions {
  let olderThanDays: number | undefined
  let skipCodes = false
  let skipPartial = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined]
    if (flag === '--age') {
      const value = inline ?? argv[++i]
      // Digits only: Number('') is 0, and an empty $AGE in a cron line must not mean "everything".
      if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) throw new Error(USAGE)
      olderThanDays = Number(value)
      if (olderThanDays > MAX_AGE_DAYS) throw new Error(USAGE)
    } else if (arg === '--skip-codes') skipCodes = true
    else if (arg === '--skip-partial') skipPartial = true
    else throw new Error(USAGE)
  }
  return { olderThanDays, skipCodes, skipPartial }
}

/**
 * Runs `clearsocial` against `DATABASE_URL`; resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await clearSocialCli(process.argv.slice(2))
 * ```
 */
export async function clearSocialCli(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(USAGE)
    return 0
  }
  let options: ClearSocialOptions
  try {
    options = parseClearSocialArgs(argv)
  } catch (err) {
    out((err as Error).message)
    return 2
  }
  let db: Knex | undefined
  try {
    const url = env.DATABASE_URL || DEFAULT_DATABASE_URL
    const location = parseDatabaseUrl(url)
    // Opening a SQLite path creates the file: a mistyped path must not leave an empty database.
    if (location.kind === 'sqlite' && !location.memory && !existsSync(location.filename)) {
      out(`clearsocial: no SQLite database at ${location.filename}; set DATABASE_URL to the app's`)
      return 1
    }
    db = connectDatabase(url)
    const missing: string[] = []
    for (const table of CLEARED_TABLES) if (!(await db.schema.hasTable(table))) missing.push(table)
    if (missing.length > 0) {
      out(
        `clearsocial: the database has no ${missing.join(', ')}: it is not the app's, or its migrations have not run`,
      )
      return 1
    }
    const removed = await clearSocial(db, options)
    out(
      `clearsocial: removed ${removed.codes} codes, ${removed.partials} partials, ` +
        `${removed.nonces} nonces, ${removed.associations} associations`,
    )
    return 0
  } catch (err) {
    // Driver messages carry the SQL without values (compileSqlOnError: false), never the URL.
    out(`clearsocial: ${err instanceof Error ? err.message : String(err)}`)
    return 1
  } finally {
    await db?.destroy()
  }
}
