/**
 * A ready knexfile for the knex CLI, configured by `DATABASE_URL`:
 *
 *     DATABASE_URL=postgres://… npx knex migrate:latest --knexfile node_modules/@social-auth/storage-knex/dist/knexfile.js
 *
 * The knex CLI changes into the knexfile's directory before loading it, so relative SQLite
 * paths start from the directory the command was run in: the shell's PWD, which in an npm
 * script is the package's directory, where `npm start` runs the app too (npm's INIT_CWD, the
 * directory npm was typed in, only when there is no PWD).
 */
import type { Knex } from 'knex'
import { ensureDatabaseDirectory } from './connect.js'
import { DEFAULT_DATABASE_URL, knexConfigFromUrl } from './database-url.js'

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL
const cwd = process.env.PWD || process.env.INIT_CWD || process.cwd()
ensureDatabaseDirectory(url, cwd)

/** The knex configuration of `DATABASE_URL`, with the social-auth migrations. */
const config: Knex.Config = knexConfigFromUrl(url, { cwd })
export default config
