/**
 * PSA's `clearsocial` management command as a function: deletes unverified email codes and
 * paused pipelines older than the given age, plus stale nonces and associations.
 */
import { schemaDialect } from '@social-auth/migrations'
import type { Knex } from 'knex'
import { toDbDate } from './sql-values.js'

/** Options of {@link clearSocial}; PSA's `--age`, `--skip-codes`, `--skip-partial`. */
export interface ClearSocialOptions {
  /** Keep rows younger than this many days; 14 by default (PSA's). */
  readonly olderThanDays?: number
  /** Keep unverified email codes. */
  readonly skipCodes?: boolean
  /** Keep paused pipelines. */
  readonly skipPartial?: boolean
  /** The clock (tests inject one). */
  readonly now?: Date
}

/** How many rows {@link clearSocial} deleted, by table. */
export interface ClearSocialResult {
  readonly codes: number
  readonly partials: number
  readonly nonces: number
  readonly associations: number
}

const DAY_MS = 24 * 60 * 60 * 1000

/** The tables {@link clearSocial} deletes from, all made by the social-auth migrations. */
export const CLEARED_TABLES = [
  'social_auth_code',
  'social_auth_partial',
  'social_auth_nonce',
  'social_auth_association',
] as const
const [CODES, PARTIALS, NONCES, ASSOCIATIONS] = CLEARED_TABLES

/**
 * Deletes what no login will need again: unverified codes and partials older than
 * `olderThanDays`, nonces whose timestamp is older than that, and associations that expired
 * (issued + lifetime) before that.
 *
 * @example
 * ```ts
 * const removed = await clearSocial(knex, { olderThanDays: 14 })
 * ```
 */
export async function clearSocial(
  knex: Knex,
  options: ClearSocialOptions = {},
): Promise<ClearSocialResult> {
  const days = options.olderThanDays ?? 14
  if (!Number.isFinite(days) || days < 0)
    throw new RangeError('olderThanDays must be a non-negative number')
  const dialect = schemaDialect(knex)
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * DAY_MS)
  if (Number.isNaN(cutoff.getTime())) throw new RangeError('olderThanDays is too large')
  const cutoffSeconds = Math.floor(cutoff.getTime() / 1000)
  const codes = options.skipCodes
    ? 0
    : await knex(CODES)
        .where('verified', false)
        .where('timestamp', '<', toDbDate(dialect, cutoff))
        .delete()
  const partials = options.skipPartial
    ? 0
    : await knex(PARTIALS).where('timestamp', '<', toDbDate(dialect, cutoff)).delete()
  const nonces = await knex(NONCES).where('timestamp', '<', cutoffSeconds).delete()
  const associations = await knex(ASSOCIATIONS)
    .whereRaw('?? + ?? < ?', ['issued', 'lifetime', cutoffSeconds])
    .delete()
  return { codes, partials, nonces, associations }
}
