/** PSA's `NonceMixin`: table `social_auth_nonce`. */
import type { Nonce, NonceStorage } from '@social-auth/core'
import { fromDbNumber } from './sql-values.js'
import type { StoreContext } from './store-context.js'

const TABLE = 'social_auth_nonce'

function nonceFromRow(row: Record<string, unknown>): Nonce {
  return {
    id: row.id as Nonce['id'],
    server_url: String(row.server_url),
    timestamp: fromDbNumber(row.timestamp),
    salt: String(row.salt),
  }
}

/** The nonce store. */
export function nonceStore(ctx: StoreContext): NonceStorage {
  const { db } = ctx
  return {
    async use(serverUrl, timestamp, salt) {
      // A replay is an answer (false), not an error, and must not abort a PostgreSQL transaction.
      const inserted = await db(TABLE)
        .insert({ server_url: serverUrl, timestamp, salt })
        .onConflict(['server_url', 'timestamp', 'salt'])
        .ignore()
        .returning('id')
      return inserted.length > 0
    },
    async get(serverUrl, salt) {
      const row = (await db(TABLE).where({ server_url: serverUrl, salt }).orderBy('id').first()) as
        Record<string, unknown> | undefined
      return row ? nonceFromRow(row) : null
    },
    async delete(nonce) {
      await db(TABLE).where('id', nonce.id).delete()
    },
  }
}
