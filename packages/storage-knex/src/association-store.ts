/** PSA's `AssociationMixin`: table `social_auth_association`. */
import type { Association, AssociationStorage } from '@social-auth/core'
import { fromDbNumber } from './sql-values.js'
import type { StoreContext } from './store-context.js'

const TABLE = 'social_auth_association'

function associationFromRow(row: Record<string, unknown>): Association {
  return {
    id: row.id as Association['id'],
    server_url: String(row.server_url),
    handle: String(row.handle),
    secret: String(row.secret),
    issued: fromDbNumber(row.issued),
    lifetime: fromDbNumber(row.lifetime),
    assoc_type: String(row.assoc_type),
  }
}

/** The association store. */
export function associationStore(ctx: StoreContext): AssociationStorage {
  const { db } = ctx
  return {
    async store(association) {
      const { server_url, handle, secret, issued, lifetime, assoc_type } = association
      await db(TABLE)
        .insert({ server_url, handle, secret, issued, lifetime, assoc_type })
        .onConflict(['server_url', 'handle'])
        .merge(['secret', 'issued', 'lifetime', 'assoc_type'])
    },
    async get({ serverUrl, handle }) {
      const rows = (await db(TABLE)
        .modify((query) => {
          if (serverUrl !== undefined) void query.where('server_url', serverUrl)
          if (handle !== undefined) void query.where('handle', handle)
        })
        .orderBy([
          { column: 'issued', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])) as Record<string, unknown>[]
      return Array.from(rows, associationFromRow)
    },
    async remove(ids) {
      const valid = ids.filter((id) => /^\d{1,19}$/.test(String(id)))
      if (valid.length > 0) await db(TABLE).whereIn('id', valid).delete()
    },
  }
}
