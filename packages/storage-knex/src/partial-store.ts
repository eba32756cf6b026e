/** PSA's `PartialMixin`: table `social_auth_partial`. */
import type { PartialRecord, PartialStorage } from '@social-auth/core'
import { fromDbDate, fromDbJsonObject, fromDbNumber, toDbDate, toDbJson } from './sql-values.js'
import type { StoreContext } from './store-context.js'

const TABLE = 'social_auth_partial'

function partialFromRow(row: Record<string, unknown>): PartialRecord {
  const data = fromDbJsonObject(row.data)
  return {
    token: String(row.token),
    backend: String(row.backend),
    next_step: fromDbNumber(row.next_step),
    data: { args: [], kwargs: {}, ...data },
    timestamp: fromDbDate(row.timestamp),
  }
}

/** The paused-pipeline store. */
export function partialStore(ctx: StoreContext): PartialStorage {
  const { db } = ctx
  return {
    async store(partial) {
      const row = {
        token: partial.token,
        backend: partial.backend,
        next_step: partial.next_step,
        data: toDbJson(partial.data),
        timestamp: toDbDate(ctx.dialect, partial.timestamp),
      }
      // Storing a token again replaces it, as the memory store's map does.
      await db(TABLE)
        .insert(row)
        .onConflict(['token'])
        .merge(['backend', 'next_step', 'data', 'timestamp'])
    },
    async load(token) {
      const row = (await db(TABLE).where('token', token).first()) as
        Record<string, unknown> | undefined
      return row ? partialFromRow(row) : null
    },
    async destroy(token) {
      await db(TABLE).where('token', token).delete()
    },
  }
}
